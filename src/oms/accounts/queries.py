"""Reads about accounts, and building the Actor for a user."""

from __future__ import annotations

from oms.accounts.models import RolePermission, User, UserRole
from oms.core.actor import Actor


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
