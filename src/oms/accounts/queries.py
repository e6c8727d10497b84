"""Reads about accounts, and building the Actor for a user.

Users are scoped like records (AZ-3): an actor with national scope reaches every account, organisation
scope the accounts of their organisation, sites scope the accounts sharing one of their sites. Anything
else answers NotFound exactly like a missing account.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from oms.accounts.models import ApiToken, Role, RolePermission, User, UserRole, UserSession
from oms.core.actor import Actor, Scope
from oms.core.errors import NotFound


def actor_for_user(
    user: User,
    *,
    channel: str,
    request_id: str = "",
    ip: str | None = None,
    token_scopes: list[str] | None = None,
    api_token_id: int | None = None,
) -> Actor:
    """The Actor for ``user``: the union of their roles' permissions, narrowed by token scopes."""
    role_ids = list(UserRole.objects.filter(user=user).values_list("role_id", flat=True))
    roles = frozenset(UserRole.objects.filter(user=user).values_list("role__code", flat=True))
    permissions = set(RolePermission.objects.filter(role_id__in=role_ids).values_list("permission", flat=True))
    if token_scopes is not None:
        permissions &= set(token_scopes)
    return Actor(
        user_id=user.pk,
        username=user.username,
        channel=channel,
        organisation_id=user.organisation_id,
        scope=user.scope,
        site_ids=frozenset(user.sites.values_list("pk", flat=True)),
        permissions=frozenset(permissions),
        roles=roles,
        request_id=request_id,
        ip=ip,
        api_token_id=api_token_id,
    )


def permissions_of(user: User) -> set[str]:
    return set(RolePermission.objects.filter(role__user_grants__user=user).values_list("permission", flat=True))


def permissions_of_roles(role_codes: list[str]) -> set[str]:
    return set(RolePermission.objects.filter(role__code__in=role_codes).values_list("permission", flat=True))


def reachable_users(actor: Actor) -> QuerySet[User]:
    users = User.objects.select_related("organisation")
    if actor.is_national:
        return users
    if actor.scope == Scope.ORGANISATION:
        return users.filter(organisation_id=actor.organisation_id)
    return users.filter(sites__in=actor.site_ids).distinct()


def search_users(actor: Actor, *, text: str = "", status: str = "") -> QuerySet[User]:
    """Users the actor may manage, filtered by name/username and status (active, locked, disabled)."""
    actor.require("accounts.manage_users")
    users = reachable_users(actor)
    text = text.strip()
    if text:
        users = users.filter(Q(username__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text))
    if status == "locked":
        users = users.filter(locked_at__isnull=False)
    elif status == "disabled":
        users = users.filter(disabled_at__isnull=False)
    elif status == "active":
        users = users.filter(disabled_at__isnull=True, locked_at__isnull=True)
    return users.order_by("username")


def get_user(actor: Actor, public_id, *, permission: str = "accounts.manage_users") -> User:
    actor.require(permission)
    try:
        return reachable_users(actor).get(public_id=public_id)
    except (User.DoesNotExist, ValidationError, ValueError):  # a malformed id answers like a missing one
        raise NotFound()


def role_codes_of(user: User) -> list[str]:
    return sorted(UserRole.objects.filter(user=user).values_list("role__code", flat=True))


def all_roles() -> QuerySet[Role]:
    return Role.objects.order_by("name")


def sessions_of(user: User) -> QuerySet[UserSession]:
    """The user's own open sessions, newest activity first (the "my sessions" page)."""
    return UserSession.objects.filter(user=user, ended_at__isnull=True).order_by("-last_seen_at")


def api_tokens(actor: Actor) -> QuerySet[ApiToken]:
    """Client tokens of users the actor reaches (secrets are never readable, only their prefix)."""
    actor.require("accounts.manage_api_clients")
    return (
        ApiToken.objects.filter(kind=ApiToken.Kind.CLIENT, user__in=reachable_users(actor))
        .select_related("user")
        .order_by("-created_at")
    )


def get_api_token(actor: Actor, public_id) -> ApiToken:
    try:
        return api_tokens(actor).get(public_id=public_id)
    except (ApiToken.DoesNotExist, ValidationError, ValueError):
        raise NotFound()
