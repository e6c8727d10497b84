"""Sentence and adjustment pages: record a sentence on a court case, correct it, take it off (quashed
or entered in error), record and withdraw adjustments. Each save recalculates the release dates; a
refusal (ours or the engine's) shows on the form with nothing changed."""

from __future__ import annotations

from django.urls import path

from oms.core.errors import NotFound
from oms.people.queries.records import find_person
from oms.sentencing.forms import sentences as forms
from oms.sentencing.models import Adjustment, Sentence
from oms.sentencing.queries import records as record_queries
from oms.sentencing.queries import sentences as queries
from oms.sentencing.services import sentences as services
from oms.sentencing.views.records import done, form_page
from oms.web.access import page
from oms.web.forms import posted, service_errors_on

MANAGE = "sentencing.manage_records"
MANAGE_ADJUSTMENTS = "sentencing.manage_adjustments"


def _charge_choices(court_case) -> list[tuple[str, str]]:
    return [
        (str(c.public_id), f"Count {c.count_number}: {c.offence.code} {c.offence.title}")
        for c in record_queries.charges_of(court_case)
    ]


def _pounds_text(pence: int | None) -> str:
    return "" if pence is None else f"{pence // 100}.{pence % 100:02d}"


def _sentence_values(data: dict) -> dict:
    values = dict(data)
    values["consecutive_to_id"] = values.pop("consecutive_to") or None
    values["charge_ids"] = values.pop("charges", [])
    return values


@page(MANAGE)
def sentence_new(request, court_case_id):
    court_case = record_queries.find_court_case(request.actor, court_case_id)
    person = court_case.person
    form = forms.SentenceForm(
        posted(request), sentences=queries.consecutive_choices(person), charges=_charge_choices(court_case)
    )
    if request.method == "POST" and form.is_valid():
        sentence = service_errors_on(
            form,
            lambda: services.record_sentence(
                request.actor, court_case_id=court_case.public_id, **_sentence_values(form.cleaned_data)
            ),
        )
        if sentence:
            return done(request, person, f"Sentence recorded: {sentence.length_text()}", "sentences")
    return form_page(
        request, form, person=person, title=f"Record a sentence on {court_case.case_number}", button="Record sentence"
    )


@page(MANAGE)
def sentence_change(request, sentence_id):
    sentence = queries.find_sentence(request.actor, sentence_id)
    if sentence.status != Sentence.Status.ACTIVE:
        raise NotFound("This sentence is no longer active", code="sentencing.sentence_not_active")
    person = sentence.person
    initial = {
        "kind": sentence.kind,
        "sentenced_on": sentence.sentenced_on,
        "offence_committed_on": sentence.offence_committed_on,
        "years": sentence.years,
        "months": sentence.months,
        "weeks": sentence.weeks,
        "days": sentence.days,
        "consecutive_to": str(sentence.consecutive_to.public_id) if sentence.consecutive_to_id else "",
        "fine_amount": _pounds_text(sentence.fine_amount_pence),
        "charges": [str(c.public_id) for c in sentence.charges.all()],
        "version": sentence.version,
    }
    form = forms.SentenceChangeForm(
        posted(request),
        initial=initial,
        sentences=queries.consecutive_choices(person, excluding=sentence),
        charges=_charge_choices(sentence.court_case),
    )
    if request.method == "POST" and form.is_valid():
        values = _sentence_values(form.cleaned_data)
        version = values.pop("version")
        values["consecutive_to"] = values.pop("consecutive_to_id")
        if "charges" not in form.fields:
            values.pop("charge_ids")
        changed = service_errors_on(
            form,
            lambda: services.change_sentence(
                request.actor, sentence_id=sentence.public_id, version=version, changes=values
            ),
        )
        if changed:
            return done(request, person, "Sentence changed", "sentences")
    return form_page(request, form, person=person, title="Change a sentence", button="Save changes")


@page(MANAGE)
def sentence_end(request, sentence_id):
    sentence = queries.find_sentence(request.actor, sentence_id)
    if sentence.status != Sentence.Status.ACTIVE:
        raise NotFound("This sentence is no longer active", code="sentencing.sentence_not_active")
    form = forms.SentenceEndForm(posted(request), initial={"version": sentence.version})
    if request.method == "POST" and form.is_valid():
        ended = service_errors_on(
            form,
            lambda: services.quash_sentence(request.actor, sentence_id=sentence.public_id, **form.cleaned_data),
        )
        if ended:
            return done(request, sentence.person, f"Sentence {ended.get_status_display().lower()}", "sentences")
    return form_page(
        request,
        form,
        person=sentence.person,
        title="Take a sentence off the record",
        button="Save",
        lead=f"{queries.sentence_label(sentence)}. It stays on the record, left out of calculations.",
    )


# --- adjustments ---------------------------------------------------------------------------------


@page(MANAGE_ADJUSTMENTS)
def adjustment_new(request, person_id):
    person = find_person(request.actor, person_id)
    form = forms.AdjustmentForm(posted(request), sentences=queries.consecutive_choices(person))
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["sentence_id"] = values.pop("sentence") or None
        adjustment = service_errors_on(
            form, lambda: services.record_adjustment(request.actor, person_id=person.public_id, **values)
        )
        if adjustment:
            return done(
                request, person, f"{adjustment.get_kind_display()} of {adjustment.days} days recorded", "adjustments"
            )
    return form_page(request, form, person=person, title="Record an adjustment", button="Record adjustment")


@page(MANAGE_ADJUSTMENTS)
def adjustment_withdraw(request, adjustment_id):
    adjustment = queries.find_adjustment(request.actor, adjustment_id)
    if adjustment.status != Adjustment.Status.ACTIVE:
        raise NotFound("This adjustment is already withdrawn", code="sentencing.adjustment_withdrawn")
    form = forms.AdjustmentWithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        withdrawn = service_errors_on(
            form,
            lambda: services.withdraw_adjustment(
                request.actor, adjustment_id=adjustment.public_id, **form.cleaned_data
            ),
        )
        if withdrawn:
            return done(request, adjustment.person, f"{withdrawn.get_kind_display()} withdrawn", "adjustments")
    return form_page(
        request,
        form,
        person=adjustment.person,
        title="Withdraw an adjustment",
        button="Withdraw",
        lead=f"{adjustment.get_kind_display()} of {adjustment.days} days. It stays on the record, left out of "
        "calculations.",
    )


urlpatterns = [
    path("court-cases/<str:court_case_id>/sentences/new", sentence_new, name="sentence_new"),
    path("sentences/<str:sentence_id>/change", sentence_change, name="sentence_change"),
    path("sentences/<str:sentence_id>/end", sentence_end, name="sentence_end"),
    path("people/<str:person_id>/adjustments/new", adjustment_new, name="adjustment_new"),
    path("adjustments/<str:adjustment_id>/withdraw", adjustment_withdraw, name="adjustment_withdraw"),
]
