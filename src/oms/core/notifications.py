"""The notifications hook: tell people something now (a serious incident to the supervisors on duty, an
emergency to the staff in the facility, later a check-in reminder to a person under supervision).

A ``Message`` goes to every configured backend (setting ``OMS_NOTIFIERS``, a list of names, default
``["console"]``): ``console`` writes it to the ``oms.notifications`` log, ``email`` sends it with
Django's mail (recipients with an address), ``sms`` posts it to an HTTP SMS gateway (recipients with a
phone number), ``memory`` keeps it in ``sent`` for tests. A push backend is one more class with
``send(message)`` registered with ``register_backend``. A backend that
fails is logged and does not stop the others or the change that raised the message: callers notify
after deciding, and the audit trail, not the notification, is the record.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

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


class SmsBackend:
    """One POST per recipient with a phone number to ``settings.SMS_GATEWAY_URL``: JSON ``{"to", "text",
    "reference"}`` with the bearer token read from ``SMS_GATEWAY_TOKEN_FILE``. The text is the subject and
    the link only: a text message can be read by anyone holding the phone, so the body (which may say more)
    stays in OMS and e-mail. A gateway that answers other than 2xx raises, which ``notify`` logs."""

    MAX_TEXT = 320  # two SMS segments

    def send(self, message: Message) -> None:
        url = getattr(settings, "SMS_GATEWAY_URL", "")
        if not url:
            raise RuntimeError("OMS_SMS_GATEWAY_URL is not set")
        token_file = getattr(settings, "SMS_GATEWAY_TOKEN_FILE", "")
        token = Path(token_file).read_text().strip() if token_file else ""
        text = f"{message.subject} {message.link}".strip()[: self.MAX_TEXT]
        for recipient in message.recipients:
            if not recipient.phone:
                continue
            payload = json.dumps({"to": recipient.phone, "text": text, "reference": message.kind}).encode()
            request = urllib.request.Request(url, data=payload, method="POST")  # noqa: S310 (operator's URL)
            request.add_header("Content-Type", "application/json")
            if token:
                request.add_header("Authorization", f"Bearer {token}")
            timeout = getattr(settings, "SMS_GATEWAY_TIMEOUT_SECONDS", 10)
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise RuntimeError(f"SMS gateway answered {response.status}")


sent: list[Message] = []  # the memory backend's messages (tests clear it)


class MemoryBackend:
    def send(self, message: Message) -> None:
        sent.append(message)


_backends: dict[str, object] = {
    "console": ConsoleBackend(),
    "email": EmailBackend(),
    "sms": SmsBackend(),
    "memory": MemoryBackend(),
}


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
