"""The JSON API under /api/v1: one NinjaAPI mounting every app's router, and the one mapping of
errors to ``{"code", "detail", "field"}`` bodies (architecture rule 5)."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from oms.accounts.api_auth import SessionActorAuth, TokenAuth
from oms.core.errors import DomainError
from oms.core.middleware import current_request_id
from oms.web.denials import audit_denial

log = logging.getLogger("oms.api")


def _nul_location(value, location: tuple) -> tuple | None:
    if isinstance(value, str):
        return location if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _nul_location(item, (*location, key))
        if found is not None:
            return found
    return None


def _field_name(location: tuple) -> str | None:
    return ".".join(str(part) for part in location if not isinstance(part, int)) or None


class TextSafeParser(Parser):
    """Refuses NUL characters in any string of a body or query (IN-1): PostgreSQL cannot store them, so
    without this a stray NUL reaches the database and fails as a 500 instead of a clear 422.

    Parsing runs after authentication, so an anonymous caller still gets 401 first. Ninja turns any
    body-parser error into a bare 400; the field is kept on the request for ``http_error`` to report.
    """

    def parse_body(self, request):
        data = super().parse_body(request)
        found = _nul_location(data, ())
        if found is not None:
            request.oms_nul_field = _field_name(found)
            raise ValueError("NUL character in the request body")
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        found = _nul_location(parsed, ())
        if found is not None:
            raise NinjaValidationError([{"loc": ["query", *found], "msg": NUL_REFUSED}])
        return parsed


NUL_REFUSED = "Text must not contain NUL characters."

api = NinjaAPI(
    title="OMS API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionActorAuth()],
    docs_url="/docs",
    parser=TextSafeParser(),
)


def _error(request, status: int, code: str, detail: str, field: str | None = None, headers=None):
    # Ninja turns exceptions into responses inside the view, so ATOMIC_REQUESTS would commit:
    # mark the request transaction for rollback so a failed call changes nothing.
    if transaction.get_connection().in_atomic_block:
        transaction.set_rollback(True)
    response = api.create_response(request, {"code": code, "detail": detail, "field": field}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    request.oms_denial = exc  # audited after the rollback by oms.audit.middleware
    headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else None
    return _error(request, exc.status, exc.code, exc.detail, exc.field, headers)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", []) if p not in ("body", "query", "path", "payload")]
    return _error(request, 422, "validation_error", first.get("msg", "Invalid input."), ".".join(loc) or None)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return _error(request, 401, "auth.not_authenticated", "Authentication is required.")


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if hasattr(request, "oms_nul_field"):
        return _error(request, 422, "validation_error", NUL_REFUSED, request.oms_nul_field)
    return _error(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(RequestDataTooBig)
def request_too_large(request, exc):
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE (a large CSV import, say) is the caller's to shrink, not a 500.
    return _error(request, 413, "request_too_large", "The request body is too large.")


@api.exception_handler(MultiPartParserError)
def malformed_multipart(request, exc: MultiPartParserError):
    """A multipart body Django cannot parse (no boundary, truncated) is the caller's error, not a 500."""
    return _error(request, 422, "validation_error", "The request body is not valid multipart form data.")


@api.exception_handler(Exception)
def unexpected_error(request, exc: Exception):
    """ERR-1: a generic body with the request id; the details go to the log, never the client."""
    log.exception("unhandled API error")
    return _error(request, 500, "server_error", f"Something went wrong. Reference: {current_request_id()}")


def mount_routers() -> None:
    from oms.accounts.api import router as accounts_router
    from oms.assessment.api import router as assessment_router
    from oms.audit.api import router as audit_router
    from oms.custody.api import router as custody_router
    from oms.diversion.api import router as diversion_router
    from oms.facilities.api import router as facilities_router
    from oms.incidents.api import router as incidents_router
    from oms.monitoring.api import router as monitoring_router
    from oms.people.api import router as people_router
    from oms.rehabilitation.api import router as rehabilitation_router
    from oms.sentencing.api import release_dates_router
    from oms.sentencing.api import router as sentencing_router
    from oms.supervision.api import router as supervision_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/audit", audit_router)
    api.add_router("/facilities", facilities_router)
    api.add_router("/people", people_router)
    api.add_router("/sentencing", sentencing_router)
    api.add_router("/release-dates", release_dates_router)
    api.add_router("/custody", custody_router)
    api.add_router("/assessment", assessment_router)
    api.add_router("/rehabilitation", rehabilitation_router)
    api.add_router("/incidents", incidents_router)
    api.add_router("/supervision", supervision_router)
    api.add_router("/monitoring", monitoring_router)
    api.add_router("/diversion", diversion_router)


mount_routers()
_ = audit_denial  # imported for its registration side effect in the web layer
