"""Account changes: users, roles and scope, locks, passwords, sessions and API tokens.

Every function checks permission and scope, writes one audit event in the caller's transaction and
never stores or audits a secret (passwords, tokens, codes). Logging on itself is in ``logon.py``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from oms.accounts import rules
from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken, ProtectedTOTPDevice, RecoveryCode, Role, User, UserRole, UserSession
from oms.accounts.queries import get_user, permissions_of, permissions_of_roles, reachable_users
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor, Scope
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.facilities.models import Organisation, Site

TOKEN_PREFIX_LENGTH = 8
CLIENT_TOKEN_MAX_DAYS = 365
LOGON_TOKEN_LIFETIME = dt.timedelta(hours=1)
# AZ-5: whoever can change accounts must not also read the trail that records those changes.
INCOMPATIBLE_PERMISSIONS = (("accounts.manage_users", "audit.view"),)


def one_time_password() -> str:
    # 16 characters from a 64-symbol alphabet: ~96 bits, and long enough for the length rule.
    return secrets.token_urlsafe(12)


def _user_details(user: User) -> dict:
    return {"username": user.username}


# --- creating and changing users ---------------------------------------------------------------------


@dataclass
class AccessRequest:
    """What a user administrator asks for: the target's organisation, scope, sites and roles."""

    organisation: Organisation | None
    scope: str
    sites: list[Site]
    role_codes: list[str]


def _check_access_request(actor: Actor, request: AccessRequest, *, target: User | None) -> None:
    if target is not None and target.pk == actor.user_id:
        raise PermissionDenied("You cannot change your own roles or scope.", code="accounts.self_grant")
    if request.scope not in dict(Scope.CHOICES):
        raise RuleViolation("Choose a valid scope.", field="scope")
    if request.scope == Scope.NATIONAL and not actor.is_national:
        raise PermissionDenied("Only a national administrator can give national scope.", code="accounts.scope")
    if not actor.is_national and (request.organisation is None or request.organisation.pk != actor.organisation_id):
        raise NotFound()  # another organisation is out of scope, exactly like a missing one
    for site in request.sites:
        if request.organisation is None or site.organisation_id != request.organisation.pk:
            raise RuleViolation("Every site must belong to the user's organisation.", field="sites")
        if not actor.can_reach_site(site.pk, site.organisation_id):
            raise NotFound()
    if request.scope == Scope.SELF:
        raise RuleViolation(
            "A participant's own-record access is given by opening a portal account on their record.", field="scope"
        )
    if request.scope in (Scope.SITES, Scope.CASELOAD) and not request.sites:
        raise RuleViolation("Choose at least one site for this scope.", field="sites")
    known = set(Role.objects.filter(code__in=request.role_codes).values_list("code", flat=True))
    unknown = sorted(set(request.role_codes) - known)
    if unknown:
        raise RuleViolation(f"Unknown role: {', '.join(unknown)}.", field="roles")
    granted = permissions_of_roles(request.role_codes)
    for first, second in INCOMPATIBLE_PERMISSIONS:
        if first in granted and second in granted:
            raise RuleViolation(
                f"These roles together give both '{first}' and '{second}', which one person must not hold"
                " (separation of duties).",
                code="accounts.separation_of_duties",
                field="roles",
            )


def _set_roles(actor: Actor, user: User, role_codes: list[str]) -> None:
    UserRole.objects.filter(user=user).exclude(role__code__in=role_codes).delete()
    have = set(UserRole.objects.filter(user=user).values_list("role__code", flat=True))
    granter = User.objects.filter(pk=actor.user_id).first() if actor.user_id else None
    for role in Role.objects.filter(code__in=set(role_codes) - have):
        UserRole.objects.create(user=user, role=role, granted_by=granter)


@dataclass
class NewUser:
    user: User
    one_time_password: str | None  # None for service accounts (no interactive logon)


