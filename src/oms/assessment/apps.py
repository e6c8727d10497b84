from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "oms.assessment"
    label = "assessment"
    verbose_name = "Assessment"

    def ready(self) -> None:
        from oms.assessment import conformance

        # The published-case suites `oms conformance` runs (ogrs3).
        conformance.register_suites()

        # People sits below assessment: the profile shows an assessments panel and link this way.
        from oms.assessment.views.assessments import assessment_profile_links, assessments_panel
        from oms.people.queries import register_profile_links, register_profile_panel

        register_profile_panel(assessments_panel)
        register_profile_links(assessment_profile_links)

        # Sentencing is a sibling: a recorded sentence (a new conviction) brings reassessments due.
        from oms.assessment.services.triggers import SENTENCE_RECORDED_EVENT, reassess_on_new_conviction
        from oms.core.events import subscribe

        subscribe(SENTENCE_RECORDED_EVENT, reassess_on_new_conviction)
