"""The notifications hook sends a message through every configured backend, and one failing backend
stops neither the others nor the caller."""

from django.core import mail

from oms.core import notifications
from oms.core.notifications import Message, Recipient, notify


def test_every_configured_backend_gets_the_message(settings):
    settings.OMS_NOTIFIERS = ["memory", "email", "console"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notifications.sent.clear()
    message = Message(
        "incidents.serious_incident",
        "Serious incident",
        "An assault was reported on A wing.",
        (Recipient("sam", email="sam@example.org"), Recipient("olly")),
        link="/incidents/1/",
    )
    assert notify(message) == 3
    assert notifications.sent == [message]
    assert mail.outbox[-1].to == ["sam@example.org"] and "/incidents/1/" in mail.outbox[-1].body


def test_a_failing_or_unknown_backend_is_logged_and_the_rest_still_send(settings, caplog):
    class Broken:
        def send(self, message):
            raise OSError("mail server down")

    notifications.register_backend("broken", Broken())
    settings.OMS_NOTIFIERS = ["broken", "nowhere", "memory"]
    notifications.sent.clear()
    assert notify(Message("x.y", "Subject", "Body")) == 1
    assert len(notifications.sent) == 1
    assert "mail server down" in caplog.text and "unknown notification backend" in caplog.text
