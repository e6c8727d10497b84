import datetime as dt

import pytest

from oms.core import clock
from oms.core.actor import Actor
from oms.incidents.services import reports as services
from oms.incidents.services import types as type_services
from tests.factories import actor_of


@pytest.fixture
def shipped_types(db):
    return type_services.load_shipped_types(Actor.system(channel="cli"))


@pytest.fixture
def olly_actor(olly):
    return actor_of(olly)


@pytest.fixture
def sam_actor(sam):
    return actor_of(sam)


@pytest.fixture
def memory_notifier(settings):
    from oms.core import notifications

    settings.OMS_NOTIFIERS = ["memory"]
    notifications.sent.clear()
    yield notifications.sent
    notifications.sent.clear()


def draft(actor, site, *, type_code="fight", answers=None, **fields):
    values = {
        "type_code": type_code,
        "facility_id": site.public_id,
        "occurred_at": clock.now() - dt.timedelta(hours=1),
        "description": "Two men fought on the landing at unlock.",
        "answers": {"weapon_used": "no", "injuries": "no", "number_involved": 2} if answers is None else answers,
        **fields,
    }
    return services.create_report(actor, **values)


@pytest.fixture
def fight(shipped_types, olly_actor, prison_a):
    return draft(olly_actor, prison_a)
