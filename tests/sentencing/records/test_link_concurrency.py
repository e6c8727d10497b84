"""Two records officers linking two sentences to each other at the same moment (A after B, B after A):
each check alone passes, together they would make a cycle. Changes to one person's sentences queue on
the person row, so exactly one link is made and the other is refused as a cycle, never a 500.

Real concurrent writers, as in tests/custody/test_bed_concurrency.py: one thread, connection and
transaction each, released together at a barrier."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from oms.core import clock
from oms.core.errors import Conflict, RuleViolation
from oms.sentencing.models import Sentence
from oms.sentencing.services.sentences import change_sentence
from tests.custody.test_bed_concurrency import writers_see_a_file_database
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person
from tests.sentencing.factories import make_sentence


def _together(calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            with clock.freeze(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)), transaction.atomic():
                outcomes[index] = call()
        except (Conflict, RuleViolation) as error:
            outcomes[index] = error
        except Exception as error:  # reported by the assertion below
            outcomes[index] = ("unexpected", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_crossed_links_made_at_once_cannot_form_a_cycle(prison_a):
    person = make_person(prison_a, family="Crossed", given="Links")
    first = make_sentence(person, years=1)
    second = make_sentence(person, court_case=first.court_case, years=1, line_number=2)
    officers = [actor_of(make_user(f"records{i}", roles=("records_officer",), sites=(prison_a,))) for i in range(2)]

    with writers_see_a_file_database():
        outcomes = _together(
            [
                lambda: change_sentence(
                    officers[0], sentence_id=first.public_id, version=1, changes={"consecutive_to": second.public_id}
                ),
                lambda: change_sentence(
                    officers[1], sentence_id=second.public_id, version=1, changes={"consecutive_to": first.public_id}
                ),
            ]
        )
        # Read back on a connection of the same database the writers used.
        (links,) = _together([lambda: list(Sentence.objects.values_list("consecutive_to_id", flat=True))])

    made = [o for o in outcomes if isinstance(o, Sentence)]
    refused = [o for o in outcomes if isinstance(o, RuleViolation)]
    assert len(made) == 1 and len(refused) == 1, outcomes
    assert refused[0].code == "sentencing.consecutive_cycle"
    assert sorted(link is None for link in links) == [False, True]
