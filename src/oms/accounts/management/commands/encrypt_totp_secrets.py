"""``oms encrypt_totp_secrets``: encrypt any TOTP secret still stored in plain hex (AUTH-4).

OMS itself always writes encrypted secrets; plain rows can only come from outside the accounts
services (django-otp's admin, a restored old backup, test fixtures). Safe to run repeatedly.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from oms.accounts import logon
from oms.audit.services import record_event
from oms.core.actor import Actor


class Command(BaseCommand):
    help = "Encrypt TOTP secrets still stored in plain text."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = logon.encrypt_plain_totp_secrets()
            if count:
                record_event(
                    Actor.system(channel="cli", name="operator"),
                    "accounts.totp_secrets_encrypted",
                    object_type="totp_device",
                    details={"devices": count},
                )
        self.stdout.write(f"Encrypted {count} TOTP secret(s).")
