"""Forms of the emergency pages: shape only; the services decide."""

from django import forms

from oms.incidents.models import Emergency

_YES_NO = [("yes", "Yes"), ("no", "No")]


class DeclareEmergencyForm(forms.Form):
    facility = forms.ChoiceField(label="Facility")
    kind = forms.ChoiceField(label="Kind of emergency", choices=Emergency.Kind.choices, widget=forms.RadioSelect)
    locations = forms.MultipleChoiceField(
        label="Locations in scope",
        required=False,
        help_text="Leave all unticked for the whole facility; a ticked location includes everything under it.",
        widget=forms.CheckboxSelectMultiple,
    )
    instructions = forms.CharField(label="Instructions to staff", max_length=5000, widget=forms.Textarea)
    blocks_movements = forms.ChoiceField(
        label="Block movements in scope?", choices=_YES_NO, initial="yes", widget=forms.RadioSelect
    )

    def __init__(self, *args, facilities=(), locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [(str(s.public_id), s.name) for s in facilities]
        self.fields["locations"].choices = [(str(loc.public_id), loc.key) for loc in locations]


class InstructionsForm(forms.Form):
    instructions = forms.CharField(label="Instructions to staff", max_length=5000, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class LogEntryForm(forms.Form):
    text = forms.CharField(label="Log entry", max_length=2000)


class MovementExceptionForm(forms.Form):
    person = forms.CharField(label="Person (system number)", max_length=20)
    reason = forms.CharField(label="Why this movement is allowed", max_length=1000)


class StandDownForm(forms.Form):
    note = forms.CharField(label="Note (optional)", max_length=2000, required=False)


class ReviewForm(forms.Form):
    after_action_review = forms.CharField(label="After-action review", max_length=20000, widget=forms.Textarea)


class LinkIncidentForm(forms.Form):
    incident = forms.CharField(label="Incident reference", max_length=40)


class MarkForm(forms.Form):
    person = forms.UUIDField(widget=forms.HiddenInput)
    mark = forms.ChoiceField(choices=[("accounted", "Accounted for"), ("missing", "Missing"), ("found", "Found")])
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    found_at = forms.CharField(label="Found where", max_length=200, required=False)
