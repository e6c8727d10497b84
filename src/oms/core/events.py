"""In-process domain events, handled in the same transaction as the change that raised them.

A lower app tells a higher one something by publishing an event; the higher app subscribes in its
``AppConfig.ready``. Handlers run synchronously, so their writes commit or roll back with the change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    name: str  # "<app>.<entity>_<past verb>", e.g. "people.person_merged"
    payload: dict[str, Any] = field(default_factory=dict)


_handlers: dict[str, list[Callable[[Any, Event], None]]] = defaultdict(list)


def subscribe(name: str, handler: Callable[[Any, Event], None]) -> None:
    if handler not in _handlers[name]:
        _handlers[name].append(handler)


def publish(actor: Any, event: Event) -> None:
    for handler in list(_handlers.get(event.name, ())):
        handler(actor, event)
