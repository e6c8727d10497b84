"""The notifications hook: tell people something now (a serious incident to the supervisors on duty, an
emergency to the staff in the facility, later a check-in reminder to a person under supervision).

A ``Message`` goes to every configured backend (setting ``OMS_NOTIFIERS``, a list of names, default
``["console"]``): ``console`` writes it to the ``oms.notifications`` log, ``email`` sends it with
Django's mail (recipients with an address), ``memory`` keeps it in ``sent`` for tests. An SMS or push
backend is one more class with ``send(message)`` registered with ``register_backend``. A backend that
fails is logged and does not stop the others or the change that raised the message: callers notify
after deciding, and the audit trail, not the notification, is the record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail

log = logging.getLogger("oms.notifications")


@dataclass(frozen=True)
class Recipient:
    name: str  # a username, or a person's display name
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Message:
    kind: str  # a dotted code, e.g. "incidents.serious_incident", "incidents.emergency_declared"
    subject: str
    body: str
    recipients: tuple[Recipient, ...] = ()
    link: str = ""  # a path in OMS the recipient should open
    details: dict = field(default_factory=dict)


class ConsoleBackend:
    def send(self, message: Message) -> None:
        names = ", ".join(r.name for r in message.recipients)
        log.info("%s to %s: %s (%s)", message.kind, names, message.subject, message.link)


class EmailBackend:
    def send(self, message: Message) -> None:
        addresses = [r.email for r in message.recipients if r.email]
        if addresses:
            body = f"{message.body}\n\n{message.link}" if message.link else message.body
            send_mail(message.subject, body, None, addresses)


sent: list[Message] = []  # the memory backend's messages (tests clear it)


class MemoryBackend:
    def send(self, message: Message) -> None:
        sent.append(message)


_backends: dict[str, object] = {"console": ConsoleBackend(), "email": EmailBackend(), "memory": MemoryBackend()}


def register_backend(name: str, backend) -> None:
    """Add a backend (an object with ``send(message)``) usable by name in ``OMS_NOTIFIERS``."""
    _backends[name] = backend


def notify(message: Message) -> int:
    """Send ``message`` through every configured backend; returns how many backends took it."""
    delivered = 0
    for name in getattr(settings, "OMS_NOTIFIERS", ["console"]):
        backend = _backends.get(name)
        if backend is None:
            log.error("unknown notification backend %r", name)
            continue
        try:
            backend.send(message)
        except Exception:  # a broken mail server must not undo the change that raised the message
            log.exception("notification backend %r failed for %s", name, message.kind)
        else:
            delivered += 1
    return delivered
