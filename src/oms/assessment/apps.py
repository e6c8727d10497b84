from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "oms.assessment"
    label = "assessment"
    verbose_name = "Assessment"

    def ready(self) -> None:
        from oms.assessment import conformance

        # The published-case suites `oms conformance` runs (ogrs3).
        conformance.register_suites()
