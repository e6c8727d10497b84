from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "oms.audit"
    label = "audit"
