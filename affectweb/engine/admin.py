from django import forms
from django.contrib import admin

from affectweb.engine.models import Account, Job


class AccountForm(forms.ModelForm):
    # The stored hash is never shown or edited; a new password replaces it.
    new_password = forms.CharField(
        required=False, strip=False, widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the current password.",
    )

    class Meta:
        model = Account
        fields = ["username"]

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("new_password"):
            self.add_error("new_password", "A new account needs a password.")
        return data

    def save(self, commit=True):
        account = super().save(commit=False)
        if self.cleaned_data.get("new_password"):
            account.set_password(self.cleaned_data["new_password"])
        if commit:
            account.save()
        return account


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
