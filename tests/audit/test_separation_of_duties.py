"""Separation of duties (security.md AZ-5): user administrators cannot read the audit trail."""

from __future__ import annotations

import pytest

from oms.accounts.models import RolePermission
from oms.accounts.roles import SEED_ROLES
from oms.audit import queries
from oms.core.errors import PermissionDenied
from tests.factories import actor_of

pytestmark = pytest.mark.django_db
USER_ADMINISTRATION = {"accounts.manage_users", "accounts.unlock_users"}


def test_no_seeded_role_both_administers_users_and_reads_the_audit_trail():
    for code, (_, permissions) in SEED_ROLES.items():
        assert not (USER_ADMINISTRATION & set(permissions) and "audit.view" in permissions), code


def test_no_role_in_the_database_both_administers_users_and_reads_the_audit_trail():
    readers = set(RolePermission.objects.filter(permission="audit.view").values_list("role__code", flat=True))
    administrators = set(
        RolePermission.objects.filter(permission__in=USER_ADMINISTRATION).values_list("role__code", flat=True)
    )
    assert not readers & administrators


def test_the_user_administrator_cannot_search_the_trail_but_the_auditor_can(dave, erin):
    assert "accounts.manage_users" in actor_of(dave).permissions
    with pytest.raises(PermissionDenied):
        queries.search_events(actor_of(dave))
    assert "accounts.manage_users" not in actor_of(erin).permissions
    assert queries.search_events(actor_of(erin)).total == 0
