"""The incidents app is installed, its tables exist and its seeded grants are in place."""

from oms.accounts.roles import SEED_ROLES
from oms.incidents.models import Incident
from tests.incidents.factories import make_charge, make_incident


def test_an_incident_and_a_charge_can_be_stored(prison_a, olly, person):
    incident = make_incident(prison_a, olly)
    charge = make_charge(person, prison_a, olly, incident=incident)
    assert Incident.objects.get(pk=incident.pk).charges.get() == charge


def test_seeded_roles_grant_the_incident_permissions():
    grants = {code: set(perms) for code, (_, perms) in SEED_ROLES.items()}
    assert {"incidents.report", "incidents.emergency_roll", "incidents.charge"} <= grants["custody_officer"]
    assert {"incidents.adjudicate", "incidents.declare_emergency"} <= grants["supervisor"]
    assert "incidents.adjudicate" not in grants["custody_officer"]
    assert "incidents.view_trends" in grants["analyst"]
