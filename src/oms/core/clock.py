"""One source of the current time, so tests can move it (``freeze``) and rules receive plain values."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """An aware UTC datetime."""
    return _frozen if _frozen is not None else timezone.now()


def today() -> dt.date:
    """Today's date in the configured time zone (legal dates are local calendar dates)."""
    return timezone.localdate(now())


@contextlib.contextmanager
def freeze(at: dt.datetime):
    global _frozen
    previous, _frozen = _frozen, at
    try:
        yield
    finally:
        _frozen = previous


def advance(delta: dt.timedelta) -> None:
    """Move a frozen clock forward (tests only)."""
    global _frozen
    if _frozen is None:
        raise RuntimeError("advance() needs a frozen clock")
    _frozen = _frozen + delta