def create_user(
    actor: Actor,
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    access: AccessRequest,
    expires_at: dt.datetime | None = None,
    is_service_account: bool = False,
) -> NewUser:
    """Create a staff or service account (accounts.manage_users). Staff get a one-time password, shown
    once and changed at first logon; service accounts get none and use API tokens only."""
    actor.require("accounts.manage_users")
    username = username.strip()
    if not username:
        raise RuleViolation("Enter a username.", field="username")
    _check_access_request(actor, access, target=None)
    if not rules.temporary_expiry_allowed(clock.now(), expires_at, settings.TEMPORARY_ACCOUNT_MAX):
        hours = int(settings.TEMPORARY_ACCOUNT_MAX.total_seconds() // 3600)
        raise RuleViolation(f"A temporary account must expire within the next {hours} hours.", field="expires_at")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("That username is already taken.", code="accounts.username_taken", field="username")
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        organisation=access.organisation,
        scope=access.scope,
        is_service_account=is_service_account,
        expires_at=expires_at,
        must_change_password=not is_service_account,
        password_changed_at=clock.now(),
        last_seen_at=clock.now(),  # the inactivity clock starts at creation
    )
    password = None
    if is_service_account:
        user.set_unusable_password()
    else:
        password = one_time_password()
        user.set_password(password)
    user.save()
    user.sites.set(access.sites)
    _set_roles(actor, user, access.role_codes)
    record_event(
        actor,
        "accounts.user_created",
        object_type="user",
        object_id=user.public_id,
        changed_fields=["username", "organisation", "scope", "sites", "roles", "expires_at"],
        details={
            **_user_details(user),
            "roles": sorted(access.role_codes),
            "scope": access.scope,
            "sites": sorted(s.code for s in access.sites),
            "service_account": is_service_account,
            "temporary": expires_at is not None,
        },
    )
    return NewUser(user, password)


def change_access(actor: Actor, *, user_id, access: AccessRequest) -> User:
    """Replace a user's roles, scope and sites (accounts.manage_users). Nobody changes their own (AZ-5).
    Permissions are rebuilt on every request, so the change applies at the user's next click."""
    actor.require("accounts.manage_users")
    user = get_user(actor, user_id)
    _check_access_request(actor, access, target=user)
    before = {
        "roles": sorted(UserRole.objects.filter(user=user).values_list("role__code", flat=True)),
        "scope": user.scope,
        "sites": sorted(user.sites.values_list("code", flat=True)),
        "organisation": user.organisation.code if user.organisation else None,
    }
    user.organisation = access.organisation
    user.scope = access.scope
    user.save(update_fields=["organisation", "scope"])
    user.sites.set(access.sites)
    _set_roles(actor, user, access.role_codes)
    after = {
        "roles": sorted(access.role_codes),
        "scope": access.scope,
        "sites": sorted(s.code for s in access.sites),
        "organisation": access.organisation.code if access.organisation else None,
    }
    changed = [name for name in after if after[name] != before[name]]
    record_event(
        actor,
        "accounts.user_access_changed",
        object_type="user",
        object_id=user.public_id,
        changed_fields=changed,
        details={**_user_details(user), "before": before, "after": after},
    )
    return user


def unlock_user(actor: Actor, *, user_id) -> User:
    """Clear a lockout (accounts.unlock_users); earlier failures stop counting."""
    actor.require("accounts.unlock_users")
    user = get_user(actor, user_id, permission="accounts.unlock_users")
    if user.locked_at is None:
        raise Conflict("This account is not locked.", code="accounts.not_locked")
    user.locked_at = None
    user.failures_reset_at = clock.now()
    user.save(update_fields=["locked_at", "failures_reset_at"])
    record_event(
        actor,
        "accounts.user_unlocked",
        object_type="user",
        object_id=user.public_id,
        changed_fields=["locked_at"],
        details=_user_details(user),
    )
    return user


