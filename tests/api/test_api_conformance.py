"""The API against its own OpenAPI document, on a live server (security.md API-1 and the reliability table):
every operation, >= 50 generated examples each, called with real tokens for three roles and anonymously.

Passes when there are no server errors, every documented response matches its schema and content type,
and no protected operation answers an anonymous caller with anything but 401 (no auth bypass).
"""

from __future__ import annotations

import secrets
import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken
from oms.core.actor import Scope
from tests.factories import make_organisation, make_site, make_user

EXAMPLES_PER_OPERATION = 50
# Three tokens, one per persona. The first holds the records officer's, the supervisor's, the monitoring
# officer's and the diversion coordinator's roles together, so the people, custody, supervision,
# monitoring and diversion operations are all exercised past the permission check.
ROLES = (
    ("records_officer", "supervisor", "monitoring_officer", "diversion_coordinator"),
    ("auditor",),
    ("user_administrator",),
)
# Operations anyone may call (they check credentials themselves).
PUBLIC_OPERATIONS = {("POST", "/api/v1/accounts/login")}


@pytest.fixture
def role_tokens(transactional_db):
    site = make_site(make_organisation())
    tokens = {}
    for roles in ROLES:
        role = "+".join(roles)
        user = make_user(f"st_{'_'.join(roles)}", roles=roles, sites=(site,), scope=Scope.SITES)
        secret = secrets.token_urlsafe(32)
        permissions = list(user.role_grants.values_list("role__grants__permission", flat=True))
        ApiToken.objects.create(
            user=user, name="schemathesis", prefix=secret[:8], token_hash=hash_token(secret), scopes=permissions
        )
        tokens[role] = secret
    return tokens


@pytest.fixture
def api_schema(live_server, role_tokens):
    # The schema of every router is built on the first request; one CI run on the loaded two-core machine took
    # more than schemathesis's default 10 s read timeout for it, so allow longer.
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json", timeout=120)


schema = schemathesis.pytest.from_fixture("api_schema")

# The operations are split into shards, each its own test (with its own live server), so pytest-xdist runs
# them on every worker at once: as one test, the ~600 operations took about 12 minutes on one core while the
# other sat idle. The shard of an operation is a stable hash of its method and path.
SHARDS = 6


def _shard_of(method: str, path: str) -> int:
    return zlib.crc32(f"{method.upper()} {path}".encode()) % SHARDS


def _in_shard(number: int):
    return schema.include(lambda ctx: _shard_of(ctx.operation.method, ctx.operation.path) == number)


def _check_case(case, role_tokens):
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    for secret in role_tokens.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {secret}"}, checks=checks)
    anonymous = case.call_and_validate(headers={"Authorization": ""}, checks=[not_a_server_error])
    operation = (case.operation.method.upper(), case.operation.full_path)
    # Schemathesis also probes undeclared methods (TRACE...): those must be refused, never served.
    if case.method.upper() != operation[0]:
        assert anonymous.status_code in (401, 405), f"{case.method} {case.formatted_path}: {anonymous.status_code}"
    elif operation not in PUBLIC_OPERATIONS:
        assert anonymous.status_code == 401, (
            f"{case.method} {case.formatted_path} answered {anonymous.status_code} anonymously"
        )


_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@_in_shard(0).parametrize()
@_SETTINGS
def test_every_operation_conforms_for_every_role_shard_0(case, role_tokens):
    _check_case(case, role_tokens)


@_in_shard(1).parametrize()
@_SETTINGS
def test_every_operation_conforms_for_every_role_shard_1(case, role_tokens):
    _check_case(case, role_tokens)


@_in_shard(2).parametrize()
@_SETTINGS
def test_every_operation_conforms_for_every_role_shard_2(case, role_tokens):
    _check_case(case, role_tokens)


@_in_shard(3).parametrize()
@_SETTINGS
def test_every_operation_conforms_for_every_role_shard_3(case, role_tokens):
    _check_case(case, role_tokens)


@_in_shard(4).parametrize()
@_SETTINGS
def test_every_operation_conforms_for_every_role_shard_4(case, role_tokens):
    _check_case(case, role_tokens)


@_in_shard(5).parametrize()
@_SETTINGS
def test_every_operation_conforms_for_every_role_shard_5(case, role_tokens):
    _check_case(case, role_tokens)


def test_the_shards_cover_every_operation_once():
    """Each (method, path) lands in exactly one shard, and every shard has work."""
    from oms.api import api

    document = api.get_openapi_schema()
    operations = [(m, p) for p, item in document["paths"].items() for m in item if m != "parameters"]
    shards = [_shard_of(m, p) for m, p in operations]
    assert set(shards) == set(range(SHARDS))
