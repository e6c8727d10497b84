"""Arranging person records for the people tests: created through the service as the system actor,
held at a given site."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.core.actor import Actor
from oms.people import services


def make_person(site, *, family="Smith", given="John", dob=dt.date(1980, 5, 17), aliases=(), identifiers=(), **fields):
    return services.create_person(
        Actor.system(channel="cli"),
        family_name=family,
        given_name=given,
        date_of_birth=dob,
        site_id=site.public_id,
        aliases=[services.NewAlias(*a) for a in aliases],
        identifiers=[services.NewIdentifier(*i) for i in identifiers],
        duplicate_override_reason="test arrangement",
        **fields,
    )


@pytest.fixture
def person_at_a(prison_a):
    return make_person(prison_a)


@pytest.fixture
def system():
    return Actor.system(channel="cli")