def end_all_sessions(user: User, *, reason: str, keep_session_key: str | None = None) -> int:
    """Delete the user's server-side sessions so every browser is logged out at its next request."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    open_sessions = UserSession.objects.filter(user=user, ended_at__isnull=True)
    if keep_session_key:
        open_sessions = open_sessions.exclude(session_key=keep_session_key)
    keys = list(open_sessions.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    open_sessions.update(ended_at=clock.now(), end_reason=reason)
    return len(keys)


def disable_user(actor: Actor, *, user_id, reason: str) -> User:
    """Disable an account (accounts.manage_users): every session ends and every token stops working."""
    actor.require("accounts.manage_users")
    user = get_user(actor, user_id)
    if user.pk == actor.user_id:
        raise PermissionDenied("You cannot disable your own account.", code="accounts.self_disable")
    if user.disabled_at is not None:
        raise Conflict("This account is already disabled.", code="accounts.already_disabled")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give a reason for disabling the account.", field="reason")
    return _disable(actor, user, reason=reason[:200], action="accounts.user_disabled")


def disable_participant_user(actor: Actor, user: User, *, reason: str) -> User:
    """Disable a participant's portal user when their portal account closes. The caller (people's portal
    service) has checked the officer's own permission and the person's scope; a participant user is never
    a member of staff, so accounts.manage_users is not needed. Refuses any other kind of user."""
    if user.scope != Scope.SELF:
        raise PermissionDenied("Only a participant's portal user is closed this way.", code="accounts.not_participant")
    if user.disabled_at is not None:
        return user
    return _disable(actor, user, reason=reason[:200], action="accounts.user_disabled")


def _disable(actor: Actor, user: User, *, reason: str, action: str) -> User:
    user.disabled_at = clock.now()
    user.disabled_reason = reason
    user.is_active = False
    user.save(update_fields=["disabled_at", "disabled_reason", "is_active"])
    ended = end_all_sessions(user, reason="account_disabled")
    revoked = ApiToken.objects.filter(user=user, kind=ApiToken.Kind.LOGON, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )
    record_event(
        actor,
        action,
        object_type="user",
        object_id=user.public_id,
        changed_fields=["disabled_at", "is_active"],
        details={**_user_details(user), "sessions_ended": ended, "logon_tokens_revoked": revoked},
        reason=reason,
    )
    return user


def enable_user(actor: Actor, *, user_id) -> User:
    """Re-enable a disabled account (accounts.manage_users); the inactivity clock restarts."""
    actor.require("accounts.manage_users")
    user = get_user(actor, user_id)
    if user.disabled_at is None:
        raise Conflict("This account is not disabled.", code="accounts.not_disabled")
    if user.expires_at is not None and user.expires_at <= clock.now():
        raise RuleViolation("This temporary account has expired; create a new one.", code="accounts.expired")
    user.disabled_at = None
    user.disabled_reason = ""
    user.is_active = True
    user.last_seen_at = clock.now()
    user.save(update_fields=["disabled_at", "disabled_reason", "is_active", "last_seen_at"])
    record_event(
        actor,
        "accounts.user_enabled",
        object_type="user",
        object_id=user.public_id,
        changed_fields=["disabled_at", "is_active"],
        details=_user_details(user),
    )
    return user


def reset_password(actor: Actor, *, user_id) -> str:
    """Give a user a new one-time password (accounts.manage_users), returned once to show them."""
    actor.require("accounts.manage_users")
    user = get_user(actor, user_id)
    if user.is_service_account:
        raise RuleViolation("Service accounts have no password.", code="accounts.service_account")
    if user.pk == actor.user_id:
        raise PermissionDenied("Change your own password on the change password page.", code="accounts.self_reset")
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = clock.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    end_all_sessions(user, reason="password_reset")
    record_event(
        actor,
        "accounts.password_reset",
        object_type="user",
        object_id=user.public_id,
        changed_fields=["password", "must_change_password"],
        details=_user_details(user),
    )
    return password


def reset_mfa(actor: Actor, *, user_id) -> User:
    """Remove a user's authenticator and recovery codes (accounts.manage_users) after a lost device;
    they enrol again at their next logon."""
    actor.require("accounts.manage_users")
    user = get_user(actor, user_id)
    if user.pk == actor.user_id:
        raise PermissionDenied("Another administrator must reset your authenticator.", code="accounts.self_reset")
    ProtectedTOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    end_all_sessions(user, reason="mfa_reset")
    record_event(
        actor,
        "accounts.mfa_reset",
        object_type="user",
        object_id=user.public_id,
        changed_fields=["mfa"],
        details=_user_details(user),
    )
    return user


# --- a user's own account ------------------------------------------------------------------------------


def change_own_password(actor: Actor, *, user: User, current_password: str, new_password: str) -> None:
    """Change one's own password: the current one is checked, the new one meets AUTH-3.
    ``actor`` is the user themself (a forced change happens before they have a full session)."""
    if actor.user_id != user.pk:
        raise PermissionDenied()
    if not user.check_password(current_password):
        raise RuleViolation("Your current password is not right.", field="current_password")
    if new_password == current_password:
        raise RuleViolation("Your new password must be different from the current one.", field="new_password")
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise RuleViolation(" ".join(exc.messages), code="accounts.password_rejected", field="new_password")
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = clock.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record_event(
        actor,
        "accounts.password_changed",
        object_type="user",
        object_id=user.public_id,
        changed_fields=["password"],
        details=_user_details(user),
    )


def flag_expired_password(actor: Actor, *, user: User) -> None:
    """A password older than PASSWORD_MAX_AGE must be changed before the user goes further."""
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    record_event(
        actor,
        "accounts.password_expired",
        object_type="user",
        object_id=user.public_id,
        changed_fields=["must_change_password"],
        details=_user_details(user),
    )


def end_own_session(actor: Actor, *, user: User, session_id: int, current_session_key: str) -> None:
    """End one of one's own other sessions from "my sessions" (the current one ends by logging out)."""
    found = UserSession.objects.filter(user=user, pk=session_id, ended_at__isnull=True).first()
    if found is None or actor.user_id != user.pk:
        raise NotFound()
    if found.session_key == current_session_key:
        raise RuleViolation("Use 'Sign out' to end this session.", code="accounts.current_session")
    import_module(settings.SESSION_ENGINE).SessionStore(session_key=found.session_key).delete()
    found.ended_at = clock.now()
    found.end_reason = "ended_by_user"
    found.save(update_fields=["ended_at", "end_reason"])
    record_event(
        actor,
        "accounts.session_ended",
        object_type="user_session",
        object_id=found.pk,
        details={"reason": "ended_by_user"},
    )


