"""``oms people search|show|merge``."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oms.audit.models import AuditEvent
from oms.people.models import Person
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("people", *args, stdout=out)
    return out.getvalue()


def test_search_show_and_merge(prison_a):
    smith = make_person(prison_a, family="Smith", given="John", identifiers=[("pnc", "01/2345Z")])
    smyth = make_person(prison_a, family="Smyth", given="Jon")
    found = run("search", "smyth")
    assert smith.system_number in found and smyth.system_number in found
    shown = run("show", smith.system_number.lower())
    assert "SMITH, John" in shown and "01/2345Z" in shown
    merged = run("merge", smith.system_number, smyth.system_number, "--reason", "Same person")
    assert f"Merged {smyth.system_number} into {smith.system_number}" in merged
    assert Person.objects.get(pk=smyth.pk).status == Person.Status.MERGED
    assert AuditEvent.objects.filter(action="people.person_merged", channel="cli").count() == 2


def test_as_user_applies_their_scope(alice, bob, prison_a):
    smith = make_person(prison_a)
    assert "SMITH" in run("--as", "alice", "show", smith.system_number)
    with pytest.raises(CommandError, match="people.not_found"):
        run("--as", "bob", "show", smith.system_number)
    with pytest.raises(CommandError, match="No active user"):
        run("--as", "nobody", "search", "smith")


def test_portal_open_prints_the_one_time_password_once_and_close_disables(prison_a):
    from oms.accounts.models import User

    person = make_person(prison_a)
    output = run("portal-open", person.system_number, "--username", "ada.portal")
    password = output.split("in person): ")[1].split()[0]
    user = User.objects.get(username="ada.portal")
    assert user.check_password(password) and user.must_change_password
    with pytest.raises(CommandError, match="already has an open portal account"):
        run("portal-open", person.system_number, "--username", "other")
    assert "closed" in run("portal-close", person.system_number, "--reason", "Order ended")
    user.refresh_from_db()
    assert not user.is_active
