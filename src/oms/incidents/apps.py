from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "oms.incidents"
    label = "incidents"
    verbose_name = "Incidents, discipline and emergencies"

    def ready(self) -> None:
        # Subscriptions, hooks and profile panels are registered here as the areas land.
        from oms.custody.services.movement_guards import register_movement_guard  # emergencies
        from oms.incidents.services.emergencies import refuse_blocked_movements  # emergencies

        register_movement_guard(refuse_blocked_movements)  # emergencies: a lockdown blocks movements

        from oms.incidents.views.adjudications import adjudication_profile_links  # adjudications
        from oms.people.queries import register_profile_links  # adjudications

        register_profile_links(adjudication_profile_links)  # adjudications: the person's charges
