"""Page forms for logging on and for account administration (parsing only; rules live in services)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings

from oms.accounts.models import Role
from oms.core.actor import Scope
from oms.facilities.models import Organisation, Site


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, strip=True)
    password = forms.CharField(max_length=settings.PASSWORD_MAX_LENGTH * 4, strip=False, widget=forms.PasswordInput)


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=20, strip=True, help_text="The 6-digit code from your authenticator app, or a recovery code."
    )


class StepUpForm(forms.Form):
    password = forms.CharField(max_length=settings.PASSWORD_MAX_LENGTH * 4, strip=False, widget=forms.PasswordInput)
    code = forms.CharField(max_length=20, strip=True)


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        strip=False, max_length=settings.PASSWORD_MAX_LENGTH * 4, widget=forms.PasswordInput
    )
    new_password = forms.CharField(strip=False, max_length=settings.PASSWORD_MAX_LENGTH * 4, widget=forms.PasswordInput)
    confirm_password = forms.CharField(
        strip=False, max_length=settings.PASSWORD_MAX_LENGTH * 4, widget=forms.PasswordInput
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("confirm_password"):
            self.add_error("confirm_password", "The two new passwords do not match.")
        return data


class AccessForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False)
    scope = forms.ChoiceField(choices=Scope.CHOICES)
    sites = forms.ModelMultipleChoiceField(queryset=Site.objects.none(), required=False)
    roles = forms.MultipleChoiceField(choices=(), required=False)

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(active=True)
        sites = Site.objects.filter(active=True).select_related("organisation")
        if actor is not None and not actor.is_national:
            organisations = organisations.filter(pk=actor.organisation_id)
            sites = sites.filter(organisation_id=actor.organisation_id)
        self.fields["organisation"].queryset = organisations
        self.fields["sites"].queryset = sites
        self.fields["roles"].choices = [(r.code, r.name) for r in Role.objects.order_by("name")]


class UserCreateForm(AccessForm):
    username = forms.CharField(max_length=150)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    is_service_account = forms.BooleanField(required=False, label="Service account (API tokens only)")
    temporary_hours = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=int(settings.TEMPORARY_ACCOUNT_MAX.total_seconds() // 3600),
        label="Temporary account: expires after this many hours",
    )

    def expires_at(self, now: dt.datetime) -> dt.datetime | None:
        hours = self.cleaned_data.get("temporary_hours")
        return now + dt.timedelta(hours=hours) if hours else None


class DisableForm(forms.Form):
    reason = forms.CharField(max_length=200)


class TokenCreateForm(forms.Form):
    owner = forms.UUIDField(label="Owner (user id)")
    name = forms.CharField(max_length=100)
    scopes = forms.MultipleChoiceField(choices=())
    expires_in_days = forms.IntegerField(min_value=1, max_value=365, initial=90)

    def __init__(self, *args, owners=(), catalogue=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = forms.ChoiceField(choices=[(str(u.public_id), u.username) for u in owners])
        self.fields["scopes"].choices = sorted((catalogue or {}).items())
