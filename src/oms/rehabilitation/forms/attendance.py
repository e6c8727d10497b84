"""Forms for the attendance pages: a session's register (one row per person, one submit), a correction,
cancelling and generating sessions, progress notes, completion and qualifications."""

from __future__ import annotations

from django import forms

from oms.rehabilitation.models import Allocation, Attendance
from oms.rehabilitation.queries.attendance import Register
from oms.rehabilitation.services.completion import NOT_COMPLETED_REASONS
from oms.web.forms import DateInputField

OUTCOME_CHOICES = [("", "Not marked"), *Attendance.Outcome.choices]


class SessionRegisterForm(forms.Form):
    """Fields per row of the register: ``outcome_<n>``, ``note_<n>`` and, for a person already marked,
    ``version_<n>`` (the mark's version when the page was drawn). Rows are numbered in register order and
    carry their allocation id in ``allocation_<n>`` so a row is never confused with another."""

    def __init__(self, *args, register: Register, fill_attended: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.register = register
        self.rows = []
        cancelled = register.session.status == "cancelled"
        for n, row in enumerate(register.rows):
            mark = row.mark
            initial_outcome = mark.outcome if mark else ""
            if not mark and row.allocation.status == Allocation.Status.SUSPENDED:
                initial_outcome = Attendance.Outcome.SUSPENDED
            if fill_attended and not mark and not initial_outcome and not cancelled:
                initial_outcome = Attendance.Outcome.ATTENDED
            self.fields[f"allocation_{n}"] = forms.CharField(
                widget=forms.HiddenInput, initial=str(row.allocation.public_id)
            )
            self.fields[f"outcome_{n}"] = forms.ChoiceField(
                label=f"Outcome for {row.person.full_name}",
                choices=OUTCOME_CHOICES,
                required=False,
                initial=initial_outcome,
            )
            self.fields[f"note_{n}"] = forms.CharField(
                label=f"Note for {row.person.full_name}",
                max_length=500,
                required=False,
                initial=mark.note if mark else "",
            )
            self.fields[f"version_{n}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=mark.version if mark else None
            )
            self.rows.append((n, row))

    def bound_rows(self):
        """(row, outcome field, note field, hidden fields) per row, for the table."""
        return [
            (row, self[f"outcome_{n}"], self[f"note_{n}"], (self[f"allocation_{n}"], self[f"version_{n}"]))
            for n, row in self.rows
        ]

    def marks(self) -> list[dict]:
        """The rows given an outcome, as the service takes them."""
        marks = []
        for n, _row in self.rows:
            outcome = self.cleaned_data.get(f"outcome_{n}")
            if not outcome:
                continue
            marks.append(
                {
                    "allocation_id": self.cleaned_data[f"allocation_{n}"],
                    "outcome": outcome,
                    "note": self.cleaned_data.get(f"note_{n}", ""),
                    "version": self.cleaned_data.get(f"version_{n}"),
                }
            )
        return marks

    def field_for(self, service_field: str | None) -> str | None:
        """The form field a service error names (``marks[3].outcome`` -> ``outcome_<row>``)."""
        if not service_field or not service_field.startswith("marks["):
            return None
        index, _, part = service_field[len("marks[") :].partition("]")
        try:
            position = int(index)
        except ValueError:
            return None
        given = [n for n, _ in self.rows if self.cleaned_data.get(f"outcome_{n}")]
        if position >= len(given):
            return None
        name = part.lstrip(".") or "outcome"
        return f"{'note' if name == 'note' else 'outcome'}_{given[position]}"


class CorrectMarkForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=Attendance.Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Why is the session cancelled?", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class GenerateSessionsForm(forms.Form):
    from_date = DateInputField(label="From")
    to_date = DateInputField(label="To")


class ProgressNoteForm(forms.Form):
    text = forms.CharField(label="Progress note", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class CompleteForm(forms.Form):
    ended_on = DateInputField(label="Date completed", required=False, help_text="Today when left blank")
    detail = forms.CharField(label="Comments (optional)", max_length=1000, required=False)
    with_qualification = forms.BooleanField(label="Record the qualification or certificate earned", required=False)
    title = forms.CharField(label="Qualification", max_length=200, required=False)
    awarding_body = forms.CharField(label="Awarding body (optional)", max_length=200, required=False)
    level = forms.CharField(label="Level (optional)", max_length=50, required=False)
    certificate_number = forms.CharField(label="Certificate number (optional)", max_length=100, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NotCompletedForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why did the place end?",
        choices=[(r, label) for r, label in Allocation.EndReason.choices if r in NOT_COMPLETED_REASONS],
        widget=forms.RadioSelect,
    )
    detail = forms.CharField(
        label="Details",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the reason is other",
    )
    ended_on = DateInputField(label="Date ended", required=False, help_text="Today when left blank")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class QualificationForm(forms.Form):
    title = forms.CharField(label="Qualification or certificate", max_length=200)
    awarding_body = forms.CharField(label="Awarding body (optional)", max_length=200, required=False)
    level = forms.CharField(label="Level (optional)", max_length=50, required=False)
    achieved_on = DateInputField(label="Date achieved")
    certificate_number = forms.CharField(label="Certificate number (optional)", max_length=100, required=False)
