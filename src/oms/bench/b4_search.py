"""B4: person search (performance.md: p99 <= 3x raw SQL on the same indexes; fuzzy >= 5x faster
than brute force; at 1M, lookups p99 <= 50 ms and sound-alike/fuzzy p99 <= 200 ms).

Four kinds of query, drawn from the loaded population with a fixed seed:

- id: a person's system number;
- prefix: the first four letters of a family name;
- sound-alike: "given family" with the family name respelt so it sounds the same (same Double
  Metaphone key, different spelling);
- fuzzy: "given family" with a typo that changes the sound-alike key too.

Each query runs through OMS's real path (``oms.people.queries.search_people`` with a national actor,
in a transaction like a request, audit event included) and, interleaved in the same run, through raw
SQL answering the same kind of query on the same indexes (for fuzzy: the raw indexed candidate query
plus rapidfuzz, the same libraries with nothing around them). Fuzzy is also timed against brute force:
rapidfuzz over every stored name, the approach narrowing is meant to beat.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.db import connection, transaction
from rapidfuzz import fuzz, process

from oms.audit.services import record_event
from oms.core.actor import Actor, Scope
from oms.people import rules
from oms.people.models import Identifier, Person, PersonName
from oms.people.queries import search_people

KINDS = ("id", "prefix", "sound_alike", "fuzzy")
RATIO_TARGET = 3.0
BRUTE_FORCE_SPEEDUP_TARGET = 5.0
ABSOLUTE_P99_MS = {"id": 50.0, "prefix": 50.0, "sound_alike": 200.0, "fuzzy": 200.0}
RESULT_LIMIT = 20
FUZZY_CANDIDATES = 500

_PERSON = Person._meta.db_table
_NAME = PersonName._meta.db_table
_IDENTIFIER = Identifier._meta.db_table


def bench_actor() -> Actor:
    """A national reader: sees everyone, so the search is not narrowed by scope."""
    return Actor(
        user_id=None, username="oms bench", channel="job", scope=Scope.NATIONAL, permissions=frozenset({"people.view"})
    )


# --- query sets ----------------------------------------------------------------------------------


def _sample_names(rng: random.Random, count: int) -> list[tuple[int, str, str, str, str]]:
    """Primary names of random people: (person id, family name, given name, family norm, system number)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {_PERSON}")  # noqa: S608 - names from model meta
        low, high = cursor.fetchone()
        if low is None:
            return []
        wanted = sorted({rng.randint(low, high) for _ in range(count * 2)})
        placeholders = ", ".join(["%s"] * len(wanted))
        cursor.execute(
            f"SELECT p.id, p.family_name, p.given_name, n.family_norm, p.system_number FROM {_PERSON} p "  # noqa: S608
            f"JOIN {_NAME} n ON n.person_id = p.id AND n.kind = 'primary' WHERE p.id IN ({placeholders})",
            wanted,
        )
        rows = cursor.fetchall()
    rng.shuffle(rows)
    return rows[:count]


def _respelt_same_sound(family: str, rng: random.Random) -> str | None:
    """A different spelling of ``family`` with the same Double Metaphone key, or None."""
    target = rules.metaphone_key(rules.normalise_name(family))
    for _ in range(20):
        candidate = _one_change(family, rng)
        if candidate.lower() != family.lower() and rules.metaphone_key(rules.normalise_name(candidate)) == target:
            return candidate
    return None


def _typo(family: str, rng: random.Random) -> str | None:
    """A typo of ``family`` that changes its sound-alike key (so only fuzzy matching can find it)."""
    norm = rules.normalise_name(family)
    if len(norm) < 5:
        return None
    target = rules.metaphone_key(norm)
    for _ in range(20):
        i = rng.randrange(2, len(norm) - 1)
        candidate = norm[:i] + norm[i + 1] + norm[i] + norm[i + 2 :]  # swapped neighbours
        if rng.random() < 0.5:
            candidate = norm[:i] + rng.choice("bcdfgklmnprstvz") + norm[i + 1 :]  # wrong consonant
        if candidate != norm and rules.metaphone_key(candidate) != target:
            return candidate
    return None


def _one_change(name: str, rng: random.Random) -> str:
    swaps = [("ph", "f"), ("ck", "k"), ("y", "i"), ("ie", "y"), ("ou", "ow"), ("ll", "l"), ("tt", "t"), ("ss", "s")]
    options = [(a, b) for a, b in swaps if a in name.lower()]
    if options and rng.random() < 0.6:
        a, b = rng.choice(options)
        return name.lower().replace(a, b, 1).capitalize()
    vowels = [i for i, c in enumerate(name) if i > 0 and c.lower() in "aeiou"]
    if not vowels:
        return name
    i = rng.choice(vowels)
    return name[:i] + rng.choice([v for v in "aeiou" if v != name[i].lower()]) + name[i + 1 :]


