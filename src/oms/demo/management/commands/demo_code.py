"""``oms demo_code <username>``: the current TOTP code of a demo account (demo mode only), so a
reviewer without an authenticator app can enrol and log in."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from oms.accounts.logon import confirmed_device, pending_device
from oms.demo.models import DemoAccount


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo account (demo mode only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo codes exist only in demo mode (AUTH-5): set OMS_DEMO_MODE=1.")
        account = DemoAccount.objects.select_related("user").filter(user__username=options["username"]).first()
        if account is None:
            # Real accounts are never answered, so this cannot become a second factor bypass.
            raise CommandError(f"{options['username']!r} is not a demo account (see `oms demo_logins`).")
        device = confirmed_device(account.user)
        state = "authenticator"
        if device is None:
            device = pending_device(account.user)
            state = "enrolment in progress"
        if device is None:
            raise CommandError(
                f"{account.user.username} has no authenticator yet: log in with the demo password first; the"
                " enrolment page then creates one, and this command prints its code."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        remaining = device.step - (int(totp.time) - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"({state}; valid for about {remaining} s more, and only once)")
