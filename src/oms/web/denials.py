"""Authorisation denials are audited (AUD-1) after the request transaction rolled back.

The audit app sits above web, so the recorder is registered by it at start-up instead of imported.
"""

from __future__ import annotations

from collections.abc import Callable

_recorder: Callable | None = None


def set_denial_recorder(recorder: Callable) -> None:
    global _recorder
    _recorder = recorder


def audit_denial(request, error) -> None:
    if _recorder is not None and error.status in (401, 403, 423):
        _recorder(request, error)
