"""``oms create_admin <username>``: the first administrator (AUTH-5). There are no default accounts;
the one-time password printed here must be changed, and an authenticator enrolled, at first logon."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.accounts import services
from oms.core.actor import Actor
from oms.core.errors import DomainError


class Command(BaseCommand):
    help = "Create the first administrator (national scope) and print a one-time password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--another", action="store_true", help="Create one even though an administrator already exists."
        )

    def handle(self, *args, username, another, **options):
        try:
            with transaction.atomic():
                created = services.create_first_administrator(
                    Actor.system(channel="cli", name="operator"), username=username, allow_more=another
                )
        except DomainError as exc:
            raise CommandError(exc.detail)
        self.stdout.write(f"Created administrator {created.user.username}.")
        self.stdout.write(f"One-time password (shown once): {created.one_time_password}")
        self.stdout.write("They must change it and set up an authenticator app when they first sign in.")
