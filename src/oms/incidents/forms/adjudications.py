"""Forms for the adjudication pages. Field names match the services' arguments, so a service error
naming a field lands on that field. A date and time is entered as a date plus a 24-hour time, on the
prison's clock (Europe/London), and handed to the services as an aware UTC instant."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django import forms

from oms.incidents.models import Hearing, Punishment
from oms.sentencing.forms.records import choice, date, text, whole_number

LONDON = ZoneInfo("Europe/London")
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
PUNISHMENT_ROWS = 3


def time_field(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=5,
        required=required,
        help_text="24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={"required": f"Enter the {label.lower()}"},
    )


def instant(day: dt.date | None, time_text: str) -> dt.datetime | None:
    if day is None or not time_text:
        return None
    match = TIME.match(time_text.strip())
    if not match:
        return None
    local = dt.datetime.combine(day, dt.time(int(match[1]), int(match[2])), tzinfo=LONDON)
    return local.astimezone(dt.UTC)


class _WithInstants(forms.Form):
    """Join each ``<name>_date`` and ``<name>_time`` pair into ``<name>`` (aware UTC)."""

    instants: tuple[str, ...] = ()
    optional_instants: tuple[str, ...] = ()

    def clean(self):
        data = super().clean()
        for name in (*self.instants, *self.optional_instants):
            day, time_text = data.pop(f"{name}_date", None), (data.pop(f"{name}_time", "") or "").strip()
            if name in self.optional_instants and day is None and not time_text:
                data[name] = None
                continue
            value = instant(day, time_text)
            if value is None and f"{name}_time" not in self.errors and f"{name}_date" not in self.errors:
                self.add_error(f"{name}_time", "Enter a date and a time such as 14:30")
            data[name] = value
        return data

    def add_error(self, field, error):
        # Services name the joined field; show it on its time box.
        if field in (*self.instants, *self.optional_instants):
            field = f"{field}_time"
        super().add_error(field, error)


class ChargeForm(_WithInstants):
    instants = ("offence_at",)
    optional_instants = ("discovered_at",)
    paragraph = choice("Offence paragraph", [], required="Select the offence paragraph")
    offence_at_date = date("Date of the offence", required="Enter the date of the offence")
    offence_at_time = time_field("Time of the offence")
    particulars = text(
        "Particulars",
        max_length=5000,
        required="Enter the particulars of the charge",
        textarea=True,
        help_text="What the person is alleged to have done, where and when",
    )
    discovered_at_date = date("Date the offence was discovered (if later than the offence)")
    discovered_at_time = time_field("Time the offence was discovered", required=False)
    late_reason = text(
        "Exceptional circumstances",
        max_length=1000,
        textarea=True,
        help_text="Only needed when the charge is laid more than 48 hours after the offence was discovered",
    )

    def __init__(self, *args, paragraphs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].choices = [("", "Select a paragraph"), *paragraphs]


class ScheduleForm(_WithInstants):
    instants = ("scheduled_for",)
    scheduled_for_date = date("Hearing date", required="Enter the date of the hearing")
    scheduled_for_time = time_field("Hearing time")
    adjudicator_kind = choice(
        "Adjudicator", Hearing.Adjudicator.choices, required="Select who will adjudicate", radios=True
    )
    late_reason = text(
        "Reason the first hearing is after the deadline",
        max_length=1000,
        textarea=True,
        help_text="Only needed when the first hearing cannot open by the deadline",
    )


def _punishment_fields(index: int) -> dict[str, forms.Field]:
    n = index + 1
    return {
        f"p{index}_kind": choice(f"Punishment {n}", Punishment.Kind.choices, blank="None"),
        f"p{index}_days": whole_number(f"Punishment {n}: days", minimum=1, maximum=365),
        f"p{index}_amount_pence": whole_number(f"Punishment {n}: amount in pence", minimum=1, maximum=10_000_000),
        f"p{index}_privilege": text(f"Punishment {n}: privilege lost", max_length=200),
        f"p{index}_suspended_until": date(f"Punishment {n}: suspended until (optional)"),
    }


class HoldHearingForm(_WithInstants):
    optional_instants = ("next_hearing_at",)
    plea = choice("Plea", Hearing.Plea.choices, required="Select the plea", radios=True)
    outcome = choice("Outcome", Hearing.Outcome.choices, required="Select the outcome", radios=True)
    adjournment_reason = text("Reason for adjourning", max_length=1000, textarea=True)
    next_hearing_at_date = date("Next hearing date (when adjourned, optional)")
    next_hearing_at_time = time_field("Next hearing time", required=False)
    notes = text("Notes", max_length=10000, textarea=True)
    activate_punishment_ids = forms.MultipleChoiceField(
        label="Activate suspended punishments (the charge must be proved)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )

    def __init__(self, *args, suspended=(), **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(PUNISHMENT_ROWS):
            self.fields.update(_punishment_fields(index))
        self.fields["activate_punishment_ids"].choices = list(suspended)
        if not suspended:
            del self.fields["activate_punishment_ids"]

    def clean(self):
        data = super().clean()
        awards = []
        for index in range(PUNISHMENT_ROWS):
            values = {
                name: data.pop(f"p{index}_{name}", None)
                for name in ("kind", "days", "amount_pence", "privilege", "suspended_until")
            }
            if values["kind"]:
                awards.append({key: value for key, value in values.items() if value not in (None, "")})
        data["punishments"] = awards
        return data

    def add_error(self, field, error):
        # "punishments.1.days" from the service lands on the second row's days box.
        if field and field.startswith("punishments."):
            _, index, name = (field.split(".") + ["", ""])[:3]
            candidate = f"p{index}_{name}" if name else f"p{index}_kind"
            field = candidate if candidate in self.fields else None
        elif field == "punishments":
            field = "outcome"
        super().add_error(field, error)


class ActivateForm(forms.Form):
    charge_id = choice("Activated by the proved charge", [], required="Select the proved charge")

    def __init__(self, *args, charges=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["charge_id"].choices = [("", "Select a charge"), *charges]


class RestoreForm(forms.Form):
    days = whole_number("Days to restore", minimum=1, maximum=10_000, required=True)
    reasons = text(
        "Reasons for restoring", max_length=5000, required="Enter the reasons for restoring days", textarea=True
    )


class LodgeAppealForm(forms.Form):
    grounds = text("Grounds of the appeal", max_length=5000, required="Enter the grounds of the appeal", textarea=True)
    lodged_on = date("Date the appeal was received", required="Enter the date the appeal was received")


class AppealForm(forms.Form):
    DECISIONS = [("quash", "Quash the finding (and its punishments)"), ("reduce", "Reduce a punishment")]
    UPHOLD = ("uphold", "Dismiss the appeal: the finding and punishments stand")
    decision = choice("Decision", DECISIONS, required="Select the decision", radios=True)
    punishment = choice("Punishment to reduce", [], blank="Select a punishment")
    days = whole_number("Reduced number of days", minimum=1, maximum=365)
    grounds = text("Grounds of the appeal", max_length=5000, required="Enter the grounds of the appeal", textarea=True)
    reasons = text(
        "Reasons for the decision", max_length=5000, required="Enter the reasons for the decision", textarea=True
    )

    def __init__(self, *args, punishments=(), lodged=None, **kwargs):
        """``lodged``: the appeal awaiting a decision, if any. Its grounds are on record, so the form
        does not ask for them again, and it may be dismissed."""
        super().__init__(*args, **kwargs)
        self.fields["punishment"].choices = [("", "Select a punishment"), *punishments]
        if lodged is not None:
            self.fields["decision"].choices = [self.UPHOLD, *self.DECISIONS]
            self.fields["grounds"].required = False
            self.fields["grounds"].label = "Further grounds (optional)"

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reduce":
            if not data.get("punishment"):
                self.add_error("punishment", "Select the punishment to reduce")
            if not data.get("days"):
                self.add_error("days", "Enter the reduced number of days")
        return data
