from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "oms.demo"
    label = "demo"
