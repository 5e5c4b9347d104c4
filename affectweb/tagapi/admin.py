from django import forms
from django.contrib import admin

from affectweb.tagapi.models import AccessToken, Application, Feedback


class ApplicationForm(forms.ModelForm):
    # The stored hash is never shown or edited; a new secret replaces it.
    new_secret = forms.CharField(
        required=False, strip=False, widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the current client secret.",
    )

    class Meta:
        model = Application
        fields = ["name", "client_id", "scope"]

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("new_secret"):
            self.add_error("new_secret", "A new application needs a client secret.")
        return data

    def save(self, commit=True):
        application = super().save(commit=False)
        if self.cleaned_data.get("new_secret"):
            application.set_secret(self.cleaned_data["new_secret"])
        if commit:
            application.save()
        return application


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    form = ApplicationForm
    list_display = ["name", "client_id", "scope", "created"]
    search_fields = ["name", "client_id"]


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    # Deleting a token revokes it; nothing else about a token can be changed.
    list_display = ["application", "scope", "created", "expires"]
    list_filter = ["application"]
    readonly_fields = ["application", "scope", "created", "expires"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["created", "application", "docids", "urls", "add_tags", "remove_tags"]
    list_filter = ["application"]
    search_fields = ["docids", "urls", "add_tags", "remove_tags"]
    readonly_fields = [f.name for f in Feedback._meta.fields]

    def has_add_permission(self, request):
        return False
