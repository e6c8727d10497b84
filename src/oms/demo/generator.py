"""Synthetic people for demos and benchmarks, generated from a seed.

Faker builds vocabularies once (UK names with a mix of other locales, so sound-alike search meets
Irish, Polish, Romanian, Indian, Nigerian... spellings); a seeded ``random.Random`` then draws each
person from them, which keeps a million people fast and the same seed gives the same population.
Nothing here touches the database: the loader turns drafts into rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from faker import Faker

from oms.demo import rules

# Locale, share of the population, nationality, main language (ISO 639-1).
LOCALES: list[tuple[str, float, str, str]] = [
    ("en_GB", 0.60, "British", "en"),
    ("en_IE", 0.06, "Irish", "en"),
    ("pl_PL", 0.06, "Polish", "pl"),
    ("ro_RO", 0.04, "Romanian", "ro"),
    ("en_IN", 0.06, "British", "en"),
    ("yo_NG", 0.04, "Nigerian", "yo"),
    ("lt_LT", 0.02, "Lithuanian", "lt"),
    ("pt_PT", 0.03, "Portuguese", "pt"),
    ("it_IT", 0.03, "Italian", "it"),
    ("tr_TR", 0.03, "Turkish", "tr"),
    ("es_ES", 0.03, "Spanish", "es"),
]
ETHNICITIES = [
    ("White: English, Welsh, Scottish, Northern Irish or British", 0.62),
    ("White: Irish", 0.03),
    ("White: any other White background", 0.10),
    ("Asian or Asian British: Indian", 0.04),
    ("Asian or Asian British: Pakistani", 0.04),
    ("Black or Black British: African", 0.05),
    ("Black or Black British: Caribbean", 0.04),
    ("Mixed: White and Black Caribbean", 0.03),
    ("Other ethnic group: any other", 0.02),
    ("Prefer not to say", 0.03),
]
NOTE_SENTENCES = [
    "Attended the appointment on time and engaged well.",
    "Discussed accommodation on release; referral made to the housing team.",
    "Reported feeling low this week; wellbeing check arranged.",
    "Completed the induction and was given the information booklet.",
    "Missed the appointment; a letter has been sent.",
    "Positive report from the workshop instructor.",
    "Family visit went well according to officers.",
    "Asked about education courses; referred to the learning centre.",
    "Reminded of licence conditions and the consequences of breach.",
    "Drug test result negative.",
    "Employment support: CV prepared with the resettlement worker.",
    "Raised a complaint about property; logged and passed to the wing manager.",
    "Telephone contact made; no concerns raised.",
    "Attended group session three of eight.",
    "Medication reviewed by the healthcare team.",
]
ALERT_TEXT = {
    "self_harm": "History of self-harm; follow the care plan.",
    "violence": "Assaulted staff in the past; two officers for unlocks.",
    "escape": "Previous escape attempt from escort.",
    "medical": "Diabetic; needs regular meals.",
    "vulnerability": "Vulnerable to exploitation by others.",
    "security": "Intelligence suggests links to organised crime.",
    "safeguarding": "No unsupervised contact with children.",
    "visits": "Banned from visits with named individual.",
    "other": "See case notes for details.",
}
CUSTODY_STATUSES = ["remand", "convicted_unsentenced", "sentenced", "sentenced", "sentenced", "recall"]
COMMUNITY_STATUSES = ["community_order", "licence", "licence"]


@dataclass(slots=True)
class SiteChoice:
    """The sites the population is spread over, by kind (site codes; the loader maps them to ids)."""

    prisons: list[str]
    offices: list[str]
    diversion: list[str]
    partner: list[str]


@dataclass(slots=True)
class NameDraft:
    kind: str
    family_name: str
    given_name: str
    date_of_birth: dt.date | None


@dataclass(slots=True)
class PersonDraft:
    index: int
    system_number: str
    family_name: str
    given_name: str
    middle_names: str
    date_of_birth: dt.date
    sex: str
    gender_identity: str
    ethnicity: str
    nationality: str
    languages: list[str]
    interpreter_required: bool
    status: str
    legal_status: str
    names: list[NameDraft] = field(default_factory=list)  # the primary name first, then aliases
    identifiers: list[tuple[str, str, str]] = field(default_factory=list)  # kind, value, issued by
    addresses: list[tuple] = field(default_factory=list)  # kind, line1, line2, town, postcode, from, to, primary
    contacts: list[tuple] = field(default_factory=list)  # name, relationship, phone, next of kin
    alerts: list[tuple] = field(default_factory=list)  # type, level, description, starts, ends
    notes: list[tuple] = field(default_factory=list)  # type, sensitive, text, site code, days ago
    site_links: list[tuple] = field(default_factory=list)  # site code, kind, started, ended
    near_duplicate_of: int | None = None  # index of the person this record accidentally repeats


class _Vocabulary:
    """Names and places drawn once from Faker per locale."""

    def __init__(self, seed: int):
        self.family: dict[str, list[str]] = {}
        self.male: dict[str, list[str]] = {}
        self.female: dict[str, list[str]] = {}
        for locale, *_ in LOCALES:
            fake = Faker(locale)
            fake.seed_instance(seed)
            self.family[locale] = sorted({fake.last_name() for _ in range(1500)})
            self.male[locale] = sorted({fake.first_name_male() for _ in range(600)})
            self.female[locale] = sorted({fake.first_name_female() for _ in range(600)})
        # British surnames are the bulk of the population: widen them with the en_US list, which
        # shares its roots, so surnames are not implausibly concentrated.
        us = Faker("en_US")
        us.seed_instance(seed)
        self.family["en_GB"] = sorted(set(self.family["en_GB"]) | {us.last_name() for _ in range(3000)})
        uk = Faker("en_GB")
        uk.seed_instance(seed)
        self.streets = sorted({uk.street_name() for _ in range(3000)})
        self.towns = sorted({uk.city() for _ in range(1500)})
        self.postcodes = [uk.postcode() for _ in range(5000)]
        self.phones = [uk.phone_number() for _ in range(2000)]


@functools.lru_cache(maxsize=4)
def vocabulary(seed: int) -> _Vocabulary:
    """Building the vocabulary takes about a second; loads and tests with the same seed share it."""
    return _Vocabulary(seed)


class PopulationGenerator:
    """Yields ``PersonDraft`` objects; the same seed and sites give the same people."""

    ALIAS_SHARE = 0.20
    NEAR_DUPLICATE_SHARE = 0.02

    def __init__(self, *, seed: int, sites: SiteChoice, today: dt.date, first_index: int = 0):
        self.rng = random.Random(f"{seed}:{first_index}")
        self.seed = seed
        self.sites = sites
        self.today = today
        self.next_index = first_index
        self.vocab = vocabulary(seed)
        self._locale_codes = [loc for loc, *_ in LOCALES]
        self._locale_weights = [w for _, w, *_ in LOCALES]
        self._locale_info = {loc: (nat, lang) for loc, _, nat, lang in LOCALES}
        self._ethnicities = [e for e, _ in ETHNICITIES]
        self._ethnicity_weights = [w for _, w in ETHNICITIES]
        self._recent: list[PersonDraft] = []  # candidates to repeat as near-duplicates

    def people(self, count: int) -> Iterator[PersonDraft]:
        for _ in range(count):
            if self._recent and self.rng.random() < self.NEAR_DUPLICATE_SHARE:
                person = self._near_duplicate(self.rng.choice(self._recent))
            else:
                person = self._person()
            if len(self._recent) < 500:
                self._recent.append(person)
            else:
                self._recent[self.rng.randrange(500)] = person
            yield person

    # --- one person ------------------------------------------------------------------------------
    def _take_index(self) -> int:
        index = self.next_index
        self.next_index += 1
        return index

    def _person(self) -> PersonDraft:
        rng = self.rng
        locale = rng.choices(self._locale_codes, self._locale_weights)[0]
        nationality, language = self._locale_info[locale]
        roll = rng.random()
        sex = "male" if roll < 0.82 else "female" if roll < 0.99 else "not_known"
        given = self._given(locale, sex)
        middle = self._given(locale, sex) if rng.random() < 0.45 else ""
        family = rng.choice(self.vocab.family[locale])
        birth_year = rules.age_weighted_birth_year(rng, self.today.year)
        dob = dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        index = self._take_index()
        person = PersonDraft(
            index=index,
            system_number=rules.system_number_for(index, self.seed),
            family_name=family,
            given_name=given,
            middle_names=middle,
            date_of_birth=dob,
            sex=sex,
            gender_identity="" if rng.random() < 0.97 else rng.choice(["Trans woman", "Trans man", "Non-binary"]),
            ethnicity=rng.choices(self._ethnicities, self._ethnicity_weights)[0],
            nationality=nationality,
            languages=[language] if language == "en" else [language, "en"],
            interpreter_required=language != "en" and rng.random() < 0.3,
            status="active" if rng.random() < 0.97 else "inactive",
            legal_status="none",
        )
        person.names.append(NameDraft("primary", family, given, None))
        if rng.random() < self.ALIAS_SHARE:
            for _ in range(rng.choice((1, 1, 1, 2, 3))):
                person.names.append(self._alias(person, locale))
        self._identifiers(person, locale)
        self._addresses(person)
        self._contacts(person, locale)
        self._placement(person)
        self._alerts(person)
        self._notes(person)
        return person

    def _given(self, locale: str, sex: str) -> str:
        pool = self.vocab.female[locale] if sex == "female" else self.vocab.male[locale]
        return self.rng.choice(pool)

    def _alias(self, person: PersonDraft, locale: str) -> NameDraft:
        rng = self.rng
        roll = rng.random()
        other_dob = person.date_of_birth + dt.timedelta(days=rng.randint(-400, 400)) if rng.random() < 0.1 else None
        if roll < 0.35:  # a misspelt surname given at an earlier arrest
            return NameDraft("alias", rules.misspell(person.family_name, rng), person.given_name, other_dob)
        if roll < 0.55:  # a nickname or a middle name used as the first name
            given = rules.NICKNAMES.get(person.given_name) or person.middle_names or self._given(locale, person.sex)
            return NameDraft("alias", person.family_name, given, other_dob)
        if roll < 0.70 and person.sex == "female":
            return NameDraft("maiden", rng.choice(self.vocab.family[locale]), person.given_name, None)
        if roll < 0.75:
            return NameDraft("birth", rng.choice(self.vocab.family[locale]), person.given_name, None)
        return NameDraft(  # an unrelated false name
            "alias", rng.choice(self.vocab.family[locale]), self._given(locale, person.sex), other_dob
        )

    def _identifiers(self, person: PersonDraft, locale: str) -> None:
        rng = self.rng
        first_arrest_year = min(self.today.year, person.date_of_birth.year + rng.randint(16, 40))
        if rng.random() < 0.85:
            person.identifiers.append(("pnc", rules.pnc_number(rng, first_arrest_year), "Police"))
        if rng.random() < 0.5:
            person.identifiers.append(("cro", rules.cro_number(rng, first_arrest_year), "ACRO"))
        if person.nationality == "British" and rng.random() < 0.5:
            person.identifiers.append(("nino", rules.national_insurance_number(rng), "DWP"))
        if rng.random() < 0.15:
            person.identifiers.append(("passport", rules.passport_number(rng), person.nationality))
        if person.nationality not in ("British", "Irish") and rng.random() < 0.4:
            person.identifiers.append(("home_office", rules.home_office_reference(rng), "Home Office"))

    def _addresses(self, person: PersonDraft) -> None:
        rng = self.rng
        if rng.random() < 0.08:
            person.addresses.append(("nfa", "", "", "", "", None, None, True))
            return
        v = self.vocab
        moved_in = self.today - dt.timedelta(days=rng.randint(30, 3000))
        person.addresses.append(
            (
                "home",
                f"{rng.randint(1, 250)} {rng.choice(v.streets)}",
                "",
                rng.choice(v.towns),
                rng.choice(v.postcodes),
                moved_in,
                None,
                True,
            )
        )
        if rng.random() < 0.3:
            person.addresses.append(
                (
                    "previous",
                    f"Flat {rng.randint(1, 40)}, {rng.randint(1, 250)} {rng.choice(v.streets)}",
                    "",
                    rng.choice(v.towns),
                    rng.choice(v.postcodes),
                    moved_in - dt.timedelta(days=rng.randint(200, 2000)),
                    moved_in,
                    False,
                )
            )

    def _contacts(self, person: PersonDraft, locale: str) -> None:
        rng = self.rng
        if rng.random() < 0.5:
            relationship = rng.choice(["Mother", "Father", "Partner", "Sister", "Brother", "Friend"])
            name = f"{self._given(locale, rng.choice(['male', 'female']))} {person.family_name}"
            person.contacts.append((name, relationship, rng.choice(self.vocab.phones), True))

    def _placement(self, person: PersonDraft) -> None:
        """Legal status and the site links that go with it (custody, supervision, diversion)."""
        rng = self.rng
        roll = rng.random()
        start = self.today - dt.timedelta(days=rng.randint(1, 900))
        if roll < 0.35 and self.sites.prisons:
            person.legal_status = rng.choice(CUSTODY_STATUSES)
            person.site_links.append((rng.choice(self.sites.prisons), "custody", start, None))
        elif roll < 0.75 and self.sites.offices:
            person.legal_status = rng.choice(COMMUNITY_STATUSES)
            if person.legal_status == "licence" and self.sites.prisons:  # released from custody
                released = start
                person.site_links.append(
                    (
                        rng.choice(self.sites.prisons),
                        "custody",
                        released - dt.timedelta(days=rng.randint(60, 1500)),
                        released,
                    )
                )
            person.site_links.append((rng.choice(self.sites.offices), "supervision", start, None))
        elif roll < 0.85 and self.sites.diversion:
            person.legal_status = "diversion"
            person.site_links.append((rng.choice(self.sites.diversion), "diversion", start, None))
        else:
            records_sites = self.sites.prisons + self.sites.offices
            if records_sites:
                person.site_links.append((rng.choice(records_sites), "records", start, None))
        if self.sites.partner and rng.random() < 0.05:
            person.site_links.append((rng.choice(self.sites.partner), "referral", start, None))

    def _alerts(self, person: PersonDraft) -> None:
        rng = self.rng
        if rng.random() >= 0.25:
            return
        for alert_type in rng.sample(list(ALERT_TEXT), rng.choice((1, 1, 2, 3))):
            starts = self.today - dt.timedelta(days=rng.randint(1, 1500))
            ends = starts + dt.timedelta(days=rng.randint(30, 365)) if rng.random() < 0.3 else None
            level = rng.choice(["low", "medium", "medium", "high"])
            person.alerts.append((alert_type, level, ALERT_TEXT[alert_type], starts, ends))

    def _notes(self, person: PersonDraft) -> None:
        rng = self.rng
        current_sites = [code for code, _, _, ended in person.site_links if ended is None] or [None]
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            note_type = rng.choice(["general", "general", "behaviour", "supervision", "resettlement", "health"])
            text = " ".join(rng.sample(NOTE_SENTENCES, rng.randint(1, 3)))
            sensitive = note_type == "health" or rng.random() < 0.05
            person.notes.append((note_type, sensitive, text, rng.choice(current_sites), rng.randint(0, 700)))

    def _near_duplicate(self, original: PersonDraft) -> PersonDraft:
        """A second record for the same human: misspelt name, same date of birth, no shared ids."""
        rng = self.rng
        index = self._take_index()
        family = rules.misspell(original.family_name, rng) if rng.random() < 0.7 else original.family_name
        given = original.given_name if family != original.family_name else rules.misspell(original.given_name, rng)
        duplicate = PersonDraft(
            index=index,
            system_number=rules.system_number_for(index, self.seed),
            family_name=family,
            given_name=given,
            middle_names="",
            date_of_birth=original.date_of_birth,
            sex=original.sex,
            gender_identity=original.gender_identity,
            ethnicity=original.ethnicity,
            nationality=original.nationality,
            languages=list(original.languages),
            interpreter_required=original.interpreter_required,
            status="active",
            legal_status="none",
            near_duplicate_of=original.index,
        )
        duplicate.names.append(NameDraft("primary", family, given, None))
        records_sites = self.sites.prisons + self.sites.offices
        if records_sites:
            started = self.today - dt.timedelta(days=rng.randint(1, 300))
            duplicate.site_links.append((rng.choice(records_sites), "records", started, None))
        return duplicate
