"""``oms demo_logins``: print the demo accounts, their roles and the demo password (demo mode only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from oms.accounts.roles import SEED_ROLES
from oms.demo.models import DemoAccount
from oms.demo.services import DEMO_PASSWORD


class Command(BaseCommand):
    help = "List the demo staff accounts and explain how to log in with MFA (demo mode only)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo users exist only in demo mode (AUTH-5): set OMS_DEMO_MODE=1.")
        accounts = list(DemoAccount.objects.select_related("user__portal_account__person").order_by("role_code"))
        if not accounts:
            self.stdout.write("No demo accounts yet: run `OMS_DEMO_MODE=1 oms demo --people 2000`.")
            return
        width = max(len(a.user.username) for a in accounts)
        self.stdout.write("")
        self.stdout.write("Demo logins (synthetic data only) at http://127.0.0.1:8000/")
        self.stdout.write(f"  password for every demo account: {DEMO_PASSWORD}")
        self.stdout.write("")
        for account in accounts:
            role_name = SEED_ROLES.get(account.role_code, (account.role_code,))[0]
            portal = getattr(account.user, "portal_account", None)
            whose = f": {portal.person.given_name} {portal.person.family_name}'s own record" if portal else ""
            self.stdout.write(f"  {account.user.username.ljust(width)}  {role_name}{whose}")
        self.stdout.write("")
        self.stdout.write(
            "Every account enrols an authenticator (TOTP) at first login, like any real account: scan the\n"
            "QR code with an authenticator app and type the 6-digit code it shows. Without an app, run\n"
            "`OMS_DEMO_MODE=1 oms demo_code <username>` in another terminal: it prints the code the\n"
            "account's authenticator would show now, during enrolment and at every later login.\n"
            "Keep the recovery codes shown after enrolment if you want to try them."
        )
