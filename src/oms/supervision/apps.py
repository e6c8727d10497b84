from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "oms.supervision"
    label = "supervision"
    verbose_name = "Community supervision"

    def ready(self) -> None:
        from oms.core.events import subscribe
        from oms.people.queries import register_profile_links
        from oms.supervision.services.cases import open_licence_case_on_release
        from oms.supervision.services.monitoring_link import raise_violation_for_alert
        from oms.supervision.views.cases import supervision_profile_links

        # Custody publishes, supervision subscribes by name (custody may not import it): a release on
        # licence opens the licence case with a hand-over entry.
        subscribe("custody.person_released", open_licence_case_on_release)
        register_profile_links(supervision_profile_links)
        # Monitoring sits below supervision and publishes its alerts: one that matters raises a violation
        # on the person's open case (rules.monitoring says which kinds and how severe).
        subscribe("monitoring.alert_opened", raise_violation_for_alert)
