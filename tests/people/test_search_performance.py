"""Search stays fast on a few thousand people: every kind of query is answered from indexed
candidate sets (never a scan of everyone). Prints the measured latencies; the bound is loose so a
noisy CI machine does not fail it, the figures go in the notes."""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from faker import Faker

from oms.people import queries, rules
from oms.people.models import Identifier, Person, PersonName, PersonSiteLink
from tests.factories import actor_of

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
POPULATION = int(os.environ.get("OMS_SEARCH_TEST_POPULATION", "5000"))  # set higher by hand for figures


def _populate(site, n: int) -> list[Person]:
    fake = Faker("en_GB")
    Faker.seed(2)
    rng = random.Random(2)
    people = [
        Person(
            system_number=f"{chr(65 + i // 10000 % 26)}{i % 10000:04d}AA",
            family_name=fake.last_name(),
            given_name=fake.first_name(),
            date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000)),
        )
        for i in range(n)
    ]
    Person.objects.bulk_create(people, batch_size=1000)
    names, links, identifiers = [], [], []
    for i, person in enumerate(people):
        keys = rules.name_keys(person.family_name, person.given_name)
        names.append(
            PersonName(
                person=person,
                kind="primary",
                family_name=person.family_name,
                given_name=person.given_name,
                **keys.__dict__,
            )
        )
        if i % 5 == 0:
            alias = fake.last_name()
            names.append(
                PersonName(
                    person=person,
                    kind="alias",
                    family_name=alias,
                    given_name=person.given_name,
                    **rules.name_keys(alias, person.given_name).__dict__,
                )
            )
        links.append(PersonSiteLink(person=person, site=site, kind="custody", started_on=dt.date(2024, 1, 1)))
        identifiers.append(Identifier(person=person, kind="pnc", value=f"20/{i:07d}X", value_norm=f"20{i:07d}X"))
    PersonName.objects.bulk_create(names, batch_size=2000)
    PersonSiteLink.objects.bulk_create(links, batch_size=2000)
    Identifier.objects.bulk_create(identifiers, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load: fresh statistics for the planner
    return people


def test_search_latency_on_a_few_thousand_people(alice, prison_a):
    people = _populate(prison_a, POPULATION)
    actor = actor_of(alice)
    sample = people[:: max(1, len(people) // 20)]
    cases = {
        "system number": [p.system_number for p in sample],
        "identifier": [f"20/{people.index(p):07d}x" for p in sample],
        "prefix": [p.family_name[:3] for p in sample],
        "exact family": [p.family_name for p in sample],
        "full name": [f"{p.given_name} {p.family_name}" for p in sample],
        "misspelt": [p.family_name[0] + p.family_name[2] + p.family_name[1] + p.family_name[3:] for p in sample],
    }
    report = {}
    for label, texts in cases.items():
        timings = []
        for text in texts:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = queries.search_people(actor, text=text)
                timings.append((time.perf_counter() - started) * 1000)
            assert result.hits, (label, text)
            assert len(captured) < 25
        report[label] = (statistics.median(timings), max(timings))
    print(f"\nsearch over {POPULATION} people on {connection.vendor} (median / max ms):")
    for label, (median, worst) in report.items():
        print(f"  {label:14s} {median:7.1f} {worst:7.1f}")
    assert max(worst for _, worst in report.values()) < 1000
