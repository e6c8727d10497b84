"""``oms incentive_levels SITE_CODE [--defaults] [--list]``: install OMS's example basic, standard and
enhanced levels at a facility that has none (``--defaults``), and list its levels with what each allows
(``--list``, also the default when no option is given).

Runs as the system actor on channel ``cli`` (or ``--as <username>``, whose permissions and scope then
apply), through the same service and query as the pages and the API; the installation is audited.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.accounts.models import User
from oms.accounts.queries import actor_for_user
from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.facilities.models import Site
from oms.rehabilitation.queries import incentives as queries
from oms.rehabilitation.services import incentives as services


def _actor(as_user: str | None) -> Actor:
    if not as_user:
        return Actor.system(channel="cli")
    user = User.objects.filter(username=as_user, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user called {as_user!r}.")
    return actor_for_user(user, channel="cli")


class Command(BaseCommand):
    help = "Install the example incentive levels at a facility (--defaults) and list its levels (--list)."

    def add_arguments(self, parser):
        parser.add_argument("site_code", help="the facility's code, e.g. PRA")
        parser.add_argument("--defaults", action="store_true", help="install basic, standard and enhanced")
        parser.add_argument("--list", dest="list_levels", action="store_true", help="list the levels (the default)")
        parser.add_argument("--as", dest="as_user", help="run as this user (their permissions and scope)")

    def handle(self, *args, site_code: str, defaults: bool, list_levels: bool, as_user: str | None, **options):
        actor = _actor(as_user)
        site = Site.objects.filter(code=site_code.strip().upper()).first()
        if site is None:
            raise CommandError(f"No facility with code {site_code!r}.")
        try:
            with transaction.atomic():
                if defaults:
                    made = services.install_default_levels(actor, site_id=site.public_id)
                    if made:
                        self.stdout.write(f"Installed {len(made)} levels at {site.name}.")
                    else:
                        self.stdout.write(f"{site.name} already has incentive levels: nothing installed.")
                if list_levels or not defaults:
                    _, levels = queries.levels_of(actor, site.public_id)
                    self._print(site, levels)
        except DomainError as error:
            raise CommandError(error.detail) from error

    def _print(self, site, levels) -> None:
        if not levels:
            self.stdout.write(f"{site.name} has no incentive levels.")
            return
        self.stdout.write(f"Incentive levels at {site.name} ({site.code}), lowest first:")
        for level in levels:
            flags = [name for name, on in (("basic", level.is_basic), ("default", level.is_default)) if on]
            if not level.active:
                flags.append("not in use")
            self.stdout.write(
                f"  {level.rank:>3}  {level.code:<12} {level.name:<20} {queries.levels_summary(level)}"
                + (f"  [{', '.join(flags)}]" if flags else "")
            )
