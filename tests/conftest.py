"""Personas for the permission matrix (architecture rule 10).

- alice: records officer at Prison A (allowed most person changes)
- bob: records officer at Prison B (same role, other site: out of scope -> 404)
- charlie: programme facilitator at Prison A (wrong role for most changes -> 403)
- dave: user administrator; erin: auditor; frank: probation officer at Office C (probation org)
"""

from __future__ import annotations

import pytest

from oms.core.actor import Scope
from oms.facilities.models import Organisation, Site
from tests.factories import make_organisation, make_site, make_user


@pytest.fixture
def prison_service(db):
    return make_organisation(Organisation.Kind.PRISON_SERVICE, code="HMPS", name="Prison Service")


@pytest.fixture
def probation_service(db):
    return make_organisation(Organisation.Kind.PROBATION_SERVICE, code="PROB", name="Probation Service")


@pytest.fixture
def prison_a(prison_service):
    return make_site(prison_service, Site.Kind.PRISON, code="PRA", name="Prison A")


@pytest.fixture
def prison_b(prison_service):
    return make_site(prison_service, Site.Kind.PRISON, code="PRB", name="Prison B")


@pytest.fixture
def office_c(probation_service):
    return make_site(probation_service, Site.Kind.PROBATION_OFFICE, code="OFC", name="Office C")


@pytest.fixture
def alice(prison_a):
    return make_user("alice", roles=("records_officer",), sites=(prison_a,))


@pytest.fixture
def bob(prison_b):
    return make_user("bob", roles=("records_officer",), sites=(prison_b,))


@pytest.fixture
def charlie(prison_a):
    return make_user("charlie", roles=("programme_facilitator",), sites=(prison_a,))


@pytest.fixture
def dave(prison_service, prison_a):
    return make_user(
        "dave", roles=("user_administrator",), organisation=prison_service, sites=(prison_a,), scope=Scope.ORGANISATION
    )


@pytest.fixture
def erin(db):
    return make_user("erin", roles=("auditor",), scope=Scope.NATIONAL)


@pytest.fixture
def frank(office_c):
    return make_user("frank", roles=("probation_officer",), sites=(office_c,))
