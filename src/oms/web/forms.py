"""Form building blocks shared by every app's pages: the GOV.UK date input (day, month, year).

Render fields with the partials in ``templates/web/components/`` (``web/components/field.html``
picks the right one); errors then follow the GOV.UK error message and error summary patterns.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction

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
