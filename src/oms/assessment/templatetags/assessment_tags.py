"""Small display filters for the assessment pages."""

from django import template

register = template.Library()


@register.filter
def percent(probability) -> str:
    """A probability (0-1) as a percentage with one decimal place, e.g. 0.4213 -> "42.1%"."""
    try:
        return f"{float(probability) * 100:.1f}%"
    except (TypeError, ValueError):
        return ""


@register.filter
def points(value) -> str:
    """Points or a term without trailing zeros (2.0 -> "2", 0.463062792 -> "0.4631")."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return f"{number:g}" if number.is_integer() else f"{number:.4f}".rstrip("0")


@register.filter
def answer_text(value) -> str:
    """A stored answer as text (lists and mappings flattened)."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {answer_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(answer_text(v) for v in value) or "none"
    return str(value)
