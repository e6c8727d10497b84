"""The transactional outbox: messages exist exactly when their change committed, and consumers
read each message once, in order."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction

from oms.core import outbox
from oms.core.models import OutboxCursor, OutboxMessage

pytestmark = pytest.mark.django_db


def test_a_message_rolled_back_with_its_change_is_never_seen():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.write("custody.person_received", {"n": 1})
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


def test_consumer_reads_each_message_once_in_order():
    for n in range(3):
        outbox.write("custody.cell_moved", {"n": n}, site_code="PRA")
    assert [m.payload["n"] for m in outbox.consume("partner-feed")] == [0, 1, 2]
    assert list(outbox.consume("partner-feed")) == []
    outbox.write("custody.cell_moved", {"n": 3})
    assert [m.payload["n"] for m in outbox.consume("partner-feed")] == [3]
    assert [m.payload["n"] for m in outbox.consume("another-consumer")] == [0, 1, 2, 3]
    assert OutboxCursor.objects.get(consumer="partner-feed").last_id == OutboxMessage.objects.last().id


def test_cli_lists_and_consumes_as_json_lines():
    outbox.write("custody.person_released", {"booking_number": "B1"}, site_code="PRA")
    outbox.write("custody.cell_moved", {"booking_number": "B1"}, site_code="PRA")
    out = io.StringIO()
    call_command("outbox", "list", "--name", "custody.person_released", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["name"] for line in lines] == ["custody.person_released"]
    out = io.StringIO()
    call_command("outbox", "consume", "--consumer", "cli", stdout=out)
    assert len(out.getvalue().splitlines()) == 2
