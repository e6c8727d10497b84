"""The transactional outbox: durable domain events for later apps and partner feeds.

``core.events.publish`` calls handlers in-process; ``write`` keeps a durable copy for consumers that are
not in the process (a partner feed, a later app's background job). Services call ``write`` inside the
entry point's transaction, so the message and the change commit or vanish together.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction

from oms.core.models import OutboxCursor, OutboxMessage


def write(name: str, payload: dict, *, person_public_id=None, site_code: str = "") -> OutboxMessage:
    return OutboxMessage.objects.create(
        name=name, payload=payload, person_public_id=person_public_id, site_code=site_code
    )


def read(*, after_id: int = 0, names: list[str] | None = None, limit: int = 500) -> list[OutboxMessage]:
    messages = OutboxMessage.objects.filter(id__gt=after_id)
    if names:
        messages = messages.filter(name__in=names)
    return list(messages.order_by("id")[: max(1, min(limit, 5000))])


def consume(consumer: str, *, limit: int = 500) -> Iterator[OutboxMessage]:
    """Yield messages the consumer has not seen, moving its cursor on after each one. Run it inside a
    transaction: the cursor row is locked so two workers of one consumer do not read the same message."""
    with transaction.atomic():
        cursor, _ = OutboxCursor.objects.select_for_update().get_or_create(consumer=consumer)
        for message in read(after_id=cursor.last_id, limit=limit):
            yield message
            cursor.last_id = message.id
            cursor.save(update_fields=["last_id", "updated_at"])
