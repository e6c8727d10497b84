"""Configuring a facility's levels: what each allows, exactly one basic and one default among active
levels, basic the lowest; the example levels; permission and scope; the CLI."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oms.audit.models import AuditEvent
from oms.core.errors import NotFound, PermissionDenied, RuleViolation
from oms.rehabilitation.models import IncentiveLevel
from oms.rehabilitation.services import incentives as services
from tests.factories import actor_of, make_user

pytestmark = pytest.mark.django_db


def save(actor, site, code="enhanced_2", **changes):
    values = {
        "name": "Enhanced 2",
        "rank": 4,
        "spending_limit_pence": 3050,
        "visits_per_month": 5,
        "privileges": ["Own clothing", "Extra gym session"],
        **changes,
    }
    return services.save_level(actor, site_id=site.public_id, code=code, **values)


def test_supervisor_installs_the_examples_and_adds_a_fourth_level(sam_actor, prison_a):
    made = services.install_default_levels(sam_actor, site_id=prison_a.public_id)
    assert [(lv.code, lv.is_basic, lv.is_default) for lv in made] == [
        ("basic", True, False),
        ("standard", False, True),
        ("enhanced", False, False),
    ]
    assert services.install_default_levels(sam_actor, site_id=prison_a.public_id) == []  # left alone

    change = save(sam_actor, prison_a)
    assert change.created and change.level.privileges == ["Own clothing", "Extra gym session"]
    again = save(sam_actor, prison_a, spending_limit_pence=3100)
    assert not again.created and IncentiveLevel.objects.get(code="enhanced_2").spending_limit_pence == 3100
    saved = AuditEvent.objects.filter(action="rehabilitation.incentive_level_saved").latest("seq")
    assert saved.changed_fields == ["spending_limit_pence"] and saved.site_id == prison_a.pk
    assert AuditEvent.objects.filter(action="rehabilitation.incentive_levels_installed").count() == 1


def test_an_administrator_configures_levels_too(prison_a):
    admin = make_user("ada", roles=("administrator",), sites=(prison_a,))
    assert save(actor_of(admin), prison_a, code="basic", rank=1, is_basic=True).created


def test_making_a_level_the_default_moves_the_flag(sam_actor, prison_a, levels_a):
    save(sam_actor, prison_a, is_default=True)
    defaults = IncentiveLevel.objects.filter(facility=prison_a, is_default=True)
    assert [lv.code for lv in defaults] == ["enhanced_2"]


def test_the_flag_holder_cannot_drop_its_flag_or_retire(sam_actor, prison_a, levels_a):
    standard = {"name": "Standard", "rank": 2, "spending_limit_pence": 1550, "visits_per_month": 3}
    with pytest.raises(RuleViolation) as dropped:
        save(sam_actor, prison_a, code="standard", **standard)
    assert dropped.value.field == "is_default"
    with pytest.raises(RuleViolation) as retired:
        save(sam_actor, prison_a, code="standard", is_default=True, active=False, **standard)
    assert retired.value.field == "active"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "Bad Code"}, "code"),
        ({"code": ""}, "code"),
        ({"name": ""}, "name"),
        ({"rank": 0}, "rank"),
        ({"rank": 2}, "rank"),  # standard has rank 2
        ({"rank": "4"}, "rank"),
        ({"spending_limit_pence": -1}, "spending_limit_pence"),
        ({"spending_limit_pence": 10**9}, "spending_limit_pence"),
        ({"visits_per_month": 32}, "visits_per_month"),
        ({"privileges": ["x" * 201]}, "privileges"),
        ({"is_basic": True}, "rank"),  # basic must be the lowest
    ],
)
def test_bad_levels_are_refused_naming_the_field(sam_actor, prison_a, levels_a, changes, field):
    with pytest.raises(RuleViolation) as refused:
        save(sam_actor, prison_a, **changes)
    assert refused.value.field == field
    assert IncentiveLevel.objects.filter(facility=prison_a).count() == 3


def test_reviewers_and_viewers_may_not_configure(olly, casey, charlie, prison_a):
    for user in (olly, casey, charlie):
        with pytest.raises(PermissionDenied):
            save(actor_of(user), prison_a)
        with pytest.raises(PermissionDenied):
            services.install_default_levels(actor_of(user), site_id=prison_a.public_id)


def test_a_supervisor_elsewhere_does_not_find_the_facility(prison_a, prison_b):
    elsewhere = make_user("sasha", roles=("supervisor",), sites=(prison_b,))
    with pytest.raises(NotFound):
        save(actor_of(elsewhere), prison_a)
    assert not IncentiveLevel.objects.exists()


def test_cli_installs_and_lists(prison_a, capsys):
    call_command("incentive_levels", "pra", "--defaults", "--list")
    out = capsys.readouterr().out
    assert "Installed 3 levels at Prison A" in out
    assert "basic" in out and "£4.00 a week to spend, 2 visits a month  [basic]" in out
    assert "[default]" in out and "Enhanced" in out
    call_command("incentive_levels", "PRA", "--defaults")
    assert "already has incentive levels" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("incentive_levels", "NOPE")
