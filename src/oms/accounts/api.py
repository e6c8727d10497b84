"""The accounts API under /api/v1/accounts: logon, who am I, user administration and API tokens.

Thin: parse, call ``logon``/``services``/``queries``, shape the answer. Failed logons return their
401/423/429 response instead of raising, so the attempt and its audit event commit (AUTH-1).
Secrets (one-time passwords, token secrets) appear once in a creation response and nowhere else; those
creates take no Idempotency-Key, because a replay would have to store the secret to answer again.
"""

import datetime as dt
import uuid
from typing import Literal

from django.conf import settings
from django.http import JsonResponse
from ninja import Field, Query, Router, Schema, Status

from oms.accounts import logon, queries, services
from oms.accounts.models import User
from oms.core import clock
from oms.core.actor import Scope
from oms.core.errors import RuleViolation
from oms.core.middleware import client_ip
from oms.facilities.models import Organisation, Site
from oms.web.access import AUTHENTICATED, PUBLIC, api
from oms.web.api_schemas import ERRORS, ErrorOut, StrictIn
from oms.web.step_up import require_step_up

router = Router(tags=["accounts"])

ScopeName = Literal[tuple(code for code, _ in Scope.CHOICES)]


def _error(status: int, code: str, detail: str, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse({"code": code, "detail": detail, "field": None}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- logon ---------------------------------------------------------------------------------------


class LoginIn(StrictIn):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=settings.PASSWORD_MAX_LENGTH * 4)
    otp: str = Field(min_length=1, max_length=20, description="A TOTP code or a recovery code")


class LoginOut(Schema):
    token: str = Field(description="Bearer token; send as 'Authorization: Bearer <token>'")
    expires_at: dt.datetime


@router.post(
    "/login",
    auth=None,
    response={200: LoginOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 423: ErrorOut, 429: ErrorOut},
    summary="Log on with password and TOTP code; returns a short-lived personal bearer token",
)
@api(PUBLIC)
def login(request, payload: LoginIn):
    ip = client_ip(request, settings.TRUSTED_PROXIES)
    outcome = logon.check_password_step(username=payload.username, password=payload.password, ip=ip, channel="api")
    if outcome.ok:
        outcome = logon.check_second_factor_step(user=outcome.user, code=payload.otp, ip=ip, channel="api")
    if outcome.status == logon.THROTTLED:
        return _error(
            429, "auth.throttled", "Too many attempts. Try again later.", {"Retry-After": str(outcome.retry_after)}
        )
    if outcome.status == logon.LOCKED:
        return _error(423, "auth.locked", "The account is locked. Ask a user administrator to unlock it.")
    if not outcome.ok:
        # The same answer for an unknown user, a wrong password and a wrong code (AUTH-2).
        return _error(401, "auth.invalid_credentials", "The username, password or code is not right.")
    user = outcome.user
    if user.must_change_password:
        return _error(403, "auth.password_change_required", "Change your password on the web before using the API.")
    logon.complete_logon(outcome, ip=ip, channel="api")
    actor = logon.logon_actor(user, user.username, channel="api", ip=ip)
    issued = services.issue_logon_token(actor, user=user)
    return Status(200, {"token": issued.secret, "expires_at": issued.token.expires_at})


@router.post("/logout", response={204: None, **ERRORS}, summary="Revoke the logon token used for this call")
@api(AUTHENTICATED)
def logout(request):
    if request.actor.api_token_id is None:
        raise RuleViolation("Log out of the web session on the web.", code="accounts.not_logon_token")
    services.revoke_logon_token(request.actor, token_id=request.actor.api_token_id)
    return Status(204, None)


class MeOut(Schema):
    id: uuid.UUID
    username: str
    first_name: str
    last_name: str
    organisation: str | None
    scope: str
    sites: list[str]
    roles: list[str]
    permissions: list[str]
    channel: str


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who the caller is and what they may do")
@api(AUTHENTICATED)
def me(request):
    actor = request.actor
    user = User.objects.select_related("organisation").get(pk=actor.user_id)
    return {
        "id": user.public_id,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "organisation": user.organisation.code if user.organisation else None,
        "scope": user.scope,
        "sites": sorted(user.sites.values_list("code", flat=True)),
        "roles": sorted(actor.roles),
        "permissions": sorted(actor.permissions),
        "channel": actor.channel,
    }


# --- user administration -------------------------------------------------------------------------


class UserOut(Schema):
    id: uuid.UUID
    username: str
    first_name: str
    last_name: str
    organisation: str | None
    scope: str
    sites: list[str]
    roles: list[str]
    is_service_account: bool
    locked: bool
    disabled: bool
    expires_at: dt.datetime | None
    last_seen_at: dt.datetime | None


class UserPageOut(Schema):
    items: list[UserOut]
    count: int
    limit: int
    offset: int


def _user_out(user: User) -> dict:
    return {
        "id": user.public_id,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "organisation": user.organisation.code if user.organisation else None,
        "scope": user.scope,
        "sites": sorted(s.code for s in user.sites.all()),
        "roles": queries.role_codes_of(user),
        "is_service_account": user.is_service_account,
        "locked": user.locked_at is not None,
        "disabled": user.disabled_at is not None,
        "expires_at": user.expires_at,
        "last_seen_at": user.last_seen_at,
    }


class UserFilter(Schema):
    q: str = Field("", max_length=100)
    status: Literal["", "active", "locked", "disabled"] = ""
    limit: int = Field(25, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


@router.get("/users", response={200: UserPageOut, **ERRORS}, summary="Search users (step-up needed)")
@api("accounts.manage_users")
def list_users(request, filters: Query[UserFilter]):
    require_step_up(request)
    users = queries.search_users(request.actor, text=filters.q, status=filters.status)
    window = list(users.prefetch_related("sites")[filters.offset : filters.offset + filters.limit])
    return {
        "items": [_user_out(u) for u in window],
        "count": users.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


class AccessIn(StrictIn):
    organisation: str | None = Field(None, max_length=20, description="Organisation code")
    scope: ScopeName
    sites: list[str] = Field(default_factory=list, max_length=200, description="Site codes")
    roles: list[str] = Field(default_factory=list, max_length=50, description="Role codes")


def _access(payload: AccessIn) -> services.AccessRequest:
    organisation = None
    if payload.organisation:
        organisation = Organisation.objects.filter(code=payload.organisation).first()
        if organisation is None:
            raise RuleViolation("Unknown organisation.", field="organisation")
    sites = list(Site.objects.filter(code__in=payload.sites))
    missing = sorted(set(payload.sites) - {s.code for s in sites})
    if missing:
        raise RuleViolation(f"Unknown site: {', '.join(missing)}.", field="sites")
    return services.AccessRequest(
        organisation=organisation, scope=payload.scope, sites=sites, role_codes=list(payload.roles)
    )


class UserCreateIn(AccessIn):
    username: str = Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    is_service_account: bool = False
    temporary_hours: int | None = Field(None, ge=1, le=72, description="Temporary account lifetime")


class UserCreatedOut(Schema):
    user: UserOut
    one_time_password: str | None = Field(description="Shown once; null for service accounts")


@router.post("/users", response={201: UserCreatedOut, **ERRORS}, summary="Create a user (step-up needed)")
@api("accounts.manage_users")
def create_user(request, payload: UserCreateIn):
    require_step_up(request)
    created = services.create_user(
        request.actor,
        username=payload.username,
        first_name=payload.first_name,
        last_name=payload.last_name,
        email=payload.email,
        access=_access(payload),
        expires_at=clock.now() + dt.timedelta(hours=payload.temporary_hours) if payload.temporary_hours else None,
        is_service_account=payload.is_service_account,
    )
    return Status(201, {"user": _user_out(created.user), "one_time_password": created.one_time_password})


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS}, summary="Read a user (step-up needed)")
@api("accounts.manage_users")
def read_user(request, user_id: uuid.UUID):
    require_step_up(request)
    return _user_out(queries.get_user(request.actor, user_id))


@router.put("/users/{user_id}/access", response={200: UserOut, **ERRORS}, summary="Replace roles and scope")
@api("accounts.manage_users")
def change_access(request, user_id: uuid.UUID, payload: AccessIn):
    require_step_up(request)
    return _user_out(services.change_access(request.actor, user_id=user_id, access=_access(payload)))


@router.post("/users/{user_id}/unlock", response={200: UserOut, **ERRORS}, summary="Unlock a locked account")
@api("accounts.unlock_users")
def unlock_user(request, user_id: uuid.UUID):
    require_step_up(request)
    return _user_out(services.unlock_user(request.actor, user_id=user_id))


class DisableIn(StrictIn):
    reason: str = Field(min_length=1, max_length=200)


@router.post("/users/{user_id}/disable", response={200: UserOut, **ERRORS}, summary="Disable; ends all sessions")
@api("accounts.manage_users")
def disable_user(request, user_id: uuid.UUID, payload: DisableIn):
    require_step_up(request)
    return _user_out(services.disable_user(request.actor, user_id=user_id, reason=payload.reason))


@router.post("/users/{user_id}/enable", response={200: UserOut, **ERRORS}, summary="Re-enable a disabled account")
@api("accounts.manage_users")
def enable_user(request, user_id: uuid.UUID):
    require_step_up(request)
    return _user_out(services.enable_user(request.actor, user_id=user_id))


# --- API tokens --------------------------------------------------------------------------------------


class TokenOut(Schema):
    id: uuid.UUID
    name: str
    owner: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


def _token_out(token) -> dict:
    return {
        "id": token.public_id,
        "name": token.name,
        "owner": token.user.username,
        "prefix": token.prefix,
        "scopes": list(token.scopes),
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "last_used_at": token.last_used_at,
    }


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="List client tokens (no secrets)")
@api("accounts.manage_api_clients")
def list_tokens(request):
    require_step_up(request)
    return [_token_out(t) for t in queries.api_tokens(request.actor)[:200]]


class TokenCreateIn(StrictIn):
    owner: uuid.UUID = Field(description="The user (often a service account) the token acts as")
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(min_length=1, max_length=100, description="Permission names, a subset of the owner's")
    expires_in_days: int = Field(90, ge=1, le=365)


class TokenCreatedOut(Schema):
    token: TokenOut
    secret: str = Field(description="Shown once; only its SHA-256 is stored")


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS}, summary="Create a client token")
@api("accounts.manage_api_clients")
def create_token(request, payload: TokenCreateIn):
    require_step_up(request)
    issued = services.create_api_token(
        request.actor,
        owner_id=payload.owner,
        name=payload.name,
        scopes=payload.scopes,
        expires_in_days=payload.expires_in_days,
    )
    return Status(201, {"token": _token_out(issued.token), "secret": issued.secret})


@router.post("/tokens/{token_id}/revoke", response={200: TokenOut, **ERRORS}, summary="Revoke a client token")
@api("accounts.manage_api_clients")
def revoke_token(request, token_id: uuid.UUID):
    require_step_up(request)
    return _token_out(services.revoke_api_token(request.actor, token_id=token_id))
