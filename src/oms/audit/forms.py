"""The audit search and report filters (pages)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings

from oms.audit.queries import as_id, resolve_person
from oms.web.forms import DateInputField


def _local_midnight(day: dt.date) -> dt.datetime:
    # Auditors think in local calendar days; the trail stores UTC instants.
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


class PeriodForm(forms.Form):
    date_from = DateInputField(label="From", required=False, min_year=2000, help_text="For example, 27 3 2026")
    date_to = DateInputField(label="To (inclusive)", required=False, min_year=2000)

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "To must be the same as or after From")
        return cleaned

    def period(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        date_from, date_to = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        since = _local_midnight(date_from) if date_from else None
        until = _local_midnight(date_to + dt.timedelta(days=1)) if date_to else None
        return since, until


class AuditSearchForm(PeriodForm):
    user = forms.CharField(label="User", required=False, max_length=150, help_text="Username or user number")
    person = forms.CharField(
        label="Person", required=False, max_length=64, help_text="System number (for example A1234BC) or person number"
    )
    object_type = forms.CharField(label="Record type", required=False, max_length=60, help_text="For example person")
    object_id = forms.CharField(label="Record id", required=False, max_length=64)
    action = forms.CharField(
        label="Action",
        required=False,
        max_length=100,
        help_text='An action such as people.person_viewed, or every action of an app such as "people."',
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput)

    field_order = ["user", "person", "object_type", "object_id", "action", "date_from", "date_to"]

    def clean_person(self) -> int | None:
        reference = self.cleaned_data["person"].strip()
        if not reference:
            return None
        person_id = resolve_person(reference)
        if person_id is None:
            raise forms.ValidationError("No person has that system number")
        return person_id

    def filters(self) -> dict:
        user = self.cleaned_data["user"].strip()
        since, until = self.period()
        return {
            "user_id": as_id(user),
            "username": None if as_id(user) is not None else user or None,
            "person_id": self.cleaned_data["person"],
            "object_type": self.cleaned_data["object_type"].strip() or None,
            "object_id": self.cleaned_data["object_id"].strip() or None,
            "action": self.cleaned_data["action"].strip() or None,
            "since": since,
            "until": until,
        }
