from django.apps import AppConfig


class RehabilitationConfig(AppConfig):
    name = "oms.rehabilitation"
    label = "rehabilitation"
    verbose_name = "Rehabilitation"

    def ready(self) -> None:
        from oms.core.events import subscribe
        from oms.people.queries import register_profile_links, register_profile_panel
        from oms.rehabilitation.queries.progress import programming_days
        from oms.rehabilitation.services.incentives import (
            carry_level_on_transfer,
            move_reviews_on_merge,
            place_on_reception,
        )
        from oms.rehabilitation.services.plans import derive_goals_on_assessment_completed
        from oms.rehabilitation.views.attendance import progress_panel
        from oms.rehabilitation.views.incentives import incentive_panel
        from oms.rehabilitation.views.plans import plan_profile_links
        from oms.rehabilitation.views.programmes import programme_profile_links
        from oms.sentencing.services.facts import register_facts_provider

        # Apps below publish, rehabilitation subscribes by name (custody, people and assessment may
        # not import it).
        # Incentives: a person received is placed on the facility's default level; a transferred person
        # keeps their level where the new facility has it; one current review survives a person merge.
        subscribe("custody.person_received", place_on_reception)
        subscribe("custody.person_transferred", carry_level_on_transfer)
        subscribe("people.person_merged", move_reviews_on_merge)
        # Case plans: a completed criminogenic-needs assessment opens the plan and adds goals for its needs.
        subscribe("assessment.assessment_completed", derive_goals_on_assessment_completed)
        # Sentencing reads programming days (US First Step Act time credits) through its facts hook.
        register_facts_provider(programming_days)
        # The person's profile: rehabilitation progress and incentive level panels, plan and programme links.
        register_profile_panel(progress_panel)
        register_profile_panel(incentive_panel)
        register_profile_links(plan_profile_links)
        register_profile_links(programme_profile_links)
