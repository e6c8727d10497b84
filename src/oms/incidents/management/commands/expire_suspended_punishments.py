"""``oms expire_suspended_punishments``: mark suspended adjudication punishments whose suspension ended
without activation as expired (run daily; Prison Rules 1999 r.57). Runs as the system actor."""

from django.core.management.base import BaseCommand

from oms.core.actor import Actor
from oms.incidents.services import adjudications as services


class Command(BaseCommand):
    help = "Expire suspended punishments whose suspension has ended."

    def handle(self, *args, **options):
        count = services.expire_suspensions(Actor.system(channel="job"))
        self.stdout.write(f"{count} suspended punishment(s) expired")