def build_queries(count: int, seed: int = 4) -> dict[str, list[tuple[str, int]]]:
    """Per kind, ``count`` (query text, person id the query was made from)."""
    rng = random.Random(seed)
    sample = _sample_names(rng, count * 4)
    queries: dict[str, list[tuple[str, int]]] = {kind: [] for kind in KINDS}
    for person_id, family, given, family_norm, system_number in sample:
        if len(queries["id"]) < count:
            queries["id"].append((system_number, person_id))
        if len(queries["prefix"]) < count and len(family_norm) >= 4:
            queries["prefix"].append((family_norm[:4], person_id))
        if len(queries["sound_alike"]) < count:
            respelt = _respelt_same_sound(family, rng)
            if respelt:
                queries["sound_alike"].append((f"{given} {respelt}", person_id))
        if len(queries["fuzzy"]) < count:
            typo = _typo(family, rng)
            if typo:
                queries["fuzzy"].append((f"{given} {typo}", person_id))
    return queries


# --- the two paths ---------------------------------------------------------------------------------


def oms_search(actor: Actor, text: str) -> list[int]:
    with transaction.atomic():
        result = search_people(actor, text=text, limit=RESULT_LIMIT)
    return [hit.person.pk for hit in result.hits]


def _people_rows(cursor, person_ids: list[int]) -> list[int]:
    """Fetch the display columns and identifiers of the hits, as a results page needs."""
    if not person_ids:
        return []
    placeholders = ", ".join(["%s"] * len(person_ids))
    cursor.execute(
        f"SELECT id, system_number, family_name, given_name, date_of_birth FROM {_PERSON} "  # noqa: S608
        f"WHERE id IN ({placeholders})",
        person_ids,
    )
    found = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        f"SELECT person_id, kind, value FROM {_IDENTIFIER} WHERE person_id IN ({placeholders})",  # noqa: S608
        person_ids,
    )
    cursor.fetchall()
    return found


def raw_search(kind: str, text: str, *, audited: bool = False) -> list[int]:
    """The same kind of query in plain SQL on the same indexes, answered as directly as possible.

    ``audited`` adds the one audit event a search must write (AUD-1), as OMS does: raw SQL plus that
    event is the floor for a compliant search, reported beside the bare raw figure.
    """
    with transaction.atomic():
        found = _raw_query(kind, text)
        if audited:
            record_event(bench_actor(), "people.people_searched", object_type="person", details={"results": len(found)})
        return found


def _raw_query(kind: str, text: str) -> list[int]:
    with connection.cursor() as cursor:
        if kind == "id":
            cursor.execute(f"SELECT id FROM {_PERSON} WHERE system_number = %s", [text.upper()])  # noqa: S608
            return _people_rows(cursor, [r[0] for r in cursor.fetchall()])
        if kind == "prefix":
            cursor.execute(
                f"SELECT DISTINCT person_id, family_norm, given_norm FROM {_NAME} "  # noqa: S608
                "WHERE family_norm >= %s AND family_norm < %s ORDER BY family_norm, given_norm LIMIT %s",
                [text, rules.prefix_upper_bound(text) or "{", RESULT_LIMIT],
            )
            return _people_rows(cursor, list(dict.fromkeys(r[0] for r in cursor.fetchall())))
        given, family = text.lower().split(" ", 1)
        family_norm, given_norm = rules.normalise_name(family), rules.normalise_name(given)
        if kind == "sound_alike":
            cursor.execute(
                f"SELECT person_id FROM {_NAME} WHERE family_phonetic = %s AND given_phonetic = %s LIMIT %s",  # noqa: S608
                [rules.metaphone_key(family_norm), rules.metaphone_key(given_norm), RESULT_LIMIT],
            )
            return _people_rows(cursor, list(dict.fromkeys(r[0] for r in cursor.fetchall())))
        start = family_norm[:3]
        cursor.execute(
            f"SELECT person_id, given_norm, family_norm FROM {_NAME} "  # noqa: S608
            "WHERE family_norm >= %s AND family_norm < %s LIMIT %s",
            [start, rules.prefix_upper_bound(start) or "{", FUZZY_CANDIDATES],
        )
        candidates = cursor.fetchall()
        best = process.extract(
            f"{given_norm} {family_norm}",
            [f"{g} {f}" for _, g, f in candidates],
            scorer=fuzz.ratio,
            limit=RESULT_LIMIT,
        )
        return _people_rows(cursor, list(dict.fromkeys(candidates[i][0] for _, _, i in best)))


