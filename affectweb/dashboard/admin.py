from django import forms
from django.contrib import admin, messages

from affectweb.clients.mediaapi import ProviderError
from affectweb.dashboard.models import FaceTrack, Media, Provider, Study


class ProviderForm(forms.ModelForm):
    # Write-only: the stored password is never sent back to the browser; leaving the
    # field blank keeps it.
    password = forms.CharField(widget=forms.PasswordInput(render_value=False), required=False,
                               help_text="Leave blank to keep the current password.")

    index_url = forms.URLField(label="Index URL", max_length=500, assume_scheme="https")

    class Meta:
        model = Provider
        fields = ["name", "kind", "index_url", "username", "password", "is_default"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not password and not self.instance.pk:
            raise forms.ValidationError("A new provider needs a password.")
        return password or self.instance.password


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    form = ProviderForm
    list_display = ["name", "kind", "index_url", "username", "is_default"]
    readonly_fields = ["jobs_url"]
    actions = ["test_connection"]

    @admin.action(description="Test connection")
    def test_connection(self, request, queryset):
        for provider in queryset:
            client = provider.client()
            client.jobs_url = None  # always walk the index: that is what is being tested
            try:
                jobs_url = client.check()
            except ProviderError as e:
                self.message_user(request, f"{provider}: {e}", messages.ERROR)
            else:
                provider.remember(client)
                self.message_user(request, f"{provider}: OK, jobs service at {jobs_url}", messages.SUCCESS)


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "created"]
    search_fields = ["name", "owner__username"]


class FaceTrackInline(admin.TabularInline):
    model = FaceTrack
    fields = ["face_id", "frame_count", "start", "end"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Media)
class MediaAdmin(admin.ModelAdmin):
    list_display = ["name", "study", "kind", "status", "created"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "study__name"]
    readonly_fields = ["job_url", "result_file", "result_type", "result_sha256", "metric_names"]
    exclude = ["file"]
    inlines = [FaceTrackInline]
