"""Pure rules for synthetic demo data: reference formats and deliberate misspellings.

Everything here is plain Python and deterministic for a given ``random.Random``, so a fixed seed
gives the same population every time.
"""

from __future__ import annotations

import random
import string

# The system number is a letter, four digits and two letters (A1234BC). Demo numbers walk that space
# with a multiplier coprime to its size, so every index maps to a distinct, random-looking number.
_LETTERS = string.ascii_uppercase
_SYSTEM_NUMBER_SPACE = 26 * 10_000 * 26 * 26
_SYSTEM_NUMBER_STRIDE = 48_271  # prime, shares no factor with 2, 5 or 13 (the factors of the space)
_SYSTEM_NUMBER_OFFSET = 9_876_543


def system_number_for(index: int, seed: int = 0) -> str:
    """The demo system number for the ``index``-th generated person (distinct for distinct indexes)."""
    n = (index * _SYSTEM_NUMBER_STRIDE + _SYSTEM_NUMBER_OFFSET + seed * 7_777_777) % _SYSTEM_NUMBER_SPACE
    n, tail2 = divmod(n, 26)
    n, tail1 = divmod(n, 26)
    n, digits = divmod(n, 10_000)
    return f"{_LETTERS[n]}{digits:04d}{_LETTERS[tail1]}{_LETTERS[tail2]}"


def pnc_number(rng: random.Random, year: int) -> str:
    """A Police National Computer style number: two-digit year, serial, check letter (e.g. 04/123456X)."""
    return f"{year % 100:02d}/{rng.randrange(1, 999_999):06d}{rng.choice(_LETTERS)}"


def cro_number(rng: random.Random, year: int) -> str:
    """A Criminal Records Office style number (e.g. 123456/04K)."""
    return f"{rng.randrange(1, 999_999):06d}/{year % 100:02d}{rng.choice(_LETTERS)}"


def national_insurance_number(rng: random.Random) -> str:
    """A National Insurance style number; 'QQ' prefixes are never issued, so demo values cannot be real."""
    return f"QQ{rng.randrange(0, 1_000_000):06d}{rng.choice('ABCD')}"


def passport_number(rng: random.Random) -> str:
    return f"{rng.randrange(100_000_000, 999_999_999)}"


def home_office_reference(rng: random.Random) -> str:
    return f"{rng.choice(_LETTERS)}{rng.randrange(1_000_000, 9_999_999)}"


# Spelling variants a records clerk or a person giving details might produce.
_VARIANT_GROUPS = [
    ("smith", "smyth", "smithe"),
    ("mohammed", "muhammad", "mohammad", "mohamed"),
    ("thompson", "thomson", "tompson"),
    ("macdonald", "mcdonald", "mcdonnell"),
    ("stephens", "stevens", "stephen"),
    ("philips", "phillips", "fillips"),
    ("catherine", "katherine", "kathryn", "cathryn"),
    ("jon", "john", "jonn"),
    ("shaun", "sean", "shawn"),
    ("steven", "stephen", "stefan"),
    ("nicholas", "nicolas", "nikolas"),
    ("claire", "clare", "clair"),
]
_VARIANTS = {name: group for group in _VARIANT_GROUPS for name in group}
_VOWELS = "aeiou"


def misspell(name: str, rng: random.Random) -> str:
    """A plausible misspelling of ``name``: a known variant, a doubled or dropped letter, swapped
    neighbours or a changed vowel. Always differs from ``name`` when ``name`` has two letters or more."""
    if len(name) < 2:
        return name
    variants = _VARIANTS.get(name.lower())
    if variants:
        choice = rng.choice([v for v in variants if v != name.lower()])
        return choice.capitalize() if name[:1].isupper() else choice
    for _ in range(8):
        candidate = _one_edit(name, rng)
        if candidate != name and candidate.strip():
            return candidate
    return name + name[-1]


def _one_edit(name: str, rng: random.Random) -> str:
    kind = rng.randrange(4)
    i = rng.randrange(1, len(name))  # keep the first letter: people rarely get it wrong
    if kind == 0 and i < len(name) - 1:  # swap neighbours
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == 1 and name[i].isalpha():  # double a letter
        return name[:i] + name[i] + name[i:]
    if kind == 2 and len(name) > 3:  # drop a letter
        return name[:i] + name[i + 1 :]
    vowel_positions = [j for j, c in enumerate(name) if j > 0 and c.lower() in _VOWELS]
    if vowel_positions:  # change a vowel
        j = rng.choice(vowel_positions)
        replacement = rng.choice([v for v in _VOWELS if v != name[j].lower()])
        return name[:j] + replacement + name[j + 1 :]
    return name


NICKNAMES = {
    "William": "Bill",
    "Robert": "Bob",
    "Richard": "Dick",
    "James": "Jim",
    "Thomas": "Tom",
    "Michael": "Mike",
    "Daniel": "Danny",
    "Anthony": "Tony",
    "Christopher": "Chris",
    "Joseph": "Joe",
    "Elizabeth": "Liz",
    "Margaret": "Maggie",
    "Jennifer": "Jenny",
    "Rebecca": "Becky",
    "Samantha": "Sam",
    "Alexander": "Alex",
    "Benjamin": "Ben",
    "Matthew": "Matt",
    "Nicholas": "Nick",
    "Jonathan": "Jon",
}


def age_weighted_birth_year(rng: random.Random, this_year: int) -> int:
    """Birth year for an adult in the justice system: mostly 20-45, tail to 80."""
    age = int(min(80, max(18, rng.lognormvariate(3.45, 0.3))))
    return this_year - age