class BruteForce:
    """Every stored name in memory; each query scores all of them with rapidfuzz."""

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT person_id, given_norm, family_norm FROM {_NAME}")  # noqa: S608
            rows = cursor.fetchall()
        self.person_ids = [r[0] for r in rows]
        self.choices = [f"{g} {f}" for _, g, f in rows]

    def search(self, text: str) -> list[int]:
        given, family = text.lower().split(" ", 1)
        query = f"{rules.normalise_name(given)} {rules.normalise_name(family)}"
        best = process.extract(query, self.choices, scorer=fuzz.ratio, limit=RESULT_LIMIT)
        return list(dict.fromkeys(self.person_ids[i] for _, _, i in best))


# --- measuring ---------------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 100 samples is the 99th smallest)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return ordered[rank - 1]


def _timed(fn: Callable[[], list[int]]) -> tuple[float, list[int]]:
    started = time.perf_counter()
    found = fn()
    return (time.perf_counter() - started) * 1000, found


def _summary(times_ms: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(times_ms, 50), 3),
        "p99_ms": round(percentile(times_ms, 99), 3),
        "mean_ms": round(sum(times_ms) / len(times_ms), 3) if times_ms else 0.0,
    }


def run(*, queries_per_kind: int, brute_force_queries: int, tier: str) -> dict:
    """Time every kind on both paths (interleaved), and fuzzy against brute force."""
    actor = bench_actor()
    queries = build_queries(queries_per_kind)
    people = Person.objects.count()
    names = PersonName.objects.count()
    for kind in KINDS:  # warm caches and connections on both paths before timing
        for text, _ in queries[kind][:5]:
            oms_search(actor, text)
            raw_search(kind, text)
    results: dict[str, dict] = {}
    for kind in KINDS:
        oms_times, raw_times, audited_times, found = [], [], [], 0
        for text, person_id in queries[kind]:
            elapsed, hits = _timed(lambda text=text: oms_search(actor, text))
            oms_times.append(elapsed)
            found += person_id in hits
            raw_times.append(_timed(lambda kind=kind, text=text: raw_search(kind, text))[0])
            audited_times.append(_timed(lambda kind=kind, text=text: raw_search(kind, text, audited=True))[0])
        oms, raw, audited = _summary(oms_times), _summary(raw_times), _summary(audited_times)
        ratio = oms["p99_ms"] / raw["p99_ms"] if raw["p99_ms"] else None
        audited_ratio = oms["p99_ms"] / audited["p99_ms"] if audited["p99_ms"] else None
        results[kind] = {
            "queries": len(queries[kind]),
            "examples": [text for text, _ in queries[kind][:3]],
            "oms": oms,
            "raw_sql": raw,
            "raw_sql_plus_audit_event": audited,
            "p99_ratio_to_raw": round(ratio, 2) if ratio is not None else None,
            "p99_ratio_to_raw_plus_audit": round(audited_ratio, 2) if audited_ratio is not None else None,
            "meets_ratio_target": ratio is not None and ratio <= RATIO_TARGET,
            "absolute_p99_target_ms": ABSOLUTE_P99_MS[kind],
            "meets_absolute_target": oms["p99_ms"] <= ABSOLUTE_P99_MS[kind],
            "found_rate": round(found / len(queries[kind]), 3) if queries[kind] else None,
        }
    brute = BruteForce()
    brute_queries = queries["fuzzy"][:brute_force_queries]
    brute_times = [_timed(lambda text=text: brute.search(text))[0] for text, _ in brute_queries]
    brute_summary = _summary(brute_times)
    oms_fuzzy_p50 = results["fuzzy"]["oms"]["p50_ms"]
    speedup = brute_summary["p50_ms"] / oms_fuzzy_p50 if oms_fuzzy_p50 else None
    results["fuzzy"]["brute_force"] = {
        "queries": len(brute_times),
        "names_scored_per_query": len(brute.choices),
        **brute_summary,
        "speedup_p50": round(speedup, 2) if speedup is not None else None,
        "target_speedup": BRUTE_FORCE_SPEEDUP_TARGET,
        "meets_target": speedup is not None and speedup >= BRUTE_FORCE_SPEEDUP_TARGET,
        # Below a few hundred thousand names brute force takes less than one database round trip, so
        # narrowing cannot win; the target is stated for 1M and only counts there.
        "binding": tier == "1m",
    }
    checks = [r["meets_ratio_target"] for r in results.values()]
    if tier == "1m":
        checks.append(results["fuzzy"]["brute_force"]["meets_target"])
    return {
        "benchmark": "B4",
        "name": "person search",
        "tier": tier,
        "database": connection.vendor,
        "people": people,
        "names": names,
        "oms_path": "oms.people.queries.search_people (national actor, audited, in a transaction)",
        "raw_path": "plain SQL on the same indexes (fuzzy: indexed candidates + rapidfuzz)",
        "kinds": results,
        "ratio_target": RATIO_TARGET,
        "meets_target": all(checks),
        # The absolute latency targets are stated for 1M people; smaller tiers report them for interest.
        "absolute_targets_binding": tier == "1m",
    }
