from django.apps import AppConfig


class SentencingConfig(AppConfig):
    name = "oms.sentencing"
    label = "sentencing"
    verbose_name = "Sentencing and release dates"
