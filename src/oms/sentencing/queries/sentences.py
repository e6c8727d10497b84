"""Reading sentences and adjustments, scoped through the person like the rest of the legal record."""

from __future__ import annotations

from oms.core.actor import Actor
from oms.people.models import Person
from oms.sentencing.models import Adjustment, Sentence
from oms.sentencing.queries.records import VIEW, one_in_scope
from oms.sentencing.rules.records import LinkedSentence


def find_sentence(actor: Actor, public_id, *, for_update: bool = False) -> Sentence:
    return one_in_scope(
        actor,
        Sentence.objects.select_related("person", "court_case", "consecutive_to"),
        public_id,
        person_path="person",
        code="sentencing.sentence_not_found",
        for_update=for_update,
    )


def find_adjustment(actor: Actor, public_id, *, for_update: bool = False) -> Adjustment:
    return one_in_scope(
        actor,
        Adjustment.objects.select_related("person", "sentence"),
        public_id,
        person_path="person",
        code="sentencing.adjustment_not_found",
        for_update=for_update,
    )


def get_sentence(actor: Actor, public_id) -> Sentence:
    actor.require(VIEW)
    return find_sentence(actor, public_id)


def get_adjustment(actor: Actor, public_id) -> Adjustment:
    actor.require(VIEW)
    return find_adjustment(actor, public_id)


def sentences_of(person: Person, *, include_inactive: bool = False) -> list[Sentence]:
    """In the order the court passed them: by date, case and line."""
    rows = Sentence.objects.filter(person=person)
    if not include_inactive:
        rows = rows.filter(status=Sentence.Status.ACTIVE)
    return list(
        rows.select_related("court_case", "consecutive_to")
        .prefetch_related("charges__offence")
        .order_by("sentenced_on", "court_case_id", "line_number", "id")
    )


def adjustments_of(person: Person, *, include_withdrawn: bool = False) -> list[Adjustment]:
    rows = Adjustment.objects.filter(person=person)
    if not include_withdrawn:
        rows = rows.filter(status=Adjustment.Status.ACTIVE)
    return list(rows.select_related("sentence__court_case").order_by("from_date", "id"))


def linked_sentences(person: Person) -> dict[str, LinkedSentence]:
    """The person's sentences as the consecutive-link rules see them, keyed by public id."""
    rows = Sentence.objects.filter(person=person).values_list(
        "public_id", "sentenced_on", "status", "consecutive_to__public_id"
    )
    person_ref = str(person.public_id)
    return {
        str(public_id): LinkedSentence(
            ref=str(public_id),
            person_ref=person_ref,
            sentenced_on=sentenced_on,
            active=status == Sentence.Status.ACTIVE,
            consecutive_to=str(target) if target else None,
        )
        for public_id, sentenced_on, status, target in rows
    }


def consecutive_choices(person: Person, *, excluding: Sentence | None = None) -> list[tuple[str, str]]:
    """(public id, label) of the person's active sentences another may follow, for forms."""
    rows = Sentence.objects.filter(person=person, status=Sentence.Status.ACTIVE).select_related("court_case")
    if excluding is not None:
        rows = rows.exclude(pk=excluding.pk)
    return [
        (str(s.public_id), sentence_label(s)) for s in rows.order_by("sentenced_on", "court_case_id", "line_number")
    ]


def sentence_label(sentence: Sentence) -> str:
    return (
        f"{sentence.court_case.case_number} line {sentence.line_number}: {sentence.get_kind_display()}, "
        f"{sentence.length_text()}, {sentence.sentenced_on:%-d %b %Y}"
    )
