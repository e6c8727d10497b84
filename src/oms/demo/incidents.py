"""Demo incidents, loaded after custody and sentencing: about fifty incident reports over the last six
months at the demo prisons (fights, assaults, self-harm, contraband finds, use of force, a drone
sighting) in every state from draft to closed, with the people involved; disciplinary charges from some
of them with hearings and punishments (additional days that reach the person's sentence calculation, a
suspended punishment, an adjournment, a dismissal, a hearing still to come and a first-hearing deadline
already missed); and one lockdown, stood down after a completed roll, with its after-action review.

Everything goes through the incidents services, so the records, timelines and audit events are real.
The history is played in time order with the clock frozen at each step (``clock.freeze``), so a report
from March was created, submitted and closed in March and a charge's first-hearing deadline is counted
from when it was laid; only the independent adjudicator's hearing, whose additional days recalculate the
sentence, is recorded at the real time (held an hour or two before). One ``demo.incidents_loaded`` event
at the real time says the history was loaded.

Reports, reviews and hearings need named staff, so the operator's system actor acts as a few demo users
(``demo.incidents.*``: no password, no roles, cannot sign in), as the other demo loaders do. Loading
again adds nothing: a prison that already has incident reports is left alone. Synthetic text only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings

from oms.accounts.models import User
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.custody.models import CustodyEpisode
from oms.facilities.models import Location, Site
from oms.incidents import offence_paragraphs
from oms.incidents.models import Hearing, Incident, IncidentType, OffenceParagraph
from oms.incidents.rules.punishments import add_months
from oms.incidents.services import adjudications, emergencies, emergency_roll, reports
from oms.incidents.services import types as incident_types
from oms.incidents.services.types import latest_active_type
from oms.people.models import Person
from oms.sentencing.models import Sentence

MAIN_PRISON = "HMP-LKM"  # where the demo staff accounts work: the adjudications and the lockdown are here
MIN_PEOPLE = 8  # a prison with fewer people in custody gets no incidents
STORY_PEOPLE = 8  # distinct people the scripted stories at the main prison need
FILLER = {MAIN_PRISON: 14}  # other prisons: DEFAULT_FILLER
DEFAULT_FILLER = 7
FILLER_TYPES = ["fight"] * 3 + ["assault"] * 2 + ["self_harm"] * 2 + ["contraband_find"] * 3 + ["use_of_force"] * 2

# (username, surname shown on the pages)
STAFF = {
    "officer": ("demo.incidents.officer", "Wing officer"),
    "night": ("demo.incidents.night_officer", "Night officer"),
    "security": ("demo.incidents.security", "Security officer"),
    "supervisor": ("demo.incidents.supervisor", "Custodial manager"),
    "governor": ("demo.incidents.governor", "Duty governor"),
    "independent": ("demo.incidents.independent_adjudicator", "Independent adjudicator"),
}

FIGHTS = [
    "Two men started fighting on the landing at unlock. Staff called for assistance and separated them.",
    "A fight broke out in the servery queue after an argument about portions. Staff intervened at once.",
    "Fight in the workshop after a dispute over tools. Both stopped when told to by staff.",
    "A fight started during association over a debt. Staff separated the men and locked the landing.",
]
ASSAULTS = [
    "A man was punched from behind while queueing for medication. The attacker walked away.",
    "A man was struck with a flask of hot water in the association room.",
    "A man was kicked and punched by his cell mate after an argument about the television.",
]
ASSAULTS_ON_STAFF = [
    "During a cell search the occupant pushed an officer into the door frame and punched him.",
    "A man refused to return to his cell and struck an officer on the arm.",
]
INJURIES = [
    "Cut above the left eye.",
    "Swollen lip and bruising to the cheek.",
    "Bruising to the ribs.",
    "Bloody nose.",
]
# (method, what happened, the injury)
SELF_HARM = [
    ("cutting", "Found with cuts to the forearm during a routine check. First aid given in the cell.",
     "Superficial cuts to the left forearm."),
    ("ligature", "Tied a ligature made from a bed sheet; removed by staff on an observation check.",
     "Red marks to the neck; no lasting injury."),
    ("head_banging", "Banged his head against the cell wall repeatedly after a phone call with family.",
     "Bruising to the forehead."),
]  # fmt: skip
# (items, drug kind, how found, what was found, where)
CONTRABAND = [
    (["phone", "sim_card"], "", "cell_search",
     "Mobile phone and SIM card found hidden in a hollowed-out book during a routine cell search.", "landing"),
    (["drugs"], "spice", "rub_down",
     "Paper soaked in a suspected synthetic cannabinoid found on a rub-down search after a social visit.", "VIS"),
    (["alcohol"], "", "cell_search",
     "About two litres of home-made alcohol found in a bin bag behind the cell toilet.", "landing"),
    (["weapon"], "", "cell_search", "A sharpened toothbrush handle found taped under the bed frame.", "landing"),
    (["drugs"], "cannabis", "dog",
     "The search dog indicated on a cell; a small amount of herbal cannabis was found in a sock.", "landing"),
]  # fmt: skip
# (what happened, techniques, restraints, where)
FORCE = [
    ("Guiding holds used to escort a man to the segregation unit after he refused a direct order.",
     ["escort_hold", "guiding_hold"], [], "SEG"),
    ("Force used to relocate a man who refused to leave the servery and threatened staff.",
     ["guiding_hold", "wrist_flexion"], ["handcuffs"], "landing"),
    ("Ground restraint used to stop a man hitting another; he was handcuffed and walked to his cell.",
     ["escort_hold", "ground_restraint"], ["handcuffs"], "landing"),
]  # fmt: skip
JUSTIFICATIONS = [
    "He refused repeated instructions and was a danger to staff and other prisoners; de-escalation failed.",
    "Necessary to stop an assault in progress; the least force needed was used and relaxed as soon as he complied.",
]
FINDINGS = [
    "CCTV and staff statements agree with the report. The cause was a personal dispute on the wing.",
    "Evidence supports the account given. No failings in staff practice were found.",
    "The item came in through the visits hall. Visits searching procedures to be reinforced.",
]
CLOSING_NOTES = [
    "Reviewed; no further action beyond the adjudication.",
    "Reviewed with the wing manager. Safety plan updated; closed.",
    "Reviewed. Security information report submitted; closed.",
    "Reviewed against CCTV; account accepted; closed.",
]


@dataclass
class IncidentsReport:
    types: int = 0  # incident type versions added
    paragraphs: int = 0  # offence paragraph versions added
    sites: int = 0
    incidents: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    involvements: int = 0
    charges: int = 0
    hearings: int = 0
    punishments: int = 0
    additional_days: int = 0
    emergencies: int = 0
    roll_marks: int = 0


class _History:
    """Steps of the demo's history run in time order, the clock frozen at each step's moment; steps
    given no moment run last, at the real time."""

    def __init__(self) -> None:
        self._steps: list[tuple[dt.datetime, int, Callable[[], None]]] = []
        self._now: list[Callable[[], None]] = []

    def at(self, when: dt.datetime, step: Callable[..., None], *args, **kwargs) -> None:
        self._steps.append((when, len(self._steps), functools.partial(step, *args, **kwargs)))

    def at_real_time(self, step: Callable[..., None], *args, **kwargs) -> None:
        self._now.append(functools.partial(step, *args, **kwargs))

    def run(self) -> None:
        for when, _, step in sorted(self._steps, key=lambda s: (s[0], s[1])):
            with clock.freeze(when):
                step()
        for step in self._now:
            step()


@dataclass
class _Involved:
    role: str
    person: Person | None = None
    staff: str = ""  # a demo staff key
    injured: str = ""  # the injury, when injured
    hospital: bool = False
    details: str = ""


@dataclass
class _Story:
    """One incident report and how far it got."""

    site: Site
    type_code: str
    occurred_at: dt.datetime
    status: str
    reporter: str  # a demo staff key
    description: str
    answers: dict
    involved: list[_Involved]
    location: Location | None = None
    force: dict | None = None
    correction: tuple[str, str] | None = None  # (what the reviewer asks, the reporter's addendum)
    incident: Incident | None = None


@dataclass
class _Prison:
    site: Site
    episodes: list[CustodyEpisode]  # people on the wings (not in reception, not out)
    locations: dict[str, list[Location]]  # landings under "landing", the rest by key ("A-1", "VIS", ...)

    def people(self, rng: random.Random, count: int, before: dt.datetime, exclude=frozenset()) -> list[Person]:
        """``count`` different people who were already here a day before ``before`` (anyone, if too few)."""
        pool = [e for e in self.episodes if e.person_id not in exclude]
        settled = [e for e in pool if e.received_at < before - dt.timedelta(days=1)]
        return [e.person for e in rng.sample(settled if len(settled) >= count else pool, count)]

    def place(self, rng: random.Random, *groups: str) -> Location | None:
        choices = [location for group in groups for location in self.locations.get(group, [])]
        return rng.choice(choices) if choices else None


@dataclass
class _Loader:
    actors: dict[str, Actor]
    rng: random.Random
    now: dt.datetime
    report: IncidentsReport
    history: _History = field(default_factory=_History)
    stories: list[_Story] = field(default_factory=list)

    # --- times ---------------------------------------------------------------------------------------

    def local(self, days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
        """``hour:minute`` local time ``days_ago`` days back, never later than ten minutes ago."""
        zone = ZoneInfo(settings.TIME_ZONE)
        day = self.now.astimezone(zone).date() - dt.timedelta(days=days_ago)
        when = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)
        return min(when, self.now - dt.timedelta(minutes=10 + self.rng.randint(0, 50)))

    def spread(self, start: dt.datetime, gaps_hours: list[float]) -> list[dt.datetime]:
        """Moments after ``start`` with these nominal gaps, squeezed to end before now when they would not."""
        room = (self.now - dt.timedelta(minutes=2) - start).total_seconds() / 3600
        total = sum(gaps_hours)
        scale = min(1.0, room / total) if total else 1.0
        moments, at = [], start
        for gap in gaps_hours:
            at = at + dt.timedelta(hours=max(gap * scale, 1 / 60))
            moments.append(at)
        return moments

    # --- incident reports ----------------------------------------------------------------------------

    def tell(self, story: _Story) -> None:
        """Schedule the story's steps: write (and involve people), submit, review, investigate, close."""
        gaps = {
            "draft": [0.5],
            "submitted": [0.5, 2],
            "under_review": [0.5, 2, 20],
            "investigation": [0.5, 2, 20, 2, 24 * 6],
            "closed": [0.5, 2, 20, 24 * 3],
        }[story.status]
        if story.status == "closed" and (self.now - story.occurred_at).days >= 20 and self.rng.random() < 0.3:
            gaps = [0.5, 2, 20, 2, 24 * 8, 24 * 2]  # closed after an investigation
        moments = self.spread(story.occurred_at, gaps)
        self.history.at(moments[0], self._write, story)
        if len(moments) > 1:
            self.history.at(moments[1], self._submit, story)
        if len(moments) > 2:
            self.history.at(moments[2], self._call, reports.start_review, "supervisor", story)
        if story.correction and len(moments) > 2:
            asked, answered = story.correction
            self.history.at(moments[2] + dt.timedelta(minutes=30), self._correct, story, asked, answered)
        if len(moments) > 3:
            if len(moments) > 4:
                self.history.at(moments[3], self._call, reports.start_investigation, "supervisor", story)
                self.history.at(moments[4], self._findings, story)
            if story.status == "closed":
                self.history.at(moments[-1], self._close, story)
        self.stories.append(story)
        self.report.incidents += 1
        self.report.involvements += len(story.involved)

    def _write(self, story: _Story) -> None:
        actor = self.actors[story.reporter]
        incident = reports.create_report(
            actor,
            type_code=story.type_code,
            facility_id=story.site.public_id,
            occurred_at=story.occurred_at,
            description=story.description,
            location_id=story.location.public_id if story.location else None,
            answers=story.answers,
        )
        for who in story.involved:
            reports.add_involvement(
                actor,
                incident_id=incident.public_id,
                role=who.role,
                person_id=who.person.public_id if who.person else None,
                staff_username=STAFF[who.staff][0] if who.staff else "",
                injured=bool(who.injured),
                injury_details=who.injured,
                taken_to_hospital=who.hospital,
                details=who.details,
            )
        if story.force:
            reports.record_use_of_force(
                actor, incident_id=incident.public_id, medical_check_at=clock.now(), **story.force
            )
        story.incident = incident

    def _submit(self, story: _Story) -> None:
        story.incident.refresh_from_db()
        reports.submit_report(
            self.actors[story.reporter], incident_id=story.incident.public_id, version=story.incident.version
        )

    def _call(self, service, staff: str, story: _Story, **kwargs) -> None:
        service(self.actors[staff], incident_id=story.incident.public_id, **kwargs)

    def _correct(self, story: _Story, asked: str, answered: str) -> None:
        request = reports.request_correction(
            self.actors["supervisor"], incident_id=story.incident.public_id, text=asked
        )
        with clock.freeze(clock.now() + dt.timedelta(hours=3)):
            reports.add_addendum(
                self.actors[story.reporter],
                incident_id=story.incident.public_id,
                text=answered,
                correction_request_id=request.public_id,
            )

    def _findings(self, story: _Story) -> None:
        self._call(reports.record_findings, "supervisor", story, findings=self.rng.choice(FINDINGS))

    def _close(self, story: _Story) -> None:
        self._call(reports.close_incident, "supervisor", story, closing_note=self.rng.choice(CLOSING_NOTES))

    # --- adjudications -------------------------------------------------------------------------------

    def charge(
        self, story: _Story, person: Person, paragraph: str, particulars: str, *, laid_at: dt.datetime, hearings=()
    ) -> None:
        """Lay a charge from the story's incident at ``laid_at``, then schedule and hold ``hearings`` in
        turn: each a dict with ``scheduled_for``, optionally ``kind`` (governor or independent),
        ``held=False`` for one still to come, ``real_time=True`` to hold it at the real time, and the
        rest passed to ``hold_hearing``."""
        state: dict = {}
        self.history.at(laid_at, self._lay, state, story, person, paragraph, particulars)
        last = laid_at
        for plan in hearings:
            plan = dict(plan)
            scheduled_for = plan.pop("scheduled_for")
            kind = plan.pop("kind", Hearing.Adjudicator.GOVERNOR)
            self.history.at(last + dt.timedelta(minutes=20), self._schedule, state, scheduled_for, kind)
            self.report.hearings += 1
            if not plan.pop("held", True):
                break
            held_at = scheduled_for + dt.timedelta(minutes=15)
            holder = "independent" if kind == Hearing.Adjudicator.INDEPENDENT else "governor"
            if plan.pop("real_time", False):
                self.history.at_real_time(self._hold, state, holder, held_at=held_at, **plan)
            else:
                self.history.at(held_at, self._hold, state, holder, **plan)
            awards = plan.get("punishments", ())
            self.report.punishments += len(awards)
            self.report.additional_days += sum(a["days"] for a in awards if a["kind"] == "additional_days")
            self.report.hearings += plan.get("next_hearing_at") is not None
            last = held_at
        self.report.charges += 1

    def _lay(self, state: dict, story: _Story, person: Person, paragraph: str, particulars: str) -> None:
        state["charge"] = adjudications.lay_charge(
            self.actors["officer"],
            person_id=person.public_id,
            paragraph=paragraph,
            offence_at=story.occurred_at,
            particulars=particulars,
            incident_id=story.incident.public_id,
        )

    def _schedule(self, state: dict, scheduled_for: dt.datetime, kind: str) -> None:
        state["hearing"] = adjudications.schedule_hearing(
            self.actors["governor"],
            charge_id=state["charge"].public_id,
            scheduled_for=scheduled_for,
            adjudicator_kind=kind,
        )

    def _hold(self, state: dict, holder: str, **kwargs) -> None:
        adjudications.hold_hearing(self.actors[holder], hearing_id=state["hearing"].public_id, **kwargs)

    # --- the lockdown --------------------------------------------------------------------------------

    def lockdown(self, site: Site, drone: _Story) -> None:
        """A drone drops a package into a wing's exercise yard: the wing is locked down, a roll is taken
        (one man missing, then found at healthcare), the package is found and the lockdown stood down;
        the after-action review follows the next day and the drone report is linked to it."""
        wing = Location.objects.filter(site=site, key="A-1").first()
        state: dict = {}
        t0 = drone.occurred_at
        self.history.at(t0 + dt.timedelta(minutes=5), self._declare, state, site, wing)
        self.history.at(
            t0 + dt.timedelta(minutes=8),
            self._emergency_call,
            state,
            emergencies.add_log_entry,
            "officer",
            text="Package seen landing by the exercise yard fence; dog handler called to search the yard.",
        )
        self.history.at(t0 + dt.timedelta(minutes=10), self._start_roll, state)
        self.history.at(t0 + dt.timedelta(minutes=14), self._mark_roll, state)
        self.history.at(
            t0 + dt.timedelta(minutes=80),
            self._emergency_call,
            state,
            emergencies.stand_down,
            "governor",
            note="Package recovered in the yard (a phone and suspected drugs). Roll correct; normal regime resumed.",
        )
        self.history.at(
            t0 + dt.timedelta(days=1, hours=3),
            self._emergency_call,
            state,
            emergencies.record_review,
            "governor",
            text=(
                "What happened: a drone dropped a package into the A wing exercise yard at association. "
                "What went well: the wing was locked down within five minutes and the roll was complete in "
                "under an hour; the dog handler found the package quickly. What to improve: one man at a "
                "healthcare appointment was not shown on the wing's movement sheet, so he was reported "
                "missing for twenty minutes. Actions: healthcare appointments to be added to the movement "
                "sheet; netting over the yard fence to be repaired."
            ),
        )
        self.history.at(
            t0 + dt.timedelta(days=1, hours=3, minutes=5),
            self._emergency_call,
            state,
            emergencies.link_incident_to_emergency,
            "governor",
            story=drone,
        )
        self.report.emergencies += 1

    def _declare(self, state: dict, site: Site, wing: Location | None) -> None:
        state["emergency"] = emergencies.declare_emergency(
            self.actors["governor"],
            facility_id=site.public_id,
            kind="lockdown",
            instructions=(
                "Lock down A wing: everyone behind their door, no movement off the wing, roll check now. "
                "Dog handler to search the exercise yard."
            ),
            location_ids=[wing.public_id] if wing else [],
        )

    def _emergency_call(self, state: dict, service, staff: str, story: _Story | None = None, **kwargs) -> None:
        if story is not None:
            kwargs["incident_id"] = story.incident.public_id
        service(self.actors[staff], emergency_id=state["emergency"].public_id, **kwargs)

    def _start_roll(self, state: dict) -> None:
        state["roll"] = emergency_roll.start_roll(self.actors["officer"], emergency_id=state["emergency"].public_id)

    def _mark_roll(self, state: dict) -> None:
        """Everyone accounted for, a few seconds apart; the first on the list is missing until found."""
        roll = state["roll"]
        entries = list(roll.entries.select_related("person").order_by("expected_where", "pk"))
        marker = self.actors["officer"]
        gap = dt.timedelta(minutes=50) / max(len(entries), 150)  # about 20 seconds a mark, under an hour
        for n, entry in enumerate(entries):
            mark = "missing" if n == 0 else "accounted"
            emergency_roll.mark_person(marker, roll_id=roll.public_id, person_id=entry.person.public_id, mark=mark)
            self.report.roll_marks += 1
            clock.advance(gap)
        if entries:
            clock.advance(dt.timedelta(minutes=10))
            emergency_roll.mark_person(
                marker,
                roll_id=roll.public_id,
                person_id=entries[0].person.public_id,
                mark="found",
                found_at="Healthcare centre (appointment not on the movement sheet)",
            )
            self.report.roll_marks += 1

    # --- stories -------------------------------------------------------------------------------------

    def fight(self, prison: _Prison, when: dt.datetime, status: str, fighters: list[Person] | None = None) -> _Story:
        rng = self.rng
        fighters = fighters or prison.people(rng, rng.choice((2, 2, 2, 3)), when)
        weapon, injured = rng.random() < 0.15, rng.random() < 0.4
        answers = {"weapon_used": _yes(weapon), "injuries": _yes(injured), "number_involved": len(fighters)}
        involved = [_Involved("perpetrator", p) for p in fighters]
        if weapon:
            answers["weapon_kind"] = "improvised"
        if injured:
            answers["injury_severity"] = "serious" if rng.random() < 0.1 else "minor"
            involved[-1].injured = rng.choice(INJURIES)
        involved.append(_Involved("witness", staff="officer", details="Called for assistance and separated them."))
        text = rng.choice(FIGHTS) + (
            " An improvised weapon (a sock holding batteries) was recovered." if weapon else ""
        )
        place = prison.place(rng, "landing", "landing", "WKS", "EDU")
        return _Story(prison.site, "fight", when, status, "officer", text, answers, involved, place)

    def assault(
        self, prison: _Prison, when: dt.datetime, status: str, *, perpetrator: Person | None = None, on_staff=None
    ) -> _Story:
        rng = self.rng
        on_staff = rng.random() < 0.25 if on_staff is None else on_staff
        perpetrator = perpetrator or prison.people(rng, 1, when)[0]
        answers = {
            "weapon_used": "no",
            "injuries": "yes",
            "injury_severity": rng.choice(("minor", "minor", "minor", "serious")),
            "assault_kind": "prisoner_on_staff" if on_staff else "prisoner_on_prisoner",
            "sexual": "no",
        }
        involved = [_Involved("perpetrator", perpetrator)]
        if on_staff:
            text = rng.choice(ASSAULTS_ON_STAFF)
            involved.append(_Involved("victim", staff="officer", injured="Bruising to the shoulder and upper arm."))
        else:
            text = rng.choice(ASSAULTS)
            victim = prison.people(rng, 1, when, exclude={perpetrator.pk})[0]
            serious = answers["injury_severity"] == "serious"
            involved.append(
                _Involved(
                    "victim", victim, injured=rng.choice(INJURIES), hospital=serious, details="Seen by healthcare."
                )
            )
        return _Story(
            prison.site, "assault", when, status, "officer", text, answers, involved, prison.place(rng, "landing")
        )

    def self_harm(self, prison: _Prison, when: dt.datetime, status: str) -> _Story:
        rng = self.rng
        method, text, injury = rng.choice(SELF_HARM)
        hospital = rng.random() < 0.2
        person = prison.people(rng, 1, when)[0]
        answers = {"method": method, "acct_opened": "yes", "hospital": _yes(hospital)}
        involved = [
            _Involved("other", person, injured=injury, hospital=hospital, details="The man who harmed himself."),
            _Involved("staff", staff="night", details="Found him and gave first aid."),
        ]
        return _Story(
            prison.site, "self_harm", when, status, "night", text, answers, involved, prison.place(rng, "landing")
        )

    def contraband(self, prison: _Prison, when: dt.datetime, status: str, variant: int | None = None) -> _Story:
        rng = self.rng
        items, drug, how, text, where = CONTRABAND[rng.randrange(len(CONTRABAND)) if variant is None else variant]
        answers = {"items": items, "found_how": how, "police_referral": _yes("drugs" in items or "weapon" in items)}
        if drug:
            answers["drug_kind"] = drug
        person = prison.people(rng, 1, when)[0]
        involved = [_Involved("perpetrator", person, details="Searched; the item was his.")]
        return _Story(
            prison.site, "contraband_find", when, status, "security", text, answers, involved, prison.place(rng, where)
        )

    def use_of_force(self, prison: _Prison, when: dt.datetime, status: str, person: Person | None = None) -> _Story:
        rng = self.rng
        text, techniques, restraints, where = rng.choice(FORCE)
        planned, video = rng.random() < 0.1, rng.random() < 0.8
        answers = {"planned": _yes(planned), "body_worn_video": _yes(video)}
        if video:
            answers["video_reference"] = f"BWV-{rng.randint(100000, 999999)}"
        person = person or prison.people(rng, 1, when)[0]
        involved = [
            _Involved("perpetrator", person, details="Force was used on him."),
            _Involved("staff", staff="officer", details="Applied the holds."),
            _Involved("staff", staff="night", details="Took the legs and recorded the times."),
        ]
        force = {
            "techniques": techniques,
            "restraints": restraints,
            "justification": rng.choice(JUSTIFICATIONS),
            "planned": planned,
            "injuries": rng.choice(("None seen.", "None seen.", "Graze to the right wrist from the handcuffs.")),
            "medical_check_done": True,
        }
        story = _Story(prison.site, "use_of_force", when, status, "officer", text, answers, involved)
        story.location, story.force = prison.place(rng, where), force
        return story

    def drone(self, prison: _Prison, when: dt.datetime, status: str) -> _Story:
        answers = {"recovered": "yes", "payload": ["drugs", "phone"], "police_informed": "yes"}
        involved = [_Involved("witness", staff="officer", details="Saw the drone over the yard fence.")]
        text = (
            "A drone was seen over the A wing exercise yard fence during afternoon association and dropped a "
            "package into the yard. The wing was locked down and the yard searched; the package held a phone "
            "and suspected drugs."
        )
        return _Story(
            prison.site,
            "drone_sighting",
            when,
            status,
            "security",
            text,
            answers,
            involved,
            prison.place(self.rng, "A-1"),
        )

    # --- what happens where --------------------------------------------------------------------------

    def main_prison(self, prison: _Prison, sentenced: Person | None) -> None:
        """The scripted stories: charges in every state the adjudicator's lists show, and the lockdown."""
        rng, hour = self.rng, dt.timedelta(hours=1)
        cast = prison.people(rng, 7, self.now - dt.timedelta(days=45), exclude={sentenced.pk} if sentenced else set())

        if sentenced is not None:  # an assault on staff: referred, then additional days
            story = self.assault(prison, self.local(40, 11, 20), "closed", perpetrator=sentenced, on_staff=True)
            self.tell(story)
            laid = story.occurred_at + 3 * hour
            self.charge(
                story,
                sentenced,
                "1",
                "Struck an officer on the shoulder with a closed fist during a cell search.",
                laid_at=laid,
                hearings=[
                    {
                        "scheduled_for": laid + 20 * hour,
                        "plea": "not_guilty",
                        "outcome": "referred_independent",
                        "notes": "Serious assault on a member of staff: referred to the independent adjudicator.",
                    },
                    {
                        "scheduled_for": self.now - 2 * hour,
                        "kind": Hearing.Adjudicator.INDEPENDENT,
                        "real_time": True,
                        "plea": "guilty",
                        "outcome": "proved",
                        "notes": "Pleaded guilty by video link.",
                        "punishments": [{"kind": "additional_days", "days": 14}],
                    },
                ],
            )

        # A fight, force used to end it; one fighter proved (loss of gym and a suspended loss of TV), one dismissed.
        fight = self.fight(prison, self.local(26, 18, 5), "closed", fighters=cast[:2])
        force = self.use_of_force(prison, fight.occurred_at + dt.timedelta(minutes=5), "closed", person=cast[0])
        force.description = (
            "Force used to separate two men fighting on the landing; the one who would not stop was restrained."
        )
        self.tell(fight)
        self.tell(force)
        laid = fight.occurred_at + 4 * hour
        held_on = timezone_date(laid + 20 * hour)
        self.charge(
            fight,
            cast[0],
            "4",
            "Fought with another prisoner on the landing at evening association.",
            laid_at=laid,
            hearings=[
                {
                    "scheduled_for": laid + 20 * hour,
                    "plea": "guilty",
                    "outcome": "proved",
                    "punishments": [
                        {"kind": "loss_of_privileges", "days": 7, "privilege": "Gym"},
                        {
                            "kind": "loss_of_privileges",
                            "days": 14,
                            "privilege": "In-cell television",
                            "suspended_until": add_months(held_on, 3),
                        },
                    ],
                }
            ],
        )
        self.charge(
            fight,
            cast[1],
            "4",
            "Fought with another prisoner on the landing at evening association.",
            laid_at=laid + dt.timedelta(minutes=10),
            hearings=[
                {
                    "scheduled_for": laid + 21 * hour,
                    "plea": "not_guilty",
                    "outcome": "dismissed",
                    "notes": "CCTV shows he was defending himself; charge dismissed.",
                }
            ],
        )

        # A phone found in a cell: adjourned for the forensic download, next hearing in a few days.
        phone = self.contraband(prison, self.local(9, 9, 40), "under_review", variant=0)
        phone.involved[0].person = cast[2]
        self.tell(phone)
        laid = phone.occurred_at + 3 * hour
        self.charge(
            phone,
            cast[2],
            "12",
            "Had an unauthorised mobile phone and SIM card in his cell.",
            laid_at=laid,
            hearings=[
                {
                    "scheduled_for": laid + 20 * hour,
                    "plea": "not_guilty",
                    "outcome": "adjourned",
                    "adjournment_reason": "Waiting for the forensic download of the phone.",
                    "next_hearing_at": self.local_ahead(3, 10, 0),
                }
            ],
        )

        # Drugs passed at a visit: proved, cellular confinement still running.
        visit = self.contraband(prison, self.local(6, 15, 30), "under_review", variant=1)
        visit.involved[0].person = cast[3]
        self.tell(visit)
        laid = visit.occurred_at + 2 * hour
        self.charge(
            visit,
            cast[3],
            "24",
            "Received a package of a suspected controlled drug from a visitor during a social visit.",
            laid_at=laid,
            hearings=[
                {
                    "scheduled_for": laid + 18 * hour,
                    "plea": "guilty",
                    "outcome": "proved",
                    "punishments": [
                        {"kind": "confinement_to_cell", "days": 10},
                        {"kind": "stoppage_of_earnings", "days": 14, "amount_pence": 450},
                    ],
                }
            ],
        )

        # Last night's fight: the first hearing is tomorrow morning (Monday after a Saturday charge).
        recent = self.fight(prison, self.local(1, 19, 40), "submitted", fighters=cast[4:6])
        self.tell(recent)
        laid = self.spread(recent.occurred_at, [3])[0]
        ahead = 2 if timezone_date(self.now + dt.timedelta(days=1)).weekday() == 6 else 1
        self.charge(
            recent,
            cast[4],
            "4",
            "Fought with another prisoner in the servery queue.",
            laid_at=laid,
            hearings=[{"scheduled_for": self.local_ahead(ahead, 10, 0), "held": False}],
        )

        # An assault whose charge never got its first hearing in time.
        missed = self.assault(prison, self.local(8, 10, 15), "under_review", perpetrator=cast[6], on_staff=False)
        self.tell(missed)
        self.charge(
            missed,
            cast[6],
            "1",
            "Punched another prisoner in the face in the medication queue.",
            laid_at=missed.occurred_at + 2 * hour,
        )

        # Self-harm: the reviewer asks for more, the reporter answers with an addendum.
        harm = self.self_harm(prison, self.local(3, 22, 30), "under_review")
        harm.correction = (
            "Say when the ACCT was opened and by whom, and whether healthcare saw him.",
            "ACCT opened at 23:10 by the night orderly officer. Seen by the duty nurse at 23:25; no hospital "
            "treatment needed.",
        )
        self.tell(harm)

        # The drone and the lockdown.
        drone = self.drone(prison, self.local(18, 14, 10), "closed")
        self.tell(drone)
        self.lockdown(prison.site, drone)

        # Two reports still being written.
        self.tell(self.contraband(prison, self.now - 1 * hour, "draft", variant=3))
        draft = self.fight(prison, self.now - 5 * hour, "draft")
        draft.reporter = "night"
        self.tell(draft)

    def everyday(self, prison: _Prison, count: int, *, with_draft: bool) -> None:
        """``count`` reports of the common types spread over six months, in the state their age suggests."""
        rng = self.rng
        for n in range(count):
            type_code = rng.choice(FILLER_TYPES)
            if n == 0 and with_draft:
                when, status = self.now - dt.timedelta(hours=rng.randint(2, 6)), "draft"
            else:
                days_ago = rng.randint(1, 180)
                when = self.local(days_ago, rng.randint(7, 20), rng.choice((0, 10, 20, 30, 40, 50)))
                status = _status_for(days_ago, rng)
            build = {
                "fight": self.fight,
                "assault": self.assault,
                "self_harm": self.self_harm,
                "contraband_find": self.contraband,
                "use_of_force": self.use_of_force,
            }[type_code]
            self.tell(build(prison, when, status))

    def local_ahead(self, days: int, hour: int, minute: int = 0) -> dt.datetime:
        zone = ZoneInfo(settings.TIME_ZONE)
        day = self.now.astimezone(zone).date() + dt.timedelta(days=days)
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def timezone_date(when: dt.datetime) -> dt.date:
    return when.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def _status_for(days_ago: int, rng: random.Random) -> str:
    """A report's state from its age: recent ones wait for review, older ones are mostly closed."""
    if days_ago < 4:
        return "submitted"
    if days_ago < 14:
        return rng.choice(("under_review",) * 6 + ("submitted",) * 4)
    if days_ago < 45:
        return rng.choice(("closed",) * 12 + ("investigation",) * 5 + ("under_review",) * 3)
    return rng.choice(("closed",) * 9 + ("investigation",))


