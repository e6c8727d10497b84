from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "oms.custody"
    label = "custody"
    verbose_name = "Custody"

    def ready(self) -> None:
        from oms.core.events import subscribe
        from oms.custody.services.non_associations import move_keep_aparts_on_merge

        # Keep-apart links survive a person merge (domain rules): move them to the survivor.
        subscribe("people.person_merged", move_keep_aparts_on_merge)
