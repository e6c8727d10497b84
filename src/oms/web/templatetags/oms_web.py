"""Template helpers for GOV.UK Frontend markup: navigation, form widgets with error and hint wiring."""

from __future__ import annotations

from django import forms, template
from django.http import QueryDict
from django.urls import NoReverseMatch, reverse

from oms.web.navigation import navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def oms_navigation(context):
    request = context.get("request")
    if request is None:
        return []
    return navigation_for(getattr(request, "actor", None), request.path)


@register.simple_tag
def url_or_empty(name, *args):
    """Like {% url %} but an empty string when the route is not installed (optional pages)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def describedby(field) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def error_anchor(field) -> str:
    """The id an error summary link points at: the input itself, or the first box of a date input
    or the first option of radios and checkboxes (Django gives those no label id)."""
    if field.id_for_label:
        return field.id_for_label
    widget = field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{field.auto_id}{widget.widgets_names[0]}"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def field_describedby(field) -> str:
    return describedby(field)


@register.filter
def govuk_widget(field, css_class: str):
    """Render a bound field's own widget (keeping maxlength, autocomplete, required...) with the
    GOV.UK class, its error modifier and aria-describedby pointing at the hint and the error."""
    widget_attrs = field.field.widget.attrs
    classes = [c for c in (widget_attrs.get("class", ""), css_class) if c]
    if field.errors:
        classes.append(f"{css_class.split()[0]}--error")
    attrs = {"class": " ".join(classes)}
    ids = describedby(field)
    if ids:
        attrs["aria-describedby"] = ids
    return field.as_widget(attrs=attrs)


@register.simple_tag
def date_parts(field) -> list[dict]:
    """The day, month and year boxes of a DateInputField, with what was typed (kept on errors)."""
    widget = field.field.widget
    value = field.value()
    if not isinstance(value, list | tuple):
        value = widget.decompress(value)
    parts = []
    for index, (label, width) in enumerate((("Day", 2), ("Month", 2), ("Year", 4))):
        typed = value[index] if index < len(value) else None
        parts.append(
            {
                "label": label,
                "name": f"{field.html_name}{widget.widgets_names[index]}",
                "id": f"{field.auto_id}{widget.widgets_names[index]}",
                "value": "" if typed is None else typed,
                "width": width,
            }
        )
    return parts


@register.simple_tag(takes_context=True)
def page_query(context, number) -> str:
    """The current query string with ``page`` set to ``number`` (filters survive paging)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query["page"] = str(number)
    return query.urlencode()
