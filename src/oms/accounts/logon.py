"""Logging on: password, second factor, step-up, per-IP throttle and lockout (security.md AUTH-1..6).

These are the services of the logon itself, so they take the typed credentials rather than an Actor.
They never raise after writing: a failed attempt, its LoginAttempt row and its audit event must commit
with the request (ATOMIC_REQUESTS), so callers turn the returned outcome into a response.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from oms.accounts import rules
from oms.accounts.models import LoginAttempt, ProtectedTOTPDevice, RecoveryCode, User
from oms.accounts.queries import actor_for_user
from oms.audit.models import AuditEvent
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor

THROTTLE_PERIOD = dt.timedelta(seconds=60)
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes (0/o, 1/l/i)

OK = "ok"
INVALID = "invalid"
LOCKED = "locked"
THROTTLED = "throttled"


@dataclass
class LogonOutcome:
    status: str
    user: User | None = None
    device: ProtectedTOTPDevice | None = None
    retry_after: int | None = None
    factor: str = ""
    notes: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == OK


def _normalised(username: str) -> str:
    return (username or "").strip()[:150]


def logon_actor(user: User | None, username: str, *, channel: str, ip: str | None, request_id: str = "") -> Actor:
    """Who the audit trail names for a logon event: the account when it exists, else the typed name."""
    if user is not None:
        return actor_for_user(user, channel=channel, ip=ip, request_id=request_id)
    return Actor(user_id=None, username=_normalised(username), channel=channel, ip=ip, request_id=request_id)


def throttle_retry_after(ip: str | None, kind: str) -> int | None:
    """AUTH-2: the 11th attempt of one kind from one address within 60 s waits (None: go ahead)."""
    now = clock.now()
    times = list(
        LoginAttempt.objects.filter(ip=ip, kind=kind, attempted_at__gt=now - THROTTLE_PERIOD).values_list(
            "attempted_at", flat=True
        )
    )
    return rules.throttle_retry_after(times, now, settings.LOGIN_THROTTLE_PER_MINUTE, THROTTLE_PERIOD)


def _record_attempt(username: str, user: User | None, ip: str | None, kind: str, succeeded: bool) -> None:
    LoginAttempt.objects.create(
        username=_normalised(username).lower(),
        user=user,
        ip=ip,
        kind=kind,
        succeeded=succeeded,
        attempted_at=clock.now(),
    )


def _failures_in_window(username: str, user: User | None) -> int:
    now = clock.now()
    start = rules.lockout_window_start(now, settings.LOCKOUT_WINDOW, user.failures_reset_at if user else None)
    attempts = LoginAttempt.objects.filter(succeeded=False, attempted_at__gt=start)
    if user is not None:
        return attempts.filter(user=user).count()
    return attempts.filter(username=_normalised(username).lower(), user__isnull=True).count()


def _fail(actor: Actor, username: str, user: User | None, ip, kind: str, reason: str) -> LogonOutcome:
    """Record a failed attempt, lock the account on the limit-th failure, audit both."""
    _record_attempt(username, user, ip, kind, succeeded=False)
    record_event(
        actor,
        "accounts.logon_failed",
        object_type="user" if user else "",
        object_id=user.public_id if user else "",
        details={"step": kind, "reason": reason},
        outcome=AuditEvent.Outcome.FAILURE,
    )
    if user is not None and user.locked_at is None:
        if rules.should_lock(_failures_in_window(username, user), settings.LOCKOUT_FAILURES):
            user.locked_at = clock.now()
            user.save(update_fields=["locked_at"])
            record_event(
                actor,
                "accounts.user_locked",
                object_type="user",
                object_id=user.public_id,
                changed_fields=["locked_at"],
                details={"failures": settings.LOCKOUT_FAILURES, "window_minutes": _window_minutes()},
                outcome=AuditEvent.Outcome.DENIED,
            )
    return LogonOutcome(INVALID, user=user)


def _window_minutes() -> int:
    return int(settings.LOCKOUT_WINDOW.total_seconds() // 60)


def _refuse_locked(actor: Actor, username: str, user: User | None, ip, kind: str) -> LogonOutcome:
    _record_attempt(username, user, ip, kind, succeeded=False)
    record_event(
        actor,
        "accounts.logon_refused",
        object_type="user" if user else "",
        object_id=user.public_id if user else "",
        details={"step": kind, "reason": "locked"},
        outcome=AuditEvent.Outcome.DENIED,
    )
    return LogonOutcome(LOCKED, user=user)


def _throttled(actor: Actor, kind: str, retry_after: int) -> LogonOutcome:
    record_event(
        actor,
        "accounts.logon_throttled",
        details={"step": kind, "retry_after": retry_after},
        outcome=AuditEvent.Outcome.DENIED,
    )
    return LogonOutcome(THROTTLED, retry_after=retry_after)


def can_log_on_interactively(user: User) -> bool:
    now = clock.now()
    return (
        user.is_active
        and user.disabled_at is None
        and not user.is_service_account
        and (user.expires_at is None or user.expires_at > now)
    )


def check_password_step(
    *, username: str, password: str, ip: str | None, channel: str, kind: str = LoginAttempt.Kind.PASSWORD
) -> LogonOutcome:
    """First step: the password. Unknown, disabled and wrong answers are indistinguishable (AUTH-2):
    the same outcome, a password hash computed either way, and unknown names lock out like real ones."""
    user = User.objects.filter(username=_normalised(username)).first()
    actor = logon_actor(user, username, channel=channel, ip=ip)
    retry_after = throttle_retry_after(ip, kind)
    if retry_after is not None:
        return _throttled(actor, kind, retry_after)
    if user is None:
        User().set_password(password)  # same hashing cost as a real check, so timing tells nothing
        if rules.should_lock(_failures_in_window(username, None), settings.LOCKOUT_FAILURES):
            return _refuse_locked(actor, username, None, ip, kind)
        return _fail(actor, username, None, ip, kind, "unknown_user")
    password_ok = user.check_password(password)
    if user.locked_at is not None:
        return _refuse_locked(actor, username, user, ip, kind)
    if not password_ok:
        return _fail(actor, username, user, ip, kind, "bad_password")
    if not can_log_on_interactively(user):
        return _fail(actor, username, user, ip, kind, "account_unusable")
    _record_attempt(username, user, ip, kind, succeeded=True)
    return LogonOutcome(OK, user=user)


def confirmed_device(user: User) -> ProtectedTOTPDevice | None:
    return ProtectedTOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _hash_recovery_code(code: str) -> str:
    # Codes are 50 random bits and single use, so a keyed SHA-256 is enough and allows an indexed match.
    normalised = code.replace("-", "").replace(" ", "").lower()
    return hashlib.sha256(f"oms-recovery:{settings.SECRET_KEY}:{normalised}".encode()).hexdigest()


def _use_recovery_code(user: User, code: str) -> int | None:
    """Mark a matching unused recovery code used; the number left, or None when none matched."""
    now = clock.now()
    used = RecoveryCode.objects.filter(user=user, used_at__isnull=True, code_hash=_hash_recovery_code(code)).update(
        used_at=now
    )
    if not used:
        return None
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def check_second_factor_step(
    *, user: User, code: str, ip: str | None, channel: str, kind: str = LoginAttempt.Kind.SECOND_FACTOR
) -> LogonOutcome:
    """Second step: a TOTP code (each accepted once: django-otp keeps the last time step used) or a
    single-use recovery code. Failures count towards the lockout like password failures (AUTH-1)."""
    actor = logon_actor(user, user.username, channel=channel, ip=ip)
    retry_after = throttle_retry_after(ip, kind)
    if retry_after is not None:
        return _throttled(actor, kind, retry_after)
    user.refresh_from_db(fields=["locked_at", "failures_reset_at"])
    if user.locked_at is not None:
        return _refuse_locked(actor, user.username, user, ip, kind)
    device = confirmed_device(user)
    code = (code or "").strip()
    if device is None:
        return _fail(actor, user.username, user, ip, kind, "no_device")
    if code.isdigit() and len(code) == device.digits:
        # The row is locked so two requests with the same code cannot both pass the last_t check.
        locked_device = ProtectedTOTPDevice.objects.select_for_update().get(pk=device.pk)
        if locked_device.verify_token(code):
            _record_attempt(user.username, user, ip, kind, succeeded=True)
            return LogonOutcome(OK, user=user, device=locked_device, factor="totp")
        return _fail(actor, user.username, user, ip, kind, "bad_code")
    remaining = _use_recovery_code(user, code) if code else None
    if remaining is None:
        return _fail(actor, user.username, user, ip, kind, "bad_code")
    _record_attempt(user.username, user, ip, kind, succeeded=True)
    record_event(
        actor,
        "accounts.recovery_code_used",
        object_type="user",
        object_id=user.public_id,
        details={"remaining": remaining},
    )
    return LogonOutcome(OK, user=user, device=device, factor="recovery_code", notes={"remaining": remaining})


def complete_logon(outcome: LogonOutcome, *, ip: str | None, channel: str) -> None:
    """Both factors passed: the failure count restarts and the logon is audited."""
    user = outcome.user
    now = clock.now()
    user.failures_reset_at = now
    user.last_seen_at = now
    user.last_login = now
    user.save(update_fields=["failures_reset_at", "last_seen_at", "last_login"])
    record_event(
        logon_actor(user, user.username, channel=channel, ip=ip),
        "accounts.logon_succeeded",
        object_type="user",
        object_id=user.public_id,
        details={"factor": outcome.factor},
    )


# --- MFA enrolment ------------------------------------------------------------------------------------


def start_totp_enrolment(user: User) -> ProtectedTOTPDevice:
    """A new unconfirmed device with an encrypted secret (any earlier unconfirmed one is replaced)."""
    ProtectedTOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return enrol_device(user, confirmed=False)


def enrol_device(user: User, *, confirmed: bool, hex_key: str | None = None) -> ProtectedTOTPDevice:
    """Create a TOTP device whose secret is stored encrypted (AUTH-4); also used by demo data."""
    from oms.core import crypto

    hex_key = hex_key or secrets.token_hex(20)
    return ProtectedTOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=confirmed, key=crypto.encrypt(hex_key)
    )


def pending_device(user: User) -> ProtectedTOTPDevice | None:
    return ProtectedTOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def issue_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; the plain codes are returned once."""
    now = clock.now()
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(user=user, code_hash=_hash_recovery_code(c), created_at=now) for c in codes]
    )
    return codes