def _as_demo_staff(actor: Actor) -> dict[str, Actor]:
    """The operator acting as each demo incidents user (made on first use, unable to sign in)."""
    actors = {}
    for key, (username, surname) in STAFF.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_active": False, "first_name": "Demo", "last_name": surname}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        actors[key] = dataclasses.replace(actor, user_id=user.pk, username=user.username)
    return actors


def _ensure_configuration(actor: Actor, report: IncidentsReport) -> None:
    """The shipped incident types that are missing, and the shipped offence paragraphs when there are none."""
    existing = set(IncidentType.objects.values_list("code", flat=True))
    missing = [d for d in incident_types.read_definitions(incident_types.SHIPPED_DIR) if d["code"] not in existing]
    if missing:
        report.types = len(incident_types.import_incident_types(actor, missing).added)
    if not OffenceParagraph.objects.exists():
        document = offence_paragraphs.load()
        rows = [{"effective_from": document.get("effective_from"), **row} for row in document["paragraphs"]]
        report.paragraphs = len(adjudications.import_offence_paragraphs(actor, rows))


def _prison(site: Site) -> _Prison:
    episodes = list(
        CustodyEpisode.objects.filter(site=site, status=CustodyEpisode.Status.ACTIVE, in_reception=False)
        .exclude(in_out=CustodyEpisode.InOut.OUT)
        .select_related("person")
        .order_by("pk")
    )
    locations: dict[str, list[Location]] = {}
    for location in Location.objects.filter(site=site, active=True, depth__lte=2).order_by("key"):
        group = "landing" if location.kind == Location.Kind.LANDING else location.key
        locations.setdefault(group, []).append(location)
    return _Prison(site, episodes, locations)


