from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "oms.accounts"
    label = "accounts"

    def ready(self) -> None:
        from oms.accounts.roles import sync_seed_roles

        # Reference data, not a business effect: keep the seeded roles' permission sets current.
        post_migrate.connect(sync_seed_roles, sender=self)
