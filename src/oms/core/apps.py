from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "oms.core"
    label = "core"

    def ready(self) -> None:
        from oms.core import checks  # noqa: F401  registers the production-mode checks
