"""``oms monitoring_purge_fixes [--days N]``: delete device fixes older than the retention period."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oms.core.actor import Actor
from oms.monitoring.services import fixes


class Command(BaseCommand):
    help = "Delete monitoring fixes older than the retention period (setting OMS_MONITORING FIX_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="keep this many days instead of the setting")

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        with transaction.atomic():
            deleted = fixes.purge_fixes(Actor.system(channel="cli", name="operator"), older_than_days=days)
        self.stdout.write(f"Deleted {deleted} fix{'es' if deleted != 1 else ''}.")
