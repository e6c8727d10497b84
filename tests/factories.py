"""Plain factory functions for arranging tests (and shared by nothing else: demo data has its own
generator in oms.people.demo). Call the service under test for the behaviour itself."""

from __future__ import annotations

import itertools

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from oms.accounts.models import Role, User, UserRole
from oms.accounts.queries import actor_for_user
from oms.core.actor import Actor, Scope
from oms.facilities.models import Organisation, Site

_seq = itertools.count(1)
STRONG_PASSWORD = "correct horse battery staple 42"


def make_organisation(kind: str = Organisation.Kind.PRISON_SERVICE, **fields) -> Organisation:
    n = next(_seq)
    fields.setdefault("code", f"ORG{n}")
    fields.setdefault("name", f"Organisation {n}")
    return Organisation.objects.create(kind=kind, **fields)


def make_site(organisation: Organisation | None = None, kind: str = Site.Kind.PRISON, **fields) -> Site:
    n = next(_seq)
    organisation = organisation or make_organisation()
    fields.setdefault("code", f"S{n:03d}")
    fields.setdefault("name", f"Site {n}")
    return Site.objects.create(organisation=organisation, kind=kind, **fields)


def make_user(
    username: str | None = None,
    *,
    roles: tuple[str, ...] = (),
    sites: tuple[Site, ...] = (),
    organisation: Organisation | None = None,
    scope: str = Scope.SITES,
    password: str = STRONG_PASSWORD,
    with_totp: bool = True,
    **fields,
) -> User:
    username = username or f"user{next(_seq)}"
    if organisation is None and sites:
        organisation = sites[0].organisation
    user = User.objects.create_user(
        username=username, password=password, organisation=organisation, scope=scope, **fields
    )
    user.sites.set(sites)
    for code in roles:
        UserRole.objects.create(user=user, role=Role.objects.get(code=code))
    if with_totp:
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def actor_of(user: User, channel: str = "web") -> Actor:
    return actor_for_user(user, channel=channel)


def login_verified(client, user: User):
    """Log the test client in as if password and TOTP had both been checked."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="default", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def make_participant(person, username: str | None = None, *, password: str = STRONG_PASSWORD) -> User:
    """A participant portal user linked to ``person`` (role participant, Scope.SELF, confirmed TOTP),
    opened through the portal service as the system actor, with a known password for sign-in tests."""
    from oms.people.services.portal import open_portal_account

    user, _ = open_portal_account(
        Actor.system(channel="cli"), person.public_id, username=username or f"participant{next(_seq)}"
    )
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user
