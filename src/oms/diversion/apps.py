from django.apps import AppConfig


class DiversionConfig(AppConfig):
    name = "oms.diversion"
    label = "diversion"
    verbose_name = "Diversion programmes"
