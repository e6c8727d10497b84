from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "oms.facilities"
    label = "facilities"
