"""The diversion API fuzzed with a diversion coordinator's token (the shared conformance suite in
tests/api holds no diversion role, so there every diversion call stops at 403). A programme, a person
and an active participation exist, and the generator is seeded with their ids, so generated calls reach
the services: no server errors, every response as documented."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken
from oms.facilities.models import Organisation, Site
from tests.diversion.test_services import active
from tests.factories import actor_of, make_organisation, make_site, make_user
from tests.people.conftest import make_person


@pytest.fixture
def coordinator_token(transactional_db):
    with transaction.atomic():
        return _arrange()


def _arrange() -> str:
    from oms.core import clock
    from oms.diversion.models import Programme

    site = make_site(make_organisation(Organisation.Kind.DIVERSION_PROVIDER), Site.Kind.DIVERSION_PROGRAMME)
    user = make_user("fuzz_coordinator", roles=("diversion_coordinator",), sites=(site,))
    programme = Programme.objects.create(
        site=site, name="Fuzzed programme", eligibility={"min_age": 18}, full_fee_minor=10_000, created_at=clock.now()
    )
    person = make_person(site, family="Fuzz", given="Pat", dob=dt.date(1990, 1, 1))
    active(actor_of(user), person, programme)
    secret = secrets.token_urlsafe(32)
    permissions = list(user.role_grants.values_list("role__grants__permission", flat=True))
    ApiToken.objects.create(
        user=user, name="fuzz", prefix=secret[:8], token_hash=hash_token(secret), scopes=permissions
    )
    return secret


@pytest.fixture
def diversion_schema(live_server, coordinator_token):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json", timeout=120)
    return schema.include(path_regex="^/api/v1/diversion/")


schema = schemathesis.pytest.from_fixture("diversion_schema")


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_diversion_operations_never_fail_for_a_coordinator(case, coordinator_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {coordinator_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
