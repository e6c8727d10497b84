"""Personas for the permission matrix (architecture rule 10).

- alice: records officer at Prison A (allowed most person changes)
- bob: records officer at Prison B (same role, other site: out of scope -> 404)
- charlie: programme facilitator at Prison A (wrong role for most changes -> 403)
- dave: user administrator; erin: auditor; frank: probation officer at Office C (probation org)
"""

from __future__ import annotations

import importlib

import pytest
from django.core.management.commands import flush as flush_command
from django.db import connections

from oms.core.actor import Scope
from oms.facilities.models import Organisation, Site
from tests.factories import make_organisation, make_site, make_user

# The audit tables are append-only in the database itself (AUD-4), so the flush that ends each
# transactional (live-server, browser) test must lift the triggers for a moment, then put them
# back and recreate the chain head row that the migration made.
_APPEND_ONLY_MIGRATIONS = ("0002_chain_head_and_append_only", "0004_checkpoint_append_only", "0005_retention_purge")
_original_flush = flush_command.Command.handle


def _flush_with_audit_triggers_lifted(self, **options):
    connection = connections[options.get("database") or "default"]
    modules = [importlib.import_module(f"oms.audit.migrations.{name}") for name in _APPEND_ONLY_MIGRATIONS]
    with connection.schema_editor() as editor:
        for module in modules:
            module.remove_triggers(None, editor)
    try:
        return _original_flush(self, **options)
    finally:
        from oms.audit.models import AuditChainHead

        AuditChainHead.objects.using(connection.alias).get_or_create(pk=1)
        with connection.schema_editor() as editor:
            for module in modules:
                module.install_triggers(None, editor)


flush_command.Command.handle = _flush_with_audit_triggers_lifted


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
