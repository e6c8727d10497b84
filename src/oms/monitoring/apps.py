from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "oms.monitoring"
    label = "monitoring"
    verbose_name = "Electronic monitoring"

    def ready(self) -> None:
        from oms.monitoring.views.manage_orders import monitoring_profile_links
        from oms.people.queries import register_profile_links

        # The person's record links to their monitoring orders (people may not import monitoring).
        register_profile_links(monitoring_profile_links)