def confirm_totp_enrolment(*, user: User, code: str, ip: str | None, channel: str) -> tuple[LogonOutcome, list[str]]:
    """The first code from the new authenticator confirms it; returns the recovery codes to show once."""
    kind = LoginAttempt.Kind.SECOND_FACTOR
    actor = logon_actor(user, user.username, channel=channel, ip=ip)
    retry_after = throttle_retry_after(ip, kind)
    if retry_after is not None:
        return _throttled(actor, kind, retry_after), []
    user.refresh_from_db(fields=["locked_at", "failures_reset_at"])
    if user.locked_at is not None:
        return _refuse_locked(actor, user.username, user, ip, kind), []
    device = pending_device(user)
    code = (code or "").strip()
    if device is None or not (code.isdigit() and device.verify_token(code)):
        return _fail(actor, user.username, user, ip, kind, "bad_enrolment_code"), []
    with transaction.atomic():
        ProtectedTOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = issue_recovery_codes(user)
        _record_attempt(user.username, user, ip, kind, succeeded=True)
        record_event(
            actor,
            "accounts.mfa_enrolled",
            object_type="user",
            object_id=user.public_id,
            details={"method": "totp", "recovery_codes": len(codes)},
        )
    return LogonOutcome(OK, user=user, device=device, factor="totp_enrolment"), codes


def encrypt_plain_totp_secrets() -> int:
    """Encrypt every TOTP secret still in plain hex; returns how many were changed."""
    from oms.core import crypto

    changed = 0
    for device in ProtectedTOTPDevice.objects.select_for_update().exclude(key__startswith=crypto.PREFIX + ":"):
        device.key = crypto.encrypt(device.key)
        device.save(update_fields=["key"])
        changed += 1
    return changed
