"""The actor of a CLI verb: the system actor by default, or ``--as <username>`` for a named user, whose
permissions and scope then apply exactly as on the pages and the API."""

from __future__ import annotations

from django.core.management.base import CommandError

from oms.accounts.models import User
from oms.accounts.queries import actor_for_user
from oms.core.actor import Actor


def cli_actor(as_user: str | None, *, name: str = "system") -> Actor:
    if not as_user:
        return Actor.system(channel="cli", name=name)
    user = User.objects.filter(username=as_user, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user called {as_user!r}.")
    return actor_for_user(user, channel="cli")