def _sentenced(prison: _Prison) -> Person | None:
    """Someone serving a sentence with a release date well ahead, for the additional days."""
    today = clock.today()
    serving = set(
        Sentence.objects.filter(
            person_id__in=[e.person_id for e in prison.episodes], status=Sentence.Status.ACTIVE
        ).values_list("person_id", flat=True)
    )
    for episode in prison.episodes:
        due = episode.release_due_on
        if episode.person_id in serving and due is not None and due > today + dt.timedelta(days=120):
            return episode.person
    return None


def load_incidents(actor: Actor, *, seed: int = 1) -> IncidentsReport:
    """Incident reports, charges and a lockdown at each demo prison holding people that has no incident
    reports yet (operator only)."""
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    report = IncidentsReport()
    _ensure_configuration(actor, report)
    offered = {code for code in {*FILLER_TYPES, "drone_sighting"} if latest_active_type(code)}
    loader = _Loader(_as_demo_staff(actor), random.Random(seed), clock.now(), report)
    for site in Site.objects.filter(kind=Site.Kind.PRISON).order_by("code"):
        if Incident.objects.filter(facility=site).exists():
            continue  # loaded before, or real reports: left alone
        prison = _prison(site)
        if len(prison.episodes) < MIN_PEOPLE or offered != {*FILLER_TYPES, "drone_sighting"}:
            continue
        report.sites += 1
        if site.code == MAIN_PRISON and len(prison.episodes) >= STORY_PEOPLE + 2:
            loader.main_prison(prison, _sentenced(prison))
        loader.everyday(prison, FILLER.get(site.code, DEFAULT_FILLER), with_draft=site.code != MAIN_PRISON)
    loader.history.run()
    made = Incident.objects.filter(pk__in=[s.incident.pk for s in loader.stories])
    report.by_status = dict(sorted(Counter(made.values_list("status", flat=True)).items()))
    record_event(
        actor,
        "demo.incidents_loaded",
        object_type="incidents",
        details={
            "sites": report.sites,
            "incidents": report.incidents,
            "charges": report.charges,
            "hearings": report.hearings,
            "emergencies": report.emergencies,
        },
    )
    return report
