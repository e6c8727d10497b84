"""Pure rules for the person record: name keys, system numbers, identifiers, search ranking and
duplicate scoring. Plain values in, plain values out: no ORM, no I/O (tested table-driven and with
hypothesis)."""

from __future__ import annotations

import datetime as dt
import functools
import random
import re
import string
import unicodedata
from dataclasses import dataclass, field

import jellyfish
from rapidfuzz import fuzz

# --- names --------------------------------------------------------------------------------------

# Letters NFKD does not decompose into an ASCII base letter.
_SPECIAL_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "þ": "th",
        "Þ": "TH",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
    }
)
PHONETIC_KEY_LENGTH = 20


def normalise_name(name: str) -> str:
    """Lower-case ASCII letters only: accents stripped, spaces, hyphens and apostrophes dropped
    ("O'Brien-Müller" -> "obrienmuller"), so every spelling of punctuation compares equal."""
    decomposed = unicodedata.normalize("NFKD", (name or "").translate(_SPECIAL_LETTERS))
    return "".join(ch for ch in decomposed.lower() if "a" <= ch <= "z")


@functools.lru_cache(maxsize=8192)  # ranking asks for the same typed token's key once per candidate
def metaphone_key(name_norm: str) -> str:
    return jellyfish.metaphone(name_norm).upper()[:PHONETIC_KEY_LENGTH] if name_norm else ""


@functools.lru_cache(maxsize=8192)
def nysiis_key(name_norm: str) -> str:
    return jellyfish.nysiis(name_norm).upper()[:PHONETIC_KEY_LENGTH] if name_norm else ""


@dataclass(frozen=True)
class NameKeys:
    family_norm: str
    given_norm: str
    family_phonetic: str
    given_phonetic: str
    family_nysiis: str
    family_anagram: str  # the letters sorted: swapped letters ("Adnrews") still meet ("Andrews")


def anagram_key(name_norm: str) -> str:
    return "".join(sorted(name_norm))


def name_keys(family_name: str, given_name: str = "") -> NameKeys:
    """The stored search keys of one name (``PersonName``)."""
    family_norm = normalise_name(family_name)[:100]
    given_norm = normalise_name(given_name)[:100]
    return NameKeys(
        family_norm=family_norm,
        given_norm=given_norm,
        family_phonetic=metaphone_key(family_norm),
        given_phonetic=metaphone_key(given_norm),
        family_nysiis=nysiis_key(family_norm),
        family_anagram=anagram_key(family_norm),
    )


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string above every string starting with ``prefix`` (letters a-z only), so a prefix
    search is an index range ``prefix <= x < bound`` on both SQLite and PostgreSQL, whatever the
    collation's LIKE support. None when no bound exists ("zz" -> every string from "zz" on)."""
    trimmed = prefix.rstrip("z")
    if not trimmed:
        return None
    return trimmed[:-1] + chr(ord(trimmed[-1]) + 1)


# --- system numbers and identifiers -------------------------------------------------------------

SYSTEM_NUMBER_PATTERN = re.compile(r"^[A-Z][0-9]{4}[A-Z]{2}$")


def normalise_system_number(text: str) -> str:
    return re.sub(r"[\s-]", "", text or "").upper()


def is_system_number(text: str) -> bool:
    return bool(SYSTEM_NUMBER_PATTERN.match(normalise_system_number(text)))


def generate_system_number(rng: random.Random) -> str:
    """A random number like A1234BC (26 x 10^4 x 26^2 = 175.76M values; the caller retries on clash)."""
    letters = string.ascii_uppercase
    return (
        rng.choice(letters)
        + "".join(rng.choice(string.digits) for _ in range(4))
        + rng.choice(letters)
        + rng.choice(letters)
    )


