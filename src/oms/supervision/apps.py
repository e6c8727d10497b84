from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "oms.supervision"
    label = "supervision"
    verbose_name = "Community supervision"

    def ready(self) -> None:
        from oms.core.events import subscribe
        from oms.people.queries import register_profile_links
        from oms.supervision.services.cases import open_licence_case_on_release
        from oms.supervision.views.cases import supervision_profile_links

        # Custody publishes, supervision subscribes by name (custody may not import it): a release on
        # licence opens the licence case with a hand-over entry.
        subscribe("custody.person_released", open_licence_case_on_release)
        register_profile_links(supervision_profile_links)