def record_session_end(actor: Actor, *, session_key: str, reason: str) -> None:
    """Logout or a timeout: the session row is closed and the end audited (the caller flushes it)."""
    UserSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
        ended_at=clock.now(), end_reason=reason
    )
    record_event(actor, "accounts.session_ended", object_type="user_session", details={"reason": reason})


# --- API tokens -----------------------------------------------------------------------------------------


@dataclass
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _new_secret() -> tuple[str, str]:
    body = secrets.token_urlsafe(32)
    secret = f"oms_{body}"
    return secret, secret[: 4 + TOKEN_PREFIX_LENGTH]


def create_api_token(actor: Actor, *, owner_id, name: str, scopes: list[str], expires_in_days: int = 90) -> IssuedToken:
    """A client token for a partner system or device (accounts.manage_api_clients). Its scopes must be
    permissions its owner holds; the secret is returned once and only its SHA-256 is stored."""
    actor.require("accounts.manage_api_clients")
    owner = get_user(actor, owner_id, permission="accounts.manage_api_clients")
    name = (name or "").strip()
    if not name:
        raise RuleViolation("Enter a name for the token.", field="name")
    if not 1 <= expires_in_days <= CLIENT_TOKEN_MAX_DAYS:
        raise RuleViolation(f"Expiry must be 1 to {CLIENT_TOKEN_MAX_DAYS} days.", field="expires_in_days")
    requested = set(scopes)
    problem = rules.token_scopes_problem(requested, permissions_of(owner))
    if problem:
        raise RuleViolation(problem, code="accounts.token_scope", field="scopes")
    secret, prefix = _new_secret()
    token = ApiToken.objects.create(
        user=owner,
        name=name[:100],
        kind=ApiToken.Kind.CLIENT,
        prefix=prefix,
        token_hash=hash_token(secret),
        scopes=sorted(requested),
        created_by_id=actor.user_id,
        expires_at=clock.now() + dt.timedelta(days=expires_in_days),
    )
    record_event(
        actor,
        "accounts.api_token_created",
        object_type="api_token",
        object_id=token.public_id,
        details={"owner": owner.username, "name": token.name, "prefix": prefix, "scopes": token.scopes},
    )
    return IssuedToken(token, secret)


def revoke_api_token(actor: Actor, *, token_id) -> ApiToken:
    """Revoke a client token (accounts.manage_api_clients); it fails at its next use."""
    from oms.accounts.queries import get_api_token

    actor.require("accounts.manage_api_clients")
    token = get_api_token(actor, token_id)
    if token.revoked_at is not None:
        raise Conflict("This token is already revoked.", code="accounts.token_revoked")
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        actor,
        "accounts.api_token_revoked",
        object_type="api_token",
        object_id=token.public_id,
        details={"owner": token.user.username, "name": token.name, "prefix": token.prefix},
    )
    return token


