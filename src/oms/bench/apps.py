from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "oms.bench"
    label = "bench"
