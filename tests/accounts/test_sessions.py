"""SES-1 and AUTH-6/8: idle and absolute timeouts on the server, my sessions, disabling ends every
session, step-up re-authentication before privileged pages."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session
from django.test import Client

from oms.accounts import services
from oms.accounts.models import UserSession
from oms.audit.models import AuditEvent
from oms.core import clock
from tests.accounts.helpers import code_for, mfa_user, web_login
from tests.factories import STRONG_PASSWORD, actor_of, login_verified


def test_a_session_ends_after_thirty_idle_minutes(client, alice):
    with clock.freeze(clock.now()):
        login_verified(client, alice)
        assert client.get("/").status_code == 200
        clock.advance(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity restarts the idle clock
        clock.advance(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.advance(dt.timedelta(minutes=30))
        assert client.get("/").status_code == 302
    event = AuditEvent.objects.filter(action="accounts.session_ended").last()
    assert event.details == {"reason": "idle_timeout"}


def test_a_session_ends_twelve_hours_after_logon_however_active(client, alice):
    with clock.freeze(clock.now()):
        login_verified(client, alice)
        for _ in range(28):  # every 25 minutes for 11 h 40 min
            assert client.get("/").status_code == 200
            clock.advance(dt.timedelta(minutes=25))
        clock.advance(dt.timedelta(minutes=20))
        assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="accounts.session_ended").last().details == {"reason": "absolute_timeout"}


def test_timeouts_are_held_on_the_server_not_the_cookie(client, alice):
    login_verified(client, alice)
    client.get("/")
    key = client.session.session_key
    with clock.freeze(clock.now() + dt.timedelta(minutes=31)):
        client.get("/")
    assert not Session.objects.filter(session_key=key).exists()


def test_my_sessions_lists_and_ends_another_session(alice):
    laptop, phone = Client(), Client()
    login_verified(laptop, alice)
    login_verified(phone, alice)
    laptop.get("/")
    phone.get("/")
    page = laptop.get("/accounts/sessions")
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2
    other = UserSession.objects.get(session_key=phone.session.session_key)
    assert laptop.post(f"/accounts/sessions/{other.pk}/end").status_code == 302
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 200


def test_someone_else_cannot_end_my_session(alice, bob):
    mine, theirs = Client(), Client()
    login_verified(mine, alice)
    login_verified(theirs, bob)
    mine.get("/")
    theirs.get("/")
    target = UserSession.objects.get(user=alice)
    assert theirs.post(f"/accounts/sessions/{target.pk}/end").status_code == 404
    assert mine.get("/").status_code == 200


def test_disabling_a_user_ends_all_their_sessions_at_once(alice, dave):
    first, second = Client(), Client()
    for browser in (first, second):
        login_verified(browser, alice)
        assert browser.get("/").status_code == 200
    services.disable_user(actor_of(dave), user_id=alice.public_id, reason="Left the service")
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == 302
    assert not UserSession.objects.filter(user=alice, ended_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="accounts.user_disabled")
    assert event.details["sessions_ended"] == 2
    assert event.reason == "Left the service"


def test_privileged_pages_ask_for_step_up(client, prison_service, prison_a):
    from oms.core.actor import Scope

    admin = mfa_user(
        "uma",
        roles=("user_administrator",),
        organisation=prison_service,
        sites=(prison_a,),
        scope=Scope.ORGANISATION,
    )
    with clock.freeze(clock.now()):
        web_login(client, admin, offset=-1)
        assert client.get("/accounts/users").status_code == 200  # a fresh logon counts as a step-up
        clock.advance(dt.timedelta(minutes=11))
        client.get("/accounts/sessions")  # stay active
        answer = client.get("/accounts/users")
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/reauthenticate?next=")
        wrong = client.post("/accounts/reauthenticate?next=/accounts/users", {"password": "nope", "code": "1"})
        assert wrong.status_code == 200
        before = client.session.session_key
        done = client.post(
            "/accounts/reauthenticate?next=/accounts/users", {"password": STRONG_PASSWORD, "code": code_for(admin)}
        )
        assert done["Location"] == "/accounts/users"
        assert client.session.session_key != before  # a privilege change gets a new session id
        assert client.get("/accounts/users").status_code == 200
    assert UserSession.objects.filter(user=admin, ended_at__isnull=True).count() == 1


def test_step_up_failures_count_towards_the_lockout(client, prison_service, prison_a):
    from oms.core.actor import Scope

    admin = mfa_user("vera", roles=("user_administrator",), organisation=prison_service, scope=Scope.ORGANISATION)
    login_verified(client, admin)
    for _ in range(5):
        client.post("/accounts/reauthenticate", {"password": "wrong wrong wrong", "code": "000000"})
    admin.refresh_from_db()
    assert admin.locked_at is not None


def test_the_api_asks_for_step_up_on_a_session(client, dave):
    login_verified(client, dave)
    client.get("/")
    session = client.session
    session["oms_step_up_at"] = (clock.now() - dt.timedelta(hours=1)).isoformat()
    session.save()
    answer = client.get("/api/v1/accounts/users")
    assert answer.status_code == 403
    assert answer.json()["code"] == "auth.step_up_required"
