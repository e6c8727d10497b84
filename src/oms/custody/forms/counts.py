"""Page forms for the roll and formal counts. They only parse and bound input; the count services
decide the rules and their errors are put back on the matching field by the views. Messages follow
the GOV.UK pattern ("Enter the number counted")."""

from __future__ import annotations

from django import forms

TIME_HELP = "Use the 24-hour clock, for example 14:05"


def _time(label: str, message: str, *, required: bool = True, help_text: str = TIME_HELP) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={"required": message, "invalid": f"{label} must be a time like 14:05"},
    )


def _text(label: str, *, max_length: int, required: str = "", help_text: str = "", rows: int = 0) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required),
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        error_messages={"required": required, "max_length": f"{label} must be {max_length} characters or less"},
    )


class CountTimeForm(forms.Form):
    name = _text(
        "Name of the count",
        max_length=60,
        required="Enter a name for the count",
        help_text="For example, Midday roll check",
    )
    time_of_day = _time("Time of the count", "Enter the time of the count")


class StartCountForm(forms.Form):
    """Start the scheduled count at one of the site's count times, or an emergency count with a reason."""

    kind = forms.ChoiceField(
        label="Kind of count",
        choices=[("scheduled", "Scheduled count"), ("emergency", "Emergency count")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of count", "invalid_choice": "Select the kind of count"},
    )
    count_time = forms.ChoiceField(
        label="Count time",
        required=False,
        error_messages={"invalid_choice": "Select one of this site's count times"},
    )
    reason = _text("Reason for an emergency count", max_length=200, help_text="Required for an emergency count")
    two_officer = forms.BooleanField(label="Two officers count each unit independently", required=False)

    def __init__(self, *args, count_times=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["count_time"].choices = [("", "Choose a count time")] + [
            (str(t.pk), f"{t.time_of_day:%H:%M} {t.name}") for t in count_times
        ]

    def clean(self):
        data = super().clean()
        if data.get("kind") == "scheduled" and not data.get("count_time"):
            self.add_error("count_time", "Select the count time")
        if data.get("kind") == "emergency" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why an emergency count is called")
        return data


class EntryForm(forms.Form):
    counted = forms.IntegerField(
        label="Number counted",
        error_messages={"required": "Enter the number counted", "invalid": "Number counted must be a whole number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    on_paper = forms.BooleanField(label="This was counted on a paper sheet", required=False)
    counted_time = _time(
        "Time counted on paper",
        "Enter the time the paper count was taken",
        required=False,
        help_text="Only for a paper count: the time on the sheet, within the last 24 hours (24-hour clock)",
    )

    def clean(self):
        data = super().clean()
        if data.get("on_paper") and not data.get("counted_time") and "counted_time" not in self.errors:
            self.add_error("counted_time", "Enter the time the paper count was taken")
        return data


class DiscrepancyForm(forms.Form):
    person = forms.ChoiceField(label="Person", required=False)
    description = _text(
        "What is wrong",
        max_length=500,
        required="Describe the discrepancy",
        rows=3,
        help_text="For example, not in cell 01 at the count; or an extra person found",
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "Not a named person on the roll")] + [
            (p["person_id"], f"{p['name']} ({p['system_number']})") for p in people
        ]


class ResolveForm(forms.Form):
    discrepancy = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    resolution = _text("How it was resolved", max_length=500, required="Enter how the discrepancy was resolved", rows=2)


class RecountForm(forms.Form):
    reason = _text("Why the unit is recounted", max_length=200, required="Enter why the unit is recounted")


class ClearForm(forms.Form):
    note = _text("Note (optional)", max_length=500)
