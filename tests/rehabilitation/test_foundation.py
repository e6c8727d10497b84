"""The rehabilitation app is installed, its tables exist and its seeded grants are in place."""

from oms.accounts.roles import SEED_ROLES
from oms.rehabilitation.models import CasePlan, IncentiveReview, Programme
from tests.rehabilitation.factories import make_incentive_levels, make_plan, make_programme


def test_one_case_plan_per_person_and_a_programme_per_code(db, prison_a, person, casey):
    make_plan(person, casey)
    make_programme(prison_a)
    make_incentive_levels(prison_a)
    assert CasePlan.objects.filter(person=person).count() == 1
    assert Programme.objects.filter(facility=prison_a, code="TSP").exists()
    assert not IncentiveReview.objects.exists()


def test_seeded_roles_grant_the_rehabilitation_permissions():
    grants = {code: set(perms) for code, (_, perms) in SEED_ROLES.items()}
    assert "rehabilitation.record_attendance" in grants["programme_facilitator"]
    assert "rehabilitation.allocate" in grants["supervisor"]
    assert "rehabilitation.allocate" not in grants["case_manager"]
    assert "rehabilitation.review_incentives" in grants["custody_officer"]