def issue_logon_token(actor: Actor, *, user: User) -> IssuedToken:
    """After password and TOTP on the API: a personal bearer token with the user's own permissions,
    valid for LOGON_TOKEN_LIFETIME."""
    secret, prefix = _new_secret()
    token = ApiToken.objects.create(
        user=user,
        name="Logon",
        kind=ApiToken.Kind.LOGON,
        prefix=prefix,
        token_hash=hash_token(secret),
        scopes=[],
        created_by=user,
        expires_at=clock.now() + LOGON_TOKEN_LIFETIME,
    )
    record_event(
        actor,
        "accounts.logon_token_issued",
        object_type="api_token",
        object_id=token.public_id,
        details={"prefix": prefix},
    )
    return IssuedToken(token, secret)


def revoke_logon_token(actor: Actor, *, token_id: int) -> None:
    """Log out of the API: the caller's own logon token stops working."""
    token = ApiToken.objects.filter(pk=token_id, user_id=actor.user_id, kind=ApiToken.Kind.LOGON).first()
    if token is None:
        raise RuleViolation("Only a logon token can be logged out.", code="accounts.not_logon_token")
    token.revoked_at = clock.now()
    token.save(update_fields=["revoked_at"])
    record_event(actor, "accounts.logon_token_revoked", object_type="api_token", object_id=token.public_id, details={})


# --- the first administrator and scheduled housekeeping ---------------------------------------------


def create_first_administrator(actor: Actor, *, username: str, allow_more: bool = False) -> NewUser:
    """AUTH-5: the operator creates the first administrator from the CLI (no default accounts). The
    one-time password is printed once and must be changed at first logon."""
    if not actor.is_system:
        raise PermissionDenied()
    username = (username or "").strip()
    if not username:
        raise RuleViolation("Give a username.", field="username")
    admins = User.objects.filter(role_grants__role__code="administrator", disabled_at__isnull=True)
    if admins.exists() and not allow_more:
        raise Conflict("An administrator already exists; they can create further users.", code="accounts.admin_exists")
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("That username is already taken.", code="accounts.username_taken", field="username")
    password = one_time_password()
    now = clock.now()
    user = User(
        username=username,
        scope=Scope.NATIONAL,
        must_change_password=True,
        password_changed_at=now,
        last_seen_at=now,
    )
    user.set_password(password)
    user.save()
    for code in ("administrator", "user_administrator"):
        UserRole.objects.create(user=user, role=Role.objects.get(code=code))
    record_event(
        actor,
        "accounts.user_created",
        object_type="user",
        object_id=user.public_id,
        changed_fields=["username", "scope", "roles"],
        details={**_user_details(user), "roles": ["administrator", "user_administrator"], "scope": Scope.NATIONAL},
    )
    return NewUser(user, password)


def disable_inactive_accounts(actor: Actor) -> dict[str, int]:
    """AUTH-8: disable accounts unused for INACTIVE_ACCOUNT_DAYS and temporary accounts past expiry.
    Run daily by the scheduler (``oms disable_inactive_accounts`` or the django-tasks task)."""
    if not actor.is_system:
        actor.require("accounts.manage_users")
    now = clock.now()
    counts = {"inactive": 0, "expired": 0}
    candidates = reachable_users(actor).filter(disabled_at__isnull=True)
    for user in candidates.iterator():
        if user.expires_at is not None and user.expires_at <= now:
            with transaction.atomic():
                _disable(actor, user, reason="Temporary account expired", action="accounts.user_expired")
            counts["expired"] += 1
        elif rules.inactive_since(
            last_seen_at=user.last_seen_at,
            joined_at=user.date_joined,
            now=now,
            inactive_days=settings.INACTIVE_ACCOUNT_DAYS,
        ):
            with transaction.atomic():
                _disable(
                    actor,
                    user,
                    reason=f"Not used for {settings.INACTIVE_ACCOUNT_DAYS} days",
                    action="accounts.user_disabled_inactive",
                )
            counts["inactive"] += 1
    return counts
