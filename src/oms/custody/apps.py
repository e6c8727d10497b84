from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "oms.custody"
    label = "custody"
    verbose_name = "Custody"

    def ready(self) -> None:
        from oms.core.events import subscribe
        from oms.custody.queries.episodes import occupants_under
        from oms.custody.services.classification import apply_classification
        from oms.custody.services.non_associations import move_keep_aparts_on_merge
        from oms.custody.services.recalls import record_recall_from_supervision
        from oms.custody.services.release_dates import update_release_date, update_release_dates_in_bulk
        from oms.custody.views.profile_links import custody_profile_links
        from oms.facilities.queries import set_occupancy_counter
        from oms.people.queries import register_profile_links

        # Keep-apart links survive a person merge (domain rules): move them to the survivor.
        subscribe("people.person_merged", move_keep_aparts_on_merge)
        # Facilities sits below custody: hand it the way to count who sleeps in a place, so an
        # occupied cell or bed cannot be deactivated.
        set_occupancy_counter(occupants_under)
        # People sits below custody too: the person's profile links to their custody record this way.
        register_profile_links(custody_profile_links)
        # Sentencing sits below custody: the open episode's release date follows its key dates.
        for name in (
            "sentencing.release_dates_calculated",
            "sentencing.release_date_overridden",
            "sentencing.date_override_withdrawn",
        ):
            subscribe(name, update_release_date)
        subscribe("sentencing.release_dates_calculated_in_bulk", update_release_dates_in_bulk)
        # Assessment sits below custody: a completed custody classification sets the security level.
        subscribe("assessment.assessment_completed", apply_classification)
        subscribe("assessment.assessment_overridden", apply_classification)
        # Supervision sits above custody: a breach ending in recall on a licence tells custody by name, and
        # custody records the recall so reception expects the person back.
        subscribe("supervision.recall_issued", record_recall_from_supervision)
