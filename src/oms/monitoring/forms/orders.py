"""Forms for making and varying monitoring orders on a page. They gather what the services take
(``services.orders.ConditionSpec``); the services decide what is valid, and their errors are put back on
the field they name (``condition_field``)."""

from __future__ import annotations

import json
import re

from django import forms

from oms.monitoring.models import Condition
from oms.monitoring.services.orders import ConditionSpec
from oms.web.forms import VersionField, choice_field, date_field, text_field

MAX_GEOJSON_BYTES = 1_000_000  # a zone file of many detailed polygons; larger is not a zone
DAYS = [("0", "Monday"), ("1", "Tuesday"), ("2", "Wednesday"), ("3", "Thursday"), ("4", "Friday")]
DAYS += [("5", "Saturday"), ("6", "Sunday")]
ZONE_KINDS = {Condition.Kind.INCLUSION_ZONE, Condition.Kind.EXCLUSION_ZONE}


class ConditionFields(forms.Form):
    """One condition: its kind, a label, the place (GeoJSON pasted or uploaded, a radius for a point) and one
    timetable window (curfew, attendance, alcohol tests)."""

    kind = choice_field("Kind of condition", [("", "Select the kind of condition"), *Condition.Kind.choices])
    label = text_field("Label", max_length=200, help_text="For example, Home address or Town centre")
    geojson = text_field(
        "Place as GeoJSON",
        max_length=MAX_GEOJSON_BYTES,
        rows=6,
        help_text="Paste a GeoJSON Polygon, MultiPolygon or Point, a Feature, or a FeatureCollection of zones "
        "(longitude, latitude). Not needed for trail or alcohol conditions.",
    )
    geojson_file = forms.FileField(label="Or upload a GeoJSON file", required=False)
    radius_m = forms.IntegerField(
        label="Radius in metres",
        required=False,
        min_value=1,
        max_value=100_000,
        help_text="For a point (a curfew address or a circle)",
        error_messages={
            "invalid": "Enter the radius as a whole number of metres",
            "min_value": "The radius must be at least 1 metre",
            "max_value": "The radius must be 100,000 metres or less",
        },
    )
    days = forms.MultipleChoiceField(
        label="Days the window starts on",
        choices=DAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select the days"},
    )
    start = text_field("Window starts", max_length=5, help_text="24-hour clock, for example 19:00")
    end = text_field("Window ends", max_length=5, help_text="24-hour clock, for example 07:00 (the next morning)")

    def clean_geojson_file(self):
        upload = self.cleaned_data.get("geojson_file")
        if upload is None:
            return None
        if upload.size > MAX_GEOJSON_BYTES:
            raise forms.ValidationError("The file must be 1 MB or smaller")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file must be GeoJSON text (UTF-8)") from None

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("geojson_file") or cleaned.get("geojson") or ""
        cleaned["zone"] = None
        if text.strip():
            try:
                cleaned["zone"] = json.loads(text)
            except ValueError:
                field = "geojson_file" if cleaned.get("geojson_file") else "geojson"
                self.add_error(field, "The place must be GeoJSON (a JSON object)")
        return cleaned

    def timetable(self) -> list:
        data = self.cleaned_data
        if not (data.get("days") or data.get("start") or data.get("end")):
            return []
        return [{"days": [int(d) for d in data.get("days") or []], "start": data.get("start"), "end": data.get("end")}]

    def is_collection(self) -> bool:
        zone = self.cleaned_data.get("zone")
        return isinstance(zone, dict) and zone.get("type") == "FeatureCollection"

    def spec(self) -> ConditionSpec | None:
        """The condition as the services take it, or None when no kind was chosen (the service then says
        an order needs a condition)."""
        data = self.cleaned_data
        if not data.get("kind"):
            return None
        zone = data.get("zone")
        if self.is_collection():
            features = zone.get("features") or []
            # One condition per form: a collection of one is that feature; more go through the zone import.
            zone = features[0] if len(features) == 1 else zone
        return ConditionSpec(
            kind=data["kind"],
            label=data.get("label") or "",
            zone=zone,
            radius_m=data.get("radius_m"),
            timetable=self.timetable(),
            zone_name=(data.get("label") or "")[:100],
        )


class OrderForm(ConditionFields):
    reference = text_field("Court order reference", max_length=60)
    starts_on = date_field("Start date", required="Enter the start date")
    ends_on = date_field("End date")
    time_zone = text_field(
        "Time zone of the timetable", max_length=60, help_text="An IANA time zone, for example Europe/London"
    )

    field_order = ["reference", "starts_on", "ends_on", "time_zone"]


class AddConditionForm(ConditionFields):
    version = VersionField()
    reason = text_field(
        "Reason for the variation", max_length=1000, rows=3, required="Enter the reason for the variation"
    )


class VaryForm(forms.Form):
    version = VersionField()
    keep = forms.MultipleChoiceField(
        label="Conditions to keep",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick a condition to remove it. An order needs at least one.",
    )
    reference = text_field("Court order reference", max_length=60)
    ends_on = date_field("End date")
    reason = text_field(
        "Reason for the variation", max_length=1000, rows=3, required="Enter the reason for the variation"
    )

    def __init__(self, *args, conditions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(str(c.public_id), _condition_label(c)) for c in conditions]


def _condition_label(condition: Condition) -> str:
    text = condition.get_kind_display()
    return f"{text}: {condition.label}" if condition.label else text


_TIMETABLE = re.compile(r"^conditions\[\d+\]\.timetable(\[\d+\])?\.?(?P<part>days|start|end)?$")
_CONDITION = re.compile(r"^conditions\[\d+\]\.(?P<part>\w+)$")
_PARTS = {"zone": "geojson", "radius_m": "radius_m", "label": "label", "kind": "kind", "zone_name": "label"}


def condition_field(field: str | None, form: forms.Form) -> str | None:
    """The form field a service error names: ``conditions[0].zone`` is the GeoJSON box,
    ``conditions[0].timetable[0].start`` the start time, ``conditions`` (none given) the kind."""
    if not field:
        return None
    if field == "conditions":
        name = "kind" if "kind" in form.fields else "keep"
    elif match := _TIMETABLE.match(field):
        name = match.group("part") or "days"
    elif match := _CONDITION.match(field):
        name = _PARTS.get(match.group("part"), "")
    else:
        name = field
    return name if name in form.fields else None
