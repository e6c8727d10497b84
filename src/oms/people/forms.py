"""Page forms for the person record. They only parse and bound input; the services decide the rules
and their ``RuleViolation`` errors are put back on the matching field by the views."""

from __future__ import annotations

from django import forms

from oms.people.models import Alert, CaseNote, Identifier, Person, PersonName, Sex
from oms.web.forms import DateInputField


def _text(label: str, *, max_length: int, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required, help_text=help_text)


class SearchForm(forms.Form):
    q = _text(
        "Name, system number or identifier",
        max_length=200,
        help_text="For example, Smith, John Smith, A1234BC or a police number. Misspelt names are found too.",
    )
    date_of_birth = DateInputField(label="Date of birth", required=False, help_text="For example, 27 3 1985")
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status")] + [c for c in Person.Status.choices if c[0] != Person.Status.MERGED],
    )


class PersonForm(forms.Form):
    given_name = _text("Given name", max_length=100, required=True)
    middle_names = _text("Middle names", max_length=200)
    family_name = _text("Family name", max_length=100, required=True)
    date_of_birth = DateInputField(label="Date of birth", required=False, help_text="For example, 27 3 1985")
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.NOT_KNOWN, widget=forms.RadioSelect)
    gender_identity = _text("Gender identity", max_length=100)
    ethnicity = _text("Ethnicity", max_length=100)
    nationality = _text("Nationality", max_length=100)
    languages = _text(
        "Languages",
        max_length=60,
        help_text="ISO 639 codes separated by spaces, main language first, for example en cym",
    )
    interpreter_required = forms.BooleanField(label="Needs an interpreter", required=False)
    legal_status = forms.ChoiceField(label="Legal status", choices=Person.LegalStatus.choices)

    def clean_languages(self):
        return self.cleaned_data["languages"].split()


class CreatePersonForm(PersonForm):
    site = forms.ChoiceField(label="Site holding the record")
    duplicate_override_reason = forms.CharField(
        label="Reason for creating a new record anyway",
        max_length=500,
        required=False,
        widget=forms.Textarea,
        help_text="Only needed when possible matches are shown: say why this is a different person.",
    )

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(str(s.public_id), s.name) for s in sites]
        if len(self.fields["site"].choices) == 1:
            self.fields["site"].initial = self.fields["site"].choices[0][0]


class EditPersonForm(PersonForm):
    status = forms.ChoiceField(
        label="Status", choices=[c for c in Person.Status.choices if c[0] != Person.Status.MERGED]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2_000_000_000)


class AliasForm(forms.Form):
    given_name = _text("Given name", max_length=100)
    family_name = _text("Family name", max_length=100, required=True)
    kind = forms.ChoiceField(
        label="Kind of name",
        widget=forms.RadioSelect,
        choices=[c for c in PersonName.Kind.choices if c[0] != PersonName.Kind.PRIMARY],
    )
    date_of_birth = DateInputField(label="Date of birth used with this name", required=False)


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(label="Type of identifier", choices=Identifier.Kind.choices)
    value = _text("Number", max_length=50, required=True)
    issued_by = _text("Issued by", max_length=100)


class AlertForm(forms.Form):
    type = forms.ChoiceField(label="Type of alert", choices=Alert.Type.choices)
    level = forms.ChoiceField(
        label="Level", choices=Alert.Level.choices, initial=Alert.Level.MEDIUM, widget=forms.RadioSelect
    )
    description = forms.CharField(label="Description", max_length=4000, required=False, widget=forms.Textarea)
    starts_on = DateInputField(label="Start date", required=False, help_text="Leave empty to start today")
    ends_on = DateInputField(label="End date", required=False)


class CloseAlertForm(forms.Form):
    reason = forms.CharField(label="Why is the alert being closed?", max_length=500, widget=forms.Textarea)


class CaseNoteForm(forms.Form):
    type = forms.ChoiceField(label="Type of note")
    text = forms.CharField(label="Note", max_length=10000, widget=forms.Textarea)
    sensitive = forms.BooleanField(
        label="Sensitive", required=False, help_text="Mark notes that should be handled with extra care"
    )

    def __init__(self, *args, note_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [c for c in CaseNote.Type.choices if c[0] in note_types]


class MergeForm(forms.Form):
    other_system_number = _text(
        "System number of the other record", max_length=20, required=True, help_text="For example, A1234BC"
    )
    survivor = forms.ChoiceField(
        label="Which record is kept?",
        widget=forms.RadioSelect,
        choices=[("this", "This record"), ("other", "The other record")],
    )
    reason = forms.CharField(label="Why are these the same person?", max_length=500, widget=forms.Textarea)
    confirm = forms.BooleanField(label="I have checked these records are the same person. The merge cannot be undone.")


class PhotoForm(forms.Form):
    photo = forms.FileField(label="Photograph", help_text="A JPEG or PNG, 2 MB or smaller")
