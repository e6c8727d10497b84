"""Schemas every API router shares: the one error body (mapped in oms/api.py) and strict input."""

from ninja import Schema


class ErrorOut(Schema):
    code: str
    detail: str
    field: str | None = None


class StrictIn(Schema):
    """Input that refuses fields it does not name (security.md AZ-4: no mass assignment)."""

    model_config = {"extra": "forbid"}


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(statuses, ErrorOut)


# The failures most operations can answer with, documented in OpenAPI.
ERRORS = error_responses(401, 403, 404, 409, 422, 503)
