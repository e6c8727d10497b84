from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "oms.monitoring"
    label = "monitoring"
    verbose_name = "Electronic monitoring"
