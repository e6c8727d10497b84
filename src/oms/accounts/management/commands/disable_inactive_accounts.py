"""``oms disable_inactive_accounts``: disable accounts unused for INACTIVE_ACCOUNT_DAYS and temporary
accounts past their expiry (AUTH-8). Run daily from cron, e.g. ``15 2 * * * oms disable_inactive_accounts``."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from oms.accounts import services
from oms.core.actor import Actor


class Command(BaseCommand):
    help = "Disable inactive and expired temporary accounts (run daily)."

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = services.disable_inactive_accounts(Actor.system(channel="cli", name="accounts.inactivity"))
        self.stdout.write(f"Disabled {counts['inactive']} inactive and {counts['expired']} expired temporary accounts.")
