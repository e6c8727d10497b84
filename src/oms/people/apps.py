from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "oms.people"
    label = "people"

    def ready(self):
        # The audit app sits below people and cannot import it: hand it the way from a system number
        # to a person id, so auditors can search the trail by the number they know.
        from oms.audit.queries import set_person_resolver
        from oms.people.queries import person_id_for_system_number

        set_person_resolver(person_id_for_system_number)
