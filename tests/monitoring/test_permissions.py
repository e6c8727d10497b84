"""The permission matrix: every monitoring use case with the allowed role, a wrong role (403) and, for
records about a person, a monitoring officer at another office (404)."""

import datetime as dt

import pytest

from oms.core.errors import NotFound, PermissionDenied
from oms.monitoring.models import Alert
from oms.monitoring.queries import orders as queries
from oms.monitoring.services import alerts as alert_services
from oms.monitoring.services import devices as device_services
from oms.monitoring.services import fixes as fix_services
from oms.monitoring.services import orders as order_services
from tests.factories import actor_of
from tests.monitoring.conftest import NOW
from tests.monitoring.factories import IN_SQUARE, curfew, exclusion, row


@pytest.fixture
def world(mona_actor, feed_actor, person):
    order = order_services.make_order(
        mona_actor, person_id=person.public_id, starts_on=dt.date(2026, 6, 1), conditions=[exclusion()]
    )
    tag = device_services.add_device(mona_actor, serial="TAG-1", kind="gps_tag")
    device_services.assign_device(mona_actor, device_id=tag.public_id, order_id=order.public_id)
    spare = device_services.add_device(mona_actor, serial="TAG-2", kind="gps_tag")
    fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW, where=IN_SQUARE)])
    return {"order": order, "spare": spare, "alert": Alert.objects.get(), "person": person}


USE_CASES = {
    "make order": lambda a, w: order_services.make_order(
        a, person_id=w["person"].public_id, starts_on=dt.date(2026, 6, 1), conditions=[curfew()]
    ),
    "vary order": lambda a, w: order_services.vary_order(
        a, order_id=w["order"].public_id, version=1, reason="r", conditions=[curfew()]
    ),
    "end order": lambda a, w: order_services.end_order(a, order_id=w["order"].public_id, version=1, reason="r"),
    "fit device": lambda a, w: device_services.assign_device(
        a, device_id=w["spare"].public_id, order_id=w["order"].public_id
    ),
    "acknowledge alert": lambda a, w: alert_services.acknowledge_alert(a, alert_id=w["alert"].public_id),
    "read order": lambda a, w: queries.get_order(a, w["order"].public_id),
    "alert queue": lambda a, w: list(queries.alerts(a, order_id=w["order"].public_id)),
    "add device": lambda a, w: device_services.add_device(a, serial="NEW-1", kind="rf_tag"),
    "ingest fixes": lambda a, w: fix_services.ingest_fixes(a, rows=[row("TAG-1", NOW + dt.timedelta(minutes=1))]),
}

# who -> use cases that succeed; "404" ones are person-scoped and answer as missing
ALLOWED = {
    "mona": set(USE_CASES) - {"ingest fixes"},
    "frank": {"read order", "alert queue"},
    "alice": set(),
    "owen": {"add device"},
    "feed": {"ingest fixes"},
}
PERSON_SCOPED = set(USE_CASES) - {"add device", "ingest fixes"}


@pytest.mark.parametrize("who", sorted(ALLOWED))
@pytest.mark.parametrize("use_case", sorted(USE_CASES))
def test_permission_matrix(request, world, who, use_case):
    actor = actor_of(request.getfixturevalue(who))
    call = USE_CASES[use_case]
    if use_case in ALLOWED[who]:
        call(actor, world)
    elif who == "owen" and use_case in PERSON_SCOPED:
        with pytest.raises(NotFound):
            call(actor, world)
    else:
        with pytest.raises(PermissionDenied):
            call(actor, world)
