"""Pages: Discipline (adjudications): the adjudicators' lists (hearings due, deadlines missed,
punishments ending), a charge with its hearings, punishments and appeals, and the forms to lay a charge
(from a person or an incident), schedule and hold a hearing (plea, outcome, punishments, activation of
suspended punishments), activate a suspended punishment and decide an appeal. A person's charges have
their own page, linked from the profile (``profile_links``)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.incidents.forms import adjudications as forms
from oms.incidents.models import DisciplinaryCharge, Incident, Punishment, Restoration
from oms.incidents.queries import adjudications as queries
from oms.incidents.services import adjudications as services
from oms.people.models import Person
from oms.people.queries.records import find_person
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

VIEW = "incidents.view"


def _charge_url(charge) -> str:
    return reverse("incidents:adjudication_charge", kwargs={"charge_id": charge.public_id})


def _form_page(request, form, *, title: str, button: str, back: str, lead: str = "", person=None):
    return render(
        request,
        "incidents/adjudications/form_page.html",
        {"form": form, "title": title, "button": button, "back": back, "lead": lead, "person": person},
        status=422 if form.errors else 200,
    )


@page(VIEW)
def adjudications(request):
    try:
        within = max(0, min(int(request.GET.get("within_days", 7)), 366))
    except ValueError:
        within = 7
    now = clock.now()
    due = queries.hearings_due(request.actor)
    return render(
        request,
        "incidents/adjudications/list.html",
        {
            "due": [{"charge": c, "missed": now > c.first_hearing_due_by} for c in due],
            "missed": queries.deadlines_missed(request.actor),
            "ending": queries.punishments_ending(request.actor, within_days=within),
            "appeals": queries.appeals_pending(request.actor),
            "within_days": within,
        },
    )


@page(VIEW)
def charge_detail(request, charge_id):
    charge = queries.get_charge(request.actor, charge_id)
    hearings = list(charge.hearings.all())
    actor = request.actor
    return render(
        request,
        "incidents/adjudications/charge.html",
        {
            "charge": charge,
            "hearings": hearings,
            "pending": next((h for h in hearings if h.held_at is None), None),
            "punishments": list(charge.punishments.all()),
            "appeals": list(charge.appeals.order_by("id")),
            "missed": charge in queries.deadlines_missed(actor) if charge.status in queries.OPEN_STATUSES else False,
            "can_adjudicate": actor.has("incidents.adjudicate"),
            "can_appeal": actor.has("incidents.decide_appeals") and charge.status == DisciplinaryCharge.Status.PROVED,
            "can_lodge": actor.has("incidents.charge")
            and charge.status == DisciplinaryCharge.Status.PROVED
            and queries.pending_appeal(charge) is None,
            "restorations": list(
                Restoration.objects.filter(punishment__charge=charge).select_related("decided_by", "punishment")
            ),
            "can_schedule": actor.has("incidents.adjudicate")
            and charge.status
            in (
                DisciplinaryCharge.Status.AWAITING_HEARING,
                DisciplinaryCharge.Status.ADJOURNED,
                DisciplinaryCharge.Status.REFERRED_POLICE,
                DisciplinaryCharge.Status.REFERRED_INDEPENDENT,
            ),
        },
    )


@page(VIEW)
def person_charges(request, person_id):
    person = find_person(request.actor, person_id)
    return render(
        request,
        "incidents/adjudications/person.html",
        {
            "person": person,
            "charges": queries.charges_of(request.actor, person.public_id),
            "can_charge": request.actor.has("incidents.charge"),
        },
    )


@page("incidents.charge")
def charge_new(request):
    person_id = request.GET.get("person") or request.POST.get("person")
    incident_id = request.GET.get("incident") or request.POST.get("incident") or None
    if not person_id:
        raise NotFound(
            "Choose the person to charge from their profile or the incident.", code="incidents.person_missing"
        )
    person = find_person(request.actor, person_id)
    incident = None
    if incident_id:
        incident = Incident.objects.filter(public_id=_uuid_or_none(incident_id)).first()
    paragraphs = [(p.code, f"{p.code}: {p.title}") for p in queries.current_paragraphs()]
    form = forms.ChargeForm(posted(request), paragraphs=paragraphs)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        charge = service_errors_on(
            form,
            lambda: services.lay_charge(request.actor, person_id=person.public_id, incident_id=incident_id, **values),
        )
        if charge:
            messages.success(
                request, f"Charge {charge.reference} laid. First hearing due by {_local(charge.first_hearing_due_by)}"
            )
            return redirect(_charge_url(charge))
    return render(
        request,
        "incidents/adjudications/form_page.html",
        {
            "form": form,
            "title": "Lay a disciplinary charge",
            "button": "Lay charge",
            "back": reverse("incidents:adjudication_person", kwargs={"person_id": person.public_id}),
            "person": person,
            "hidden": {"person": str(person.public_id), **({"incident": incident_id} if incident_id else {})},
            "lead": f"Arising from incident {incident.reference}" if incident else "",
        },
        status=422 if form.errors else 200,
    )


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _local(instant) -> str:
    return instant.astimezone(forms.LONDON).strftime("%-d %B %Y %H:%M")


@page("incidents.adjudicate")
def schedule(request, charge_id):
    charge = queries.get_charge(request.actor, charge_id, permission="incidents.adjudicate")
    form = forms.ScheduleForm(posted(request), initial={"adjudicator_kind": "governor"})
    if request.method == "POST" and form.is_valid():
        hearing = service_errors_on(
            form, lambda: services.schedule_hearing(request.actor, charge_id=charge.public_id, **form.cleaned_data)
        )
        if hearing:
            messages.success(request, f"Hearing scheduled for {_local(hearing.scheduled_for)}")
            return redirect(_charge_url(charge))
    return _form_page(
        request,
        form,
        title=f"Schedule a hearing: {charge.reference}",
        button="Schedule hearing",
        back=_charge_url(charge),
        lead=f"The first hearing must open by {_local(charge.first_hearing_due_by)}.",
        person=charge.person,
    )


def _punishment_label(p: Punishment) -> str:
    amount = f", {p.days} days" if p.days else ""
    return f"{p.get_kind_display()}{amount} ({p.charge.reference})"


@page("incidents.adjudicate")
def hold(request, hearing_id):
    hearing = queries.get_hearing(request.actor, hearing_id, permission="incidents.adjudicate")
    charge = hearing.charge
    suspended = [
        (str(p.public_id), f"{_punishment_label(p)}, suspended until {p.suspended_until:%-d %B %Y}")
        for p in queries.suspended_punishments_of(charge.person_id)
        if p.charge_id != charge.pk
    ]
    # Read before the service call: after a refusal the request's transaction only rolls back.
    lead = f"Paragraph {charge.paragraph.code}: {charge.paragraph.title}. Punishments only on a proved charge."
    person = charge.person
    form = forms.HoldHearingForm(posted(request), suspended=suspended)
    if request.method == "POST" and form.is_valid():
        held = service_errors_on(
            form, lambda: services.hold_hearing(request.actor, hearing_id=hearing.public_id, **form.cleaned_data)
        )
        if held:
            messages.success(request, f"Hearing recorded: {held.get_outcome_display()}")
            return redirect(_charge_url(charge))
    return _form_page(
        request,
        form,
        title=f"Hold the hearing: {charge.reference}",
        button="Record hearing",
        back=_charge_url(charge),
        lead=lead,
        person=person,
    )


@page("incidents.adjudicate")
def activate(request, punishment_id):
    punishment = queries.get_punishment(request.actor, punishment_id, permission="incidents.adjudicate")
    proved = [
        (str(c.public_id), f"{c.reference} (paragraph {c.paragraph.code})")
        for c in queries.charges_in_scope(request.actor).filter(
            person_id=punishment.charge.person_id, status=DisciplinaryCharge.Status.PROVED
        )
        if c.pk != punishment.charge_id
    ]
    lead = _punishment_label(punishment)
    form = forms.ActivateForm(posted(request), charges=proved)
    if request.method == "POST" and form.is_valid():
        done = service_errors_on(
            form,
            lambda: services.activate_punishment(
                request.actor, punishment_id=punishment.public_id, charge_id=form.cleaned_data["charge_id"]
            ),
        )
        if done:
            messages.success(request, "Suspended punishment activated")
            return redirect(_charge_url(punishment.charge))
    return _form_page(
        request,
        form,
        title="Activate a suspended punishment",
        button="Activate",
        back=_charge_url(punishment.charge),
        lead=lead,
        person=punishment.charge.person,
    )


@page("incidents.decide_appeals")
def restore(request, punishment_id):
    punishment = queries.get_punishment(request.actor, punishment_id, permission="incidents.decide_appeals")
    restored = sum(r.days for r in punishment.restorations.filter(withdrawn_on__isnull=True))
    form = forms.RestoreForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = service_errors_on(
            form,
            lambda: services.restore_days(
                request.actor,
                punishment_id=punishment.public_id,
                days=form.cleaned_data["days"],
                reasons=form.cleaned_data["reasons"],
            ),
        )
        if done:
            messages.success(request, f"{form.cleaned_data['days']} days restored; the release dates were recalculated")
            return redirect(_charge_url(punishment.charge))
    return _form_page(
        request,
        form,
        title="Restore additional days",
        button="Restore days",
        back=_charge_url(punishment.charge),
        lead=f"{_punishment_label(punishment)}: {restored} restored so far.",
        person=punishment.charge.person,
    )


@page("incidents.decide_appeals")
def appeal(request, charge_id):
    charge = queries.get_charge(request.actor, charge_id, permission="incidents.decide_appeals")
    standing = [
        (str(p.public_id), _punishment_label(p))
        for p in charge.punishments.exclude(status__in=(Punishment.Status.QUASHED, Punishment.Status.EXPIRED))
        if p.days
    ]
    lodged = queries.pending_appeal(charge)
    form = forms.AppealForm(posted(request), punishments=standing, lodged=lodged)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["decision"] == "uphold":
            call = lambda: services.uphold_finding(  # noqa: E731
                request.actor, charge_id=charge.public_id, reasons=data["reasons"]
            )
        elif data["decision"] == "quash":
            call = lambda: services.quash_finding(  # noqa: E731
                request.actor, charge_id=charge.public_id, grounds=data["grounds"], reasons=data["reasons"]
            )
        else:
            call = lambda: services.reduce_punishment(  # noqa: E731
                request.actor,
                punishment_id=data["punishment"],
                days=data["days"],
                grounds=data["grounds"],
                reasons=data["reasons"],
            )
        if service_errors_on(form, call):
            messages.success(request, "Appeal decided")
            return redirect(_charge_url(charge))
    return _form_page(
        request,
        form,
        title=f"Decide an appeal: {charge.reference}",
        button="Record decision",
        back=_charge_url(charge),
        lead=f"Appeal received {lodged.lodged_on:%-d %B %Y}: {lodged.grounds}" if lodged else "",
        person=charge.person,
    )


@page("incidents.charge")
def lodge_appeal(request, charge_id):
    charge = queries.get_charge(request.actor, charge_id, permission="incidents.charge")
    form = forms.LodgeAppealForm(posted(request), initial={"lodged_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        done = service_errors_on(
            form,
            lambda: services.lodge_appeal(
                request.actor,
                charge_id=charge.public_id,
                grounds=form.cleaned_data["grounds"],
                lodged_on=form.cleaned_data["lodged_on"],
            ),
        )
        if done:
            messages.success(request, "Appeal recorded: it is listed for a decision")
            return redirect(_charge_url(charge))
    return _form_page(
        request,
        form,
        title=f"Record an appeal: {charge.reference}",
        button="Record appeal",
        back=_charge_url(charge),
        person=charge.person,
    )


def adjudication_profile_links(actor: Actor, person: Person) -> list[tuple[str, str]]:
    """A link from the person's profile to their charges (incidents.view), with the count."""
    if not actor.has(VIEW):
        return []
    count = queries.charges_in_scope(actor).filter(person=person).count()
    label = f"Adjudications ({count} charge{'s' if count != 1 else ''})" if count else "Adjudications"
    return [(label, reverse("incidents:adjudication_person", kwargs={"person_id": person.public_id}))]


urlpatterns = [
    path("adjudications/", adjudications, name="adjudications"),
    path("adjudications/charges/new/", charge_new, name="adjudication_charge_new"),
    path("adjudications/charges/<str:charge_id>/", charge_detail, name="adjudication_charge"),
    path("adjudications/charges/<str:charge_id>/schedule/", schedule, name="adjudication_schedule"),
    path("adjudications/charges/<str:charge_id>/appeal/", appeal, name="adjudication_appeal"),
    path("adjudications/charges/<str:charge_id>/appeal/lodge/", lodge_appeal, name="adjudication_lodge_appeal"),
    path("adjudications/hearings/<str:hearing_id>/hold/", hold, name="adjudication_hold"),
    path("adjudications/punishments/<str:punishment_id>/activate/", activate, name="adjudication_activate"),
    path("adjudications/punishments/<str:punishment_id>/restore/", restore, name="adjudication_restore"),
    path("adjudications/people/<str:person_id>/", person_charges, name="adjudication_person"),
]
