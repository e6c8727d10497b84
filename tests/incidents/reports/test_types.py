"""Incident types as versioned configuration: shipped definitions, import, new versions, no-ops."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oms.audit.models import AuditEvent
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied, RuleViolation
from oms.incidents.models import IncidentType
from oms.incidents.rules import questions as rules
from oms.incidents.services import types as services
from tests.factories import actor_of

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(channel="cli")
REQUIRED_CODES = {
    "assault", "fight", "self_harm", "death_in_custody", "escape", "attempted_escape", "abscond", "disorder",
    "contraband_find", "fire", "medical_emergency", "use_of_force", "drone_sighting", "security_breach",
    "key_lock_tool_loss", "release_in_error", "temporary_release_failure",
}  # fmt: skip


def test_every_shipped_definition_is_valid_and_present():
    definitions = services.read_definitions(services.SHIPPED_DIR)
    assert REQUIRED_CODES <= {d["code"] for d in definitions}
    for definition in definitions:
        assert rules.validate_definition(definition) == [], definition["code"]
        assert len(definition["questions"]) >= 2
    serious = {d["code"] for d in definitions if d["notify_immediately"]}
    assert {"death_in_custody", "escape", "self_harm"} <= serious
    assert "fight" not in serious


def test_loading_twice_is_a_no_op_and_a_change_is_a_new_version(tmp_path):
    first = services.load_shipped_types(SYSTEM)
    assert len(first.added) == len(REQUIRED_CODES)
    again = services.load_shipped_types(SYSTEM)
    assert again.added == [] and len(again.unchanged) == len(REQUIRED_CODES)
    fight = json.loads((services.SHIPPED_DIR / "fight.json").read_text())
    fight["severity"] = "high"
    (tmp_path / "fight.json").write_text(json.dumps(fight))
    report = services.import_incident_types(SYSTEM, services.read_definitions(tmp_path))
    assert report.added == ["fight v2"]
    assert list(IncidentType.objects.filter(code="fight").values_list("version", "severity")) == [
        (2, "high"),
        (1, "medium"),
    ]
    assert services.latest_active_type("fight").version == 2
    assert AuditEvent.objects.filter(action="incidents.type_version_added").count() == len(REQUIRED_CODES) + 1


def test_a_bad_definition_imports_nothing_and_names_the_field():
    bad = [{"code": "a", "title": "A", "severity": "low"}, {"code": "b", "title": "B", "severity": "dire"}]
    with pytest.raises(RuleViolation) as error:
        services.import_incident_types(SYSTEM, bad)
    assert error.value.field == "severity"
    assert not IncidentType.objects.exists()


def test_only_type_managers_import(olly):
    with pytest.raises(PermissionDenied):
        services.import_incident_types(actor_of(olly), [])


def test_the_command_dry_run_and_import(tmp_path, capsys):
    call_command("import_incident_types", str(services.SHIPPED_DIR), "--dry-run")
    assert "would add fight v1" in capsys.readouterr().out
    assert not IncidentType.objects.exists()
    call_command("import_incident_types", str(services.SHIPPED_DIR / "fire.json"))
    assert IncidentType.objects.get().code == "fire"
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(CommandError, match="incidents.invalid_json"):
        call_command("import_incident_types", str(tmp_path))
    with pytest.raises(CommandError, match="incidents.no_definitions"):
        call_command("import_incident_types", str(tmp_path / "missing.json"))
