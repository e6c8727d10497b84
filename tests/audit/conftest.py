from __future__ import annotations

import pytest

from oms.core import clock
from oms.web.step_up import SESSION_KEY
from tests.factories import login_verified


def stepped_up(client, user):
    """Logged in with both factors and re-authenticated just now (AUTH-6 step-up for audit access)."""
    login_verified(client, user)
    session = client.session
    session[SESSION_KEY] = clock.now().isoformat()
    session.save()
    return client


@pytest.fixture
def auditor_client(client, erin):
    return stepped_up(client, erin)
