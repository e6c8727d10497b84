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


def test_the_sms_backend_posts_subject_and_link_to_the_gateway_with_its_token(settings, tmp_path):
    """A real HTTP gateway on a local port: one JSON POST per recipient with a phone number."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers["Authorization"], json.loads(body)))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        token = tmp_path / "sms-token"
        token.write_text("gateway-secret\n")
        settings.OMS_NOTIFIERS = ["sms"]
        settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.SMS_GATEWAY_TOKEN_FILE = str(token)
        message = Message(
            "supervision.check_in_open",
            "Your check-in is open",
            "Private detail that must not go by text.",
            (Recipient("Ada", phone="+447700900123"), Recipient("No phone")),
            link="/supervision/portal/",
        )
        assert notify(message) == 1
    finally:
        server.shutdown()
    assert received == [
        (
            "Bearer gateway-secret",
            {
                "to": "+447700900123",
                "text": "Your check-in is open /supervision/portal/",
                "reference": "supervision.check_in_open",
            },
        )
    ]


def test_the_sms_backend_without_a_gateway_fails_loudly_and_delivers_nothing(settings, caplog):
    settings.OMS_NOTIFIERS = ["sms"]
    settings.SMS_GATEWAY_URL = ""
    assert notify(Message("k", "s", "b", (Recipient("Ada", phone="+447700900123"),))) == 0
    assert "sms" in caplog.text
