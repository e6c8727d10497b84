from oms.audit.models import AuditEvent
from oms.audit.services import record_event
from tests.factories import actor_of


def test_record_event_chains_hashes(alice):
    first = record_event(actor_of(alice), "test.thing_done", object_type="thing", object_id=1)
    second = record_event(actor_of(alice), "test.thing_done", object_type="thing", object_id=2)
    assert second.prev_hash == first.hash
    assert AuditEvent.objects.count() >= 2
