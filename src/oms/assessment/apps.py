from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "oms.assessment"
    label = "assessment"
    verbose_name = "Assessment"
