"""Secrets that affectweb checks but never needs back: stored as Django password hashes.

The engines' API accounts (Affectiva Basic-auth passwords, Clarifai client secrets) use
these; provider credentials the dashboard must *send* are encrypted instead
(`encrypted_fields`), because a hash cannot be sent.
"""

from functools import cache

from django import forms
from django.contrib.auth.hashers import check_password, make_password
from django.db import models


def set_hashed(instance: models.Model, field: str, raw: str) -> None:
    setattr(instance, field, make_password(raw))


def check_hashed(instance: models.Model, field: str, raw: str) -> bool:
    def upgrade(raw: str) -> None:
        # Re-hash with the current hasher settings after a successful check.
        set_hashed(instance, field, raw)
        instance.save(update_fields=[field])

    return check_password(raw, getattr(instance, field), upgrade)


@cache
def _dummy_hash() -> str:
    return make_password("dummy")


def check_found(instance: models.Model | None, field: str, raw: str) -> bool:
    """`check_hashed` on the row a name found, or the same slow hashing against a dummy
    when none was found: a failed login takes as long for an unknown name as for a known
    one, so names cannot be probed by timing."""
    if instance is None:
        check_password(raw, _dummy_hash())
        return False
    return check_hashed(instance, field, raw)


def new_secret_field(noun: str) -> forms.CharField:
    return forms.CharField(
        required=False, strip=False, widget=forms.PasswordInput(render_value=False),
        label=f"New {noun}", help_text=f"Leave empty to keep the current {noun}.",
    )


class NewSecretForm(forms.ModelForm):
    """Admin form for a model with a hashed secret in `hashed_field`.

    The stored hash is never shown or edited; a secret typed into the field named
    `secret_field` (declared by the subclass with `new_secret_field`, so the admin
    renders it) replaces it, and an empty one keeps it.
    """

    hashed_field = "password"
    secret_field = "new_password"
    secret_noun = "password"

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get(self.secret_field):
            self.add_error(self.secret_field, f"A new {self._meta.model._meta.verbose_name} needs a {self.secret_noun}.")
        return data

    def save(self, commit=True):
        instance = super().save(commit=False)
        if self.cleaned_data.get(self.secret_field):
            set_hashed(instance, self.hashed_field, self.cleaned_data[self.secret_field])
        if commit:
            instance.save()
        return instance
