from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "oms.people"
    label = "people"
