from django import forms
from django.contrib import admin, messages

from affectweb.clients.mediaapi import ProviderError
from affectweb.dashboard.models import FaceTrack, Media, MediaTags, Provider, Study, TagProvider


def secret_field(label: str) -> forms.CharField:
    return forms.CharField(label=label, widget=forms.PasswordInput(render_value=False), required=False,
                           help_text=f"Leave blank to keep the current {label}.")


class WriteOnlySecretForm(forms.ModelForm):
    """The stored secret is never sent back to the browser; leaving it blank keeps it."""

    secret = "password"  # the field's name

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get(self.secret):
            if self.instance.pk:
                cleaned[self.secret] = getattr(self.instance, self.secret)
            else:
                label = self.fields[self.secret].label or self.secret
                self.add_error(self.secret, f"A new {self._meta.model._meta.verbose_name} needs a {label.lower()}.")
        return cleaned


class ProviderForm(WriteOnlySecretForm):
    password = secret_field("password")
    index_url = forms.URLField(label="Index URL", max_length=500, assume_scheme="https")

    class Meta:
        model = Provider
        fields = ["name", "kind", "index_url", "username", "password", "is_default"]


class TestConnection:
    """The admin action: one call per selected provider, its outcome as a message."""

    actions = ["test_connection"]

    def check_connection(self, provider) -> str:
        raise NotImplementedError

    @admin.action(description="Test connection")
    def test_connection(self, request, queryset):
        for provider in queryset:
            try:
                outcome = self.check_connection(provider)
            except ProviderError as e:
                self.message_user(request, f"{provider}: {e}", messages.ERROR)
            else:
                self.message_user(request, f"{provider}: OK, {outcome}", messages.SUCCESS)


@admin.register(Provider)
class ProviderAdmin(TestConnection, admin.ModelAdmin):
    form = ProviderForm
    list_display = ["name", "kind", "index_url", "username", "is_default"]
    readonly_fields = ["jobs_url"]

    def check_connection(self, provider: Provider) -> str:
        client = provider.client()
        client.jobs_url = None  # always walk the index: that is what is being tested
        jobs_url = client.check()
        provider.remember(client)
        return f"jobs service at {jobs_url}"


class TagProviderForm(WriteOnlySecretForm):
    secret = "client_secret"
    client_secret = secret_field("client secret")
    base_url = forms.URLField(label="Base URL", max_length=500, assume_scheme="https",
                              help_text=TagProvider._meta.get_field("base_url").help_text)

    class Meta:
        model = TagProvider
        fields = ["name", "base_url", "client_id", "client_secret", "is_default"]


@admin.register(TagProvider)
class TagProviderAdmin(TestConnection, admin.ModelAdmin):
    form = TagProviderForm
    list_display = ["name", "base_url", "client_id", "is_default"]

    def check_connection(self, provider: TagProvider) -> str:
        return provider.client(cached_token=False, max_sleep=0).check()  # the credentials are what is tested


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


@admin.register(MediaTags)
class MediaTagsAdmin(admin.ModelAdmin):
    list_display = ["media", "status", "provider", "updated"]
    list_filter = ["status"]
    search_fields = ["media__name"]
    readonly_fields = ["media", "docid", "timestamps", "classes", "probs", "summary"]
