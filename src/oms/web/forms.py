"""Form building blocks shared by every app's pages: the GOV.UK date input (day, month, year).

Render fields with the partials in ``templates/web/components/`` (``web/components/field.html``
picks the right one); errors then follow the GOV.UK error message and error summary patterns.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction

from oms.core.csv_upload import decode_csv_bytes
from oms.core.errors import Conflict, RuleViolation

DATE_PARTS = ("day", "month", "year")


class DateInputWidget(forms.MultiWidget):
    """Three numeric text boxes, as GOV.UK asks for memorable dates such as a date of birth."""

    template_name = "django/forms/widgets/multiwidget.html"

    def __init__(self, attrs=None):
        numeric = {"inputmode": "numeric"}
        super().__init__(
            widgets={
                part: forms.TextInput(attrs={**numeric, "maxlength": 4 if part == "year" else 2}) for part in DATE_PARTS
            },
            attrs=attrs,
        )

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateInputField(forms.MultiValueField):
    """A legal date (``datetime.date``) entered as day, month and year, with GOV.UK error wording."""

    widget = DateInputWidget

    def __init__(self, *, min_year: int = 1900, max_year: int = 2100, **kwargs):
        self.min_year = min_year
        self.max_year = max_year
        fields = tuple(forms.CharField(required=False, max_length=4) for _ in DATE_PARTS)
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(part.strip() for part in data_list if part):
            return None
        day, month, year = (part.strip() if part else "" for part in data_list)
        missing = [name for name, part in zip(DATE_PARTS, (day, month, year), strict=True) if not part]
        if missing:
            raise ValidationError(
                f"{self.label or 'Date'} must include a {' and '.join(missing)}", code="incomplete_date"
            )
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{self.label or 'Date'} must be a real date", code="invalid_date")
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.label or 'Date'} must be a real date", code="invalid_date")
        if not (self.min_year <= value.year <= self.max_year):
            raise ValidationError(
                f"{self.label or 'Date'} must be between {self.min_year} and {self.max_year}", code="date_out_of_range"
            )
        return value


# Field builders for GOV.UK pages: each names its error messages from the label, so every app's forms say
# "Enter the ..." / "Select the ..." the same way. Field names match the services' arguments.
DATE_HINT = "For example, 27 3 2026"


def text_field(label: str, *, max_length: int, required: str = "", help_text: str = "", rows: int = 0):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required),
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
        error_messages={
            "required": required or f"Enter the {label.lower()}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


def date_field(label: str, *, required: str = "", help_text: str = DATE_HINT) -> DateInputField:
    field = DateInputField(label=label, required=False, help_text=help_text)
    if required:
        field.required = True
        field.error_messages["required"] = required
    return field


def choice_field(label: str, choices, *, required: str = "", radios: bool = False):
    return forms.ChoiceField(
        label=label,
        choices=list(choices),
        required=bool(required),
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={
            "required": required or f"Select the {label.lower()}",
            "invalid_choice": f"Select the {label.lower()}",
        },
    )


class VersionField(forms.IntegerField):
    """The version of the record the form was read at (hidden), for the services' optimistic check."""

    def __init__(self):
        super().__init__(widget=forms.HiddenInput, min_value=1, max_value=2_000_000_000)


def posted(request, *, files: bool = False):
    """The submitted data on a POST, even an empty one (an empty submit must show its errors), else None;
    with ``files``, the pair (data, files)."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


def service_errors_on(form, call):
    """Run a service call for a page; put a rule or conflict error on the form field it names (or the form
    as a whole) and mark the request's transaction for rollback so any partial write is undone."""
    try:
        return call()
    except (RuleViolation, Conflict) as error:
        transaction.set_rollback(True)
        form.add_error(error.field if error.field in form.fields else None, error.detail)
        return None


class CsvImportForm(forms.Form):
    """Upload a CSV file or paste its text, with a "check only" box: the shape of every CSV import page.

    Subclasses set ``max_bytes`` (the import's size limit) and ``dry_run_label``. ``clean`` leaves the
    text in ``cleaned_data["text"]``. ``too_large`` is set by the view when the upload was refused
    before the form saw it (the request body limit)."""

    max_bytes = 5_000_000
    dry_run_label = "Check only: report problems without changing anything"

    file = forms.FileField(label="Upload a CSV file", required=False)
    csv_text = forms.CharField(
        label="Or paste the CSV here", required=False, widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"})
    )
    dry_run = forms.BooleanField(label="", required=False, initial=True)

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        text = self.fields["csv_text"]
        text.max_length = self.max_bytes
        text.validators.append(MaxLengthValidator(self.max_bytes))
        # A new dict: declared fields share theirs between form classes.
        text.error_messages = {**text.error_messages, "max_length": f"The text is too long: the limit is {self._limit}"}
        text.widget.attrs["maxlength"] = str(self.max_bytes)
        self.fields["dry_run"].label = self.dry_run_label

    @property
    def _limit(self) -> str:
        return f"{self.max_bytes // 1_000_000} MB"

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        too_large = f"The file is too large: the limit is {self._limit}"
        if self.too_large:
            self.add_error("file", too_large)
        elif upload is not None:
            if not upload.name.lower().endswith((".csv", ".txt")):
                self.add_error("file", "The selected file must be a CSV file")
            elif upload.size > self.max_bytes:
                self.add_error("file", too_large)
            else:
                try:
                    data["text"] = decode_csv_bytes(upload.read(), self.max_bytes)
                except ValueError as error:
                    self.add_error("file", str(error))
        elif (data.get("csv_text") or "").strip():
            data["text"] = data["csv_text"]
        elif not self.errors:
            self.add_error("file", "Upload a CSV file or paste the CSV text")
        return data
