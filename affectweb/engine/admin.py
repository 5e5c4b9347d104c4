from django.contrib import admin

from affectweb.lib.hashed import NewSecretForm, new_secret_field
from affectweb.engine.models import Account, Job


class AccountForm(NewSecretForm):
    new_password = new_secret_field("password")

    class Meta:
        model = Account
        fields = ["username"]


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    form = AccountForm
    list_display = ["username", "created"]
    search_fields = ["username"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "name", "account", "status", "progress", "attempts", "published", "updated"]
    list_filter = ["status", "name"]
    search_fields = ["account__username"]
    # State changes belong to the workers and the sweep; the admin only looks and deletes.
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False
