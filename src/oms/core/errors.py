"""Domain errors raised by services and queries.

Each has a stable dotted ``code`` and an HTTP status; the mapping to responses happens once for the
API (``oms.api``) and once for pages (``oms.web.middleware.DomainErrorMiddleware``).
"""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "error"

    def __init__(self, detail: str = "", *, code: str | None = None, field: str | None = None):
        super().__init__(detail or self.__class__.__doc__ or self.code)
        self.detail = detail or (self.__class__.__doc__ or self.code).strip()
        if code:
            self.code = code
        self.field = field

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": self.detail, "field": self.field}


class NotAuthenticated(DomainError):
    """Authentication is required."""

    status = 401
    code = "auth.not_authenticated"


class PermissionDenied(DomainError):
    """You do not have permission to do that."""

    status = 403
    code = "auth.permission_denied"


class NotFound(DomainError):
    """Not found."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The record changed or already exists."""

    status = 409
    code = "conflict"


class RuleViolation(DomainError):
    """The request breaks a rule."""

    status = 422
    code = "rule_violation"


class Locked(DomainError):
    """The account is locked."""

    status = 423
    code = "auth.locked"


class Throttled(DomainError):
    """Too many requests."""

    status = 429
    code = "throttled"

    def __init__(self, detail: str = "", *, retry_after: int = 60, **kwargs):
        super().__init__(detail, **kwargs)
        self.retry_after = retry_after


class ServiceUnavailable(DomainError):
    """The service is unavailable; try again shortly."""

    status = 503
    code = "unavailable"
