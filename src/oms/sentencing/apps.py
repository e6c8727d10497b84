from django.apps import AppConfig


class SentencingConfig(AppConfig):
    name = "oms.sentencing"
    label = "sentencing"
    verbose_name = "Sentencing and release dates"

    def ready(self) -> None:
        from oms.core.events import subscribe
        from oms.people.queries import register_profile_links, register_profile_panel
        from oms.sentencing import conformance
        from oms.sentencing.services.calculations import (
            recalculate_on_birth_date_change,
            recalculate_when_the_facility_changes,
        )
        from oms.sentencing.services.merge import move_release_dates_on_merge
        from oms.sentencing.views.calculations import key_dates_panel
        from oms.sentencing.views.records import sentencing_profile_links

        # The published-case suites `oms conformance` runs.
        conformance.register_suites()
        # People sits below sentencing: the person's profile shows key dates and links here this way.
        register_profile_panel(key_dates_panel)
        register_profile_links(sentencing_profile_links)
        # One latest calculation and one active override per date type survive a person merge.
        subscribe("people.person_merged", move_release_dates_on_merge)
        # A corrected date of birth can change the rules that apply (under 18 at release).
        subscribe("people.person_updated", recalculate_on_birth_date_change)
        # A person received or transferred into a facility with another profile is recalculated under it
        # (custody's events, subscribed by name: custody sits above sentencing).
        subscribe("custody.person_received", recalculate_when_the_facility_changes)
        subscribe("custody.person_transferred", recalculate_when_the_facility_changes)
