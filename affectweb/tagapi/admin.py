from django.contrib import admin

from affectweb.lib.hashed import NewSecretForm, new_secret_field
from affectweb.tagapi.models import AccessToken, Application, Feedback


class ApplicationForm(NewSecretForm):
    hashed_field = "client_secret"
    secret_field = "new_secret"
    secret_noun = "client secret"
    new_secret = new_secret_field("client secret")

    class Meta:
        model = Application
        fields = ["name", "client_id", "scope"]


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
