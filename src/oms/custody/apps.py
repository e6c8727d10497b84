from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "oms.custody"
    label = "custody"
    verbose_name = "Custody"
