"""Page forms for the person record. They only parse and bound input; the services decide the rules
and their ``RuleViolation`` errors are put back on the matching field by the views.

Every error message follows the GOV.UK pattern ("Enter a family name", "Select the type of alert",
"Date of birth must be in the past"): Django's "This field is required." never reaches a page."""

from __future__ import annotations

from django import forms

from oms.core import clock
from oms.people.models import Alert, CaseNote, Identifier, Person, PersonName, Sex
from oms.web.forms import DateInputField


def _text(
    label: str,
    *,
    max_length: int,
    required: str = "",
    help_text: str = "",
    widget: type[forms.Widget] | None = None,
) -> forms.CharField:
    """A text field; ``required`` is the message shown when it is left empty (empty: optional)."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required),
        help_text=help_text,
        widget=widget,
        error_messages={"required": required, "max_length": f"{label} must be {max_length} characters or less"},
    )


def _choice(label: str, message: str, **kwargs) -> forms.ChoiceField:
    """A choice; ``message`` is shown when nothing or something unknown is chosen."""
    return forms.ChoiceField(label=label, error_messages={"required": message, "invalid_choice": message}, **kwargs)


def _past_date(value, label: str = "Date of birth"):
    if value is not None and value > clock.today():
        raise forms.ValidationError(f"{label} must be in the past", code="date_in_future")
    return value


class SearchForm(forms.Form):
    q = _text(
        "Name, system number or identifier",
        max_length=200,
        help_text="For example, Smith, John Smith, A1234BC or a police number. Misspelt names are found too.",
    )
    date_of_birth = DateInputField(label="Date of birth", required=False, help_text="For example, 27 3 1985")
    status = _choice(
        "Status",
        "Select a status from the list",
        required=False,
        choices=[("", "Any status")] + [c for c in Person.Status.choices if c[0] != Person.Status.MERGED],
    )


class PersonForm(forms.Form):
    given_name = _text("Given name", max_length=100, required="Enter a given name")
    middle_names = _text("Middle names", max_length=200)
    family_name = _text("Family name", max_length=100, required="Enter a family name")
    date_of_birth = DateInputField(label="Date of birth", required=False, help_text="For example, 27 3 1985")
    sex = _choice(
        "Sex", "Select the person's sex", choices=Sex.choices, initial=Sex.NOT_KNOWN, widget=forms.RadioSelect
    )
    gender_identity = _text("Gender identity", max_length=100)
    ethnicity = _text("Ethnicity", max_length=100)
    nationality = _text("Nationality", max_length=100)
    languages = _text(
        "Languages",
        max_length=60,
        help_text="ISO 639 codes separated by spaces, main language first, for example en cym",
    )
    interpreter_required = forms.BooleanField(label="Needs an interpreter", required=False)
    legal_status = _choice("Legal status", "Select a legal status", choices=Person.LegalStatus.choices)

    def clean_date_of_birth(self):
        return _past_date(self.cleaned_data["date_of_birth"])

    def clean_languages(self):
        return self.cleaned_data["languages"].split()


class CreatePersonForm(PersonForm):
    site = _choice("Site holding the record", "Select the site holding the record")
    duplicate_override_reason = _text(
        "Reason for creating a new record anyway",
        max_length=500,
        widget=forms.Textarea,
        help_text="Only needed when possible matches are shown: say why this is a different person.",
    )

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(str(s.public_id), s.name) for s in sites]
        if len(self.fields["site"].choices) == 1:
            self.fields["site"].initial = self.fields["site"].choices[0][0]


class EditPersonForm(PersonForm):
    status = _choice(
        "Status", "Select a status", choices=[c for c in Person.Status.choices if c[0] != Person.Status.MERGED]
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2_000_000_000,
        error_messages={
            key: "The form was out of date. Open the record again and make your changes"
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )


class AliasForm(forms.Form):
    given_name = _text("Given name", max_length=100)
    family_name = _text("Family name", max_length=100, required="Enter a family name")
    kind = _choice(
        "Kind of name",
        "Select the kind of name",
        widget=forms.RadioSelect,
        choices=[c for c in PersonName.Kind.choices if c[0] != PersonName.Kind.PRIMARY],
    )
    date_of_birth = DateInputField(label="Date of birth used with this name", required=False)

    def clean_date_of_birth(self):
        return _past_date(self.cleaned_data["date_of_birth"], "Date of birth used with this name")


class IdentifierForm(forms.Form):
    kind = _choice("Type of identifier", "Select the type of identifier", choices=Identifier.Kind.choices)
    value = _text("Number", max_length=50, required="Enter the number")
    issued_by = _text("Issued by", max_length=100)


class AlertForm(forms.Form):
    type = _choice("Type of alert", "Select the type of alert", choices=Alert.Type.choices)
    level = _choice(
        "Level", "Select the level", choices=Alert.Level.choices, initial=Alert.Level.MEDIUM, widget=forms.RadioSelect
    )
    description = _text("Description", max_length=4000, widget=forms.Textarea)
    starts_on = DateInputField(label="Start date", required=False, help_text="Leave empty to start today")
    ends_on = DateInputField(label="End date", required=False)


class CloseAlertForm(forms.Form):
    reason = _text(
        "Why is the alert being closed?",
        max_length=500,
        required="Enter why the alert is being closed",
        widget=forms.Textarea,
    )


class PortalAccountForm(forms.Form):
    username = _text(
        "Username for the participant",
        max_length=150,
        required="Enter a username",
        help_text="They sign in with this. Use letters, numbers, dots or dashes.",
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        help_text="Reminders go here when email notifications are switched on.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(
        label="Mobile phone number (optional)",
        required=False,
        max_length=30,
        help_text="Text reminders go here when text notifications are switched on. They hold no details.",
    )


class ClosePortalAccountForm(forms.Form):
    reason = _text(
        "Why is the portal account being closed?",
        max_length=500,
        required="Enter why the portal account is being closed",
        widget=forms.Textarea,
    )


class CaseNoteForm(forms.Form):
    type = _choice("Type of note", "Select the type of note")
    text = _text("Note", max_length=10000, required="Enter the note", widget=forms.Textarea)
    sensitive = forms.BooleanField(
        label="Sensitive", required=False, help_text="Mark notes that should be handled with extra care"
    )

    def __init__(self, *args, note_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [c for c in CaseNote.Type.choices if c[0] in note_types]


class MergeForm(forms.Form):
    other_system_number = _text(
        "System number of the other record",
        max_length=20,
        required="Enter the system number of the other record",
        help_text="For example, A1234BC",
    )
    survivor = _choice(
        "Which record is kept?",
        "Select which record is kept",
        widget=forms.RadioSelect,
        choices=[("this", "This record"), ("other", "The other record")],
    )
    reason = _text(
        "Why are these the same person?",
        max_length=500,
        required="Enter why these are the same person",
        widget=forms.Textarea,
    )
    confirm = forms.BooleanField(
        label="I have checked these records are the same person. The merge cannot be undone.",
        error_messages={"required": "Confirm you have checked these records are the same person"},
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photograph",
        help_text="A JPEG or PNG, 2 MB or smaller",
        error_messages={
            "required": "Select a photograph",
            "empty": "The selected file is empty",
            "invalid": "The selected file could not be read",
            "missing": "Select a photograph",
            "max_length": "The selected file name must be 100 characters or less",
        },
    )


class EndForm(forms.Form):
    """Ending a site link or an allocation (the day is today)."""

    reason = _text("Why is this ending?", max_length=500, required="Enter why this is ending", widget=forms.Textarea)


class RemoveForm(forms.Form):
    """Removing an address or a contact."""

    reason = _text(
        "Why is this being removed?", max_length=500, required="Enter why this is being removed", widget=forms.Textarea
    )