def normalise_identifier(value: str) -> str:
    """Upper-case letters and digits only: "2001/0012345a" and "20010012345A" are the same number."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(ch for ch in decomposed.upper() if ch.isascii() and ch.isalnum())[:50]


# --- search --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameQuery:
    """A typed name split into tokens. ``family_first`` when written "Family, Given"."""

    tokens: tuple[str, ...]
    family_first: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.tokens


def parse_name_query(text: str) -> NameQuery:
    text = (text or "")[:200]
    family_first = "," in text
    tokens = tuple(t for t in (normalise_name(part) for part in re.split(r"[\s,]+", text)) if t)
    return NameQuery(tokens=tokens[:4], family_first=family_first)


def looks_like_identifier(text: str) -> bool:
    """Contains a digit: names never do, numbers nearly always do."""
    return any(ch.isdigit() for ch in text or "")


class MatchKind:
    SYSTEM_NUMBER = "system number"
    IDENTIFIER = "identifier"
    EXACT = "exact name"
    PREFIX = "name starts with"
    SOUND_ALIKE = "sounds like"
    FUZZY = "similar spelling"


@dataclass(frozen=True)
class CandidateName:
    """One stored name of a candidate person, as fetched for ranking."""

    person_id: int
    family_norm: str
    given_norm: str
    family_phonetic: str
    given_phonetic: str
    family_nysiis: str
    is_alias: bool = False
    date_of_birth: dt.date | None = None


@dataclass(frozen=True)
class NameScore:
    score: float
    kind: str


FUZZY_MIN_RATIO = 75.0
_KIND_RANK = {MatchKind.EXACT: 4, MatchKind.PREFIX: 3, MatchKind.SOUND_ALIKE: 2, MatchKind.FUZZY: 1}


def score_token(token: str, stored_norm: str, stored_phonetic: str, stored_nysiis: str = "") -> NameScore | None:
    """How well one typed token matches one stored name part (None: not at all)."""
    if not token or not stored_norm:
        return None
    if stored_norm == token:
        return NameScore(100.0, MatchKind.EXACT)
    if stored_norm.startswith(token):
        # A longer typed prefix is a stronger match: "smi" -> smith ranks below "smit" -> smith.
        return NameScore(85.0 + 10.0 * len(token) / len(stored_norm), MatchKind.PREFIX)
    if metaphone_key(token) == stored_phonetic or (stored_nysiis and nysiis_key(token) == stored_nysiis):
        return NameScore(70.0 + 0.1 * fuzz.ratio(token, stored_norm), MatchKind.SOUND_ALIKE)
    ratio = fuzz.ratio(token, stored_norm)
    if ratio >= FUZZY_MIN_RATIO:
        return NameScore(0.75 * ratio, MatchKind.FUZZY)
    return None


def _weakest(*scores: NameScore) -> str:
    return min((s.kind for s in scores), key=lambda k: _KIND_RANK[k])


def score_name(query: NameQuery, name: CandidateName) -> NameScore | None:
    """Score a stored name against the typed tokens.

    One token matches either the family or the given name (family preferred). Several tokens are read
    as "given ... family" or, with a comma, "family, given ..."; the other order is tried too, at a
    small discount, because people type names both ways.
    """
    if query.is_empty:
        return None
    tokens = query.tokens
    if len(tokens) == 1:
        family = score_token(tokens[0], name.family_norm, name.family_phonetic, name.family_nysiis)
        given = score_token(tokens[0], name.given_norm, name.given_phonetic)
        options = [s for s in (family, NameScore(given.score - 10, given.kind) if given else None) if s]
        best = max(options, key=lambda s: s.score, default=None)
    else:
        orders = [(tokens[0], tokens[-1]), (tokens[-1], tokens[0])]
        if not query.family_first:
            orders.reverse()  # "john smith": the last token is the family name
        best = None
        for position, (family_token, given_token) in enumerate(orders):
            family = score_token(family_token, name.family_norm, name.family_phonetic, name.family_nysiis)
            given = score_token(given_token, name.given_norm, name.given_phonetic)
            if family is None or given is None:
                continue
            combined = 0.6 * family.score + 0.4 * given.score - 5.0 * position
            if best is None or combined > best.score:
                best = NameScore(combined, _weakest(family, given))
    if best is None:
        return None
    if name.is_alias:
        best = NameScore(best.score - 2.0, best.kind)  # ties go to the primary name
    return best


@dataclass
class RankedPerson:
    person_id: int
    score: float
    kind: str
    matched_name: CandidateName | None = None
    reasons: list[str] = field(default_factory=list)


def rank_candidates(
    query: NameQuery,
    names: list[CandidateName],
    *,
    date_of_birth: dt.date | None = None,
    exact_person_ids: dict[int, str] | None = None,
    limit: int = 50,
) -> list[RankedPerson]:
    """Best match per person, best first. ``exact_person_ids`` maps people found by system number or
    identifier to that match kind; they rank above every name match. A matching date of birth adds
    weight (the caller filters by DOB when asked; here it only orders)."""
    best: dict[int, RankedPerson] = {}
    for person_id, kind in (exact_person_ids or {}).items():
        best[person_id] = RankedPerson(person_id, 200.0, kind, reasons=[kind])
    for name in names:
        scored = score_name(query, name)
        if scored is None:
            continue
        score = scored.score + (15.0 if date_of_birth and name.date_of_birth == date_of_birth else 0.0)
        current = best.get(name.person_id)
        if current is None or (
            current.kind not in (MatchKind.SYSTEM_NUMBER, MatchKind.IDENTIFIER) and score > current.score
        ):
            best[name.person_id] = RankedPerson(
                name.person_id,
                score,
                scored.kind,
                matched_name=name,
                reasons=[scored.kind + (" (alias)" if name.is_alias else "")],
            )
    ranked = sorted(best.values(), key=lambda r: (-r.score, r.person_id))
    return ranked[:limit]


def age_on(date_of_birth: dt.date, today: dt.date) -> int:
    """Age in whole years on ``today``; someone born on 29 February has a birthday on 1 March in
    other years."""
    had_birthday = (today.month, today.day) >= (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - (0 if had_birthday else 1)


def age_range_to_birth_dates(
    today: dt.date, min_age: int | None, max_age: int | None
) -> tuple[dt.date | None, dt.date | None]:
    """Ages (whole years, inclusive) as a date-of-birth window: (born on or after, born on or before)."""

    def years_before(years: int) -> dt.date:
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # 29 February in a non-leap year
            return today.replace(year=today.year - years, day=28)

    born_on_or_before = years_before(min_age) if min_age is not None else None
    born_on_or_after = years_before(max_age + 1) + dt.timedelta(days=1) if max_age is not None else None
    return born_on_or_after, born_on_or_before


# --- duplicates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """What the duplicate check compares: names (primary and aliases), DOB and identifiers."""

    names: tuple[tuple[str, str], ...]  # (family_norm, given_norm)
    date_of_birth: dt.date | None
    identifiers: frozenset[tuple[str, str]] = frozenset()  # (kind, value_norm)


@dataclass(frozen=True)
class DuplicateScore:
    score: int
    reasons: tuple[str, ...]


DUPLICATE_THRESHOLD = 60


def duplicate_score(new: PersonFacts, existing: PersonFacts) -> DuplicateScore:
    """How likely ``existing`` is the same person as ``new`` (0-100; >= DUPLICATE_THRESHOLD warns).

    A shared identifier of the same kind is decisive. Otherwise the best name pair counts: same or
    sound-alike family and given names, with a matching date of birth doing most of the work.
    """
    reasons: list[str] = []
    shared = new.identifiers & existing.identifiers
    if shared:
        reasons.append("same identifier: " + ", ".join(sorted(kind for kind, _ in shared)))
        return DuplicateScore(100, tuple(reasons))
    name_points = 0
    name_reason = ""
    for new_family, new_given in new.names:
        for old_family, old_given in existing.names:
            points, reason = _name_pair_points(new_family, new_given, old_family, old_given)
            if points > name_points:
                name_points, name_reason = points, reason
    if name_points == 0:
        return DuplicateScore(0, ())
    reasons.append(name_reason)
    dob_points = 0
    if new.date_of_birth and existing.date_of_birth:
        if new.date_of_birth == existing.date_of_birth:
            dob_points = 40
            reasons.append("same date of birth")
        elif _transposed_date(new.date_of_birth, existing.date_of_birth):
            dob_points = 25
            reasons.append("date of birth with day and month swapped")
        else:
            dob_points = -30
    return DuplicateScore(max(0, min(100, name_points + dob_points)), tuple(reasons))


def _name_pair_points(new_family: str, new_given: str, old_family: str, old_given: str) -> tuple[int, str]:
    family_same = new_family == old_family
    family_alike = (
        family_same
        or metaphone_key(new_family) == metaphone_key(old_family)
        or (nysiis_key(new_family) == nysiis_key(old_family))
    )
    if not family_alike and fuzz.ratio(new_family, old_family) < 85:
        return 0, ""
    if new_given and old_given:
        if new_given == old_given:
            given_points = 25
        elif metaphone_key(new_given) == metaphone_key(old_given) or fuzz.ratio(new_given, old_given) >= 85:
            given_points = 18
        elif new_given[0] == old_given[0]:
            given_points = 8
        else:
            return 0, ""
    else:
        given_points = 5
    family_points = 35 if family_same else 28 if family_alike else 20
    label = "same name" if family_same and given_points == 25 else "similar name"
    return family_points + given_points, label


def _transposed_date(a: dt.date, b: dt.date) -> bool:
    return a.year == b.year and a.day == b.month and a.month == b.day and a != b


# --- photographs ----------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 2 * 1024 * 1024
_PHOTO_TYPES = {
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
}


def photo_content_type(filename: str, head: bytes) -> str | None:
    """The content type of an allowed photograph, or None: the extension must be on the allowlist
    and the first bytes must be that format's signature (a renamed file is refused)."""
    name = (filename or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    allowed = _PHOTO_TYPES.get(extension)
    if allowed is None or not head.startswith(allowed[1]):
        return None
    return allowed[0]
