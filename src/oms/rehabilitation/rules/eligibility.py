"""Who may join a programme: eligibility rules as data, checked against plain facts about a person.

A programme's ``eligibility`` is a dict; every key is optional and an empty dict admits everyone:

- ``risk_instrument`` (default ``ogrs3``) and ``risk_bands``: the band of the person's current
  assessment with that instrument must be one of these (OGRS3: low / medium / high / very high;
  tiering: A0-D3).
- ``needs``: need domains (criminogenic-needs item codes); the person's current needs assessment must
  rate at least one of them at ``needs_level`` or above (``standard`` by default, or ``severe``).
- ``min_days_to_serve`` / ``max_days_to_serve``: days from today to the release date (inclusive bounds).
- ``sexes``: the person's recorded sex must be one of these.
- ``security_levels``: the security level of the person's current custody episode must be one of these.

A fact OMS does not hold (no current assessment, no release date, sex not known, not classified) is
not a silent pass: the rule answers "cannot check" with a reason, and the person is not shown as
eligible until someone checks it. Allocation treats "cannot check" like "not met": the allocator may
go ahead only with a recorded override reason (docs/rehabilitation-programmes.md).

Pure: no Django, no ORM, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

SEXES = ("male", "female", "intersex", "not_known")
SECURITY_LEVELS = ("open", "low", "medium", "high", "maximum")
NEED_LEVELS = ("standard", "severe")  # in rising order; "no_need" never meets a needs rule
DEFAULT_RISK_INSTRUMENT = "ogrs3"
RULE_KEYS = (
    "risk_instrument",
    "risk_bands",
    "needs",
    "needs_level",
    "min_days_to_serve",
    "max_days_to_serve",
    "sexes",
    "security_levels",
)
MAX_DAYS = 36_600  # a hundred years: past any real sentence


class EligibilityDataError(ValueError):
    """Bad eligibility data; ``field`` names the rule at fault, e.g. ``eligibility.sexes``."""

    def __init__(self, field: str, detail: str):
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


def _strings(value, field: str, *, allowed: tuple[str, ...] | None = None, max_items: int = 50) -> list[str]:
    if not isinstance(value, list | tuple) or not value:
        raise EligibilityDataError(field, "Give a non-empty list, or leave the rule out")
    if len(value) > max_items:
        raise EligibilityDataError(field, f"At most {max_items} values")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip() or len(item) > 60:
            raise EligibilityDataError(field, "Each value must be a short piece of text")
        item = item.strip()
        if allowed is not None and item not in allowed:
            raise EligibilityDataError(field, f"{item!r} is not one of: {', '.join(allowed)}")
        if item not in out:
            out.append(item)
    return out


def _days(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        raise EligibilityDataError(field, f"Give a whole number of days from 0 to {MAX_DAYS}")
    return value


def parse_rules(raw, *, known_needs: tuple[str, ...] | None = None, field: str = "eligibility") -> dict:
    """The rules of ``raw`` checked and normalised (unknown keys refused, lists de-duplicated);
    EligibilityDataError naming the rule at fault. ``known_needs`` limits the need domains."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise EligibilityDataError(field, "Eligibility must be a set of named rules")
    unknown = sorted(set(raw) - set(RULE_KEYS))
    if unknown:
        raise EligibilityDataError(f"{field}.{unknown[0]}", f"Unknown rule; the rules are: {', '.join(RULE_KEYS)}")
    rules: dict = {}
    if raw.get("risk_bands") is not None:
        rules["risk_bands"] = _strings(raw["risk_bands"], f"{field}.risk_bands")
        instrument = raw.get("risk_instrument") or DEFAULT_RISK_INSTRUMENT
        if not isinstance(instrument, str) or len(instrument) > 60:
            raise EligibilityDataError(f"{field}.risk_instrument", "Give the code of an instrument, e.g. ogrs3")
        rules["risk_instrument"] = instrument
    elif raw.get("risk_instrument"):
        raise EligibilityDataError(f"{field}.risk_bands", "Give the bands that may join, or leave out the instrument")
    if raw.get("needs") is not None:
        rules["needs"] = _strings(raw["needs"], f"{field}.needs", allowed=known_needs)
        level = raw.get("needs_level") or "standard"
        if level not in NEED_LEVELS:
            raise EligibilityDataError(f"{field}.needs_level", "The need level must be standard or severe")
        rules["needs_level"] = level
    elif raw.get("needs_level"):
        raise EligibilityDataError(f"{field}.needs", "Give the need domains, or leave out the need level")
    for key in ("min_days_to_serve", "max_days_to_serve"):
        if raw.get(key) is not None:
            rules[key] = _days(raw[key], f"{field}.{key}")
    if rules.get("min_days_to_serve", 0) > rules.get("max_days_to_serve", MAX_DAYS):
        raise EligibilityDataError(f"{field}.max_days_to_serve", "The most days left must not be below the fewest")
    if raw.get("sexes") is not None:
        rules["sexes"] = _strings(raw["sexes"], f"{field}.sexes", allowed=SEXES)
    if raw.get("security_levels") is not None:
        rules["security_levels"] = _strings(raw["security_levels"], f"{field}.security_levels", allowed=SECURITY_LEVELS)
    return rules


@dataclass(frozen=True)
class Facts:
    """What OMS knows about a person, as plain values. ``None`` (or "") means not known."""

    risk_bands: Mapping[str, str] = field(default_factory=dict)  # instrument code -> current band
    needs: Mapping[str, str] | None = None  # need domain -> no_need / standard / severe; None: no assessment
    days_to_serve: int | None = None  # days from today to the release date
    sex: str = ""  # "" or "not_known" when not known
    security_level: str = ""  # "" when not in custody or not classified


@dataclass(frozen=True)
class Finding:
    rule: str  # risk / needs / days_to_serve / sex / security_level
    reason: str  # written for staff
    unknown: bool = False  # True: the fact is missing, so the rule could not be checked


@dataclass(frozen=True)
class Eligibility:
    findings: tuple[Finding, ...] = ()

    @property
    def eligible(self) -> bool:
        return not self.findings

    @property
    def cannot_check(self) -> bool:
        """Nothing fails outright, but some facts are missing."""
        return bool(self.findings) and all(f.unknown for f in self.findings)

    @property
    def status(self) -> str:
        """eligible / not_eligible / cannot_check (a rule that fails outright wins over a missing fact)."""
        if self.eligible:
            return "eligible"
        return "cannot_check" if self.cannot_check else "not_eligible"

    @property
    def summary(self) -> str:
        return {"eligible": "Eligible", "not_eligible": "Not eligible", "cannot_check": "Cannot check"}[self.status]


def _listed(values) -> str:
    values = list(values)
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} or {values[-1]}"


def _risk(rules: dict, facts: Facts) -> Finding | None:
    instrument, bands = rules["risk_instrument"], rules["risk_bands"]
    band = facts.risk_bands.get(instrument, "")
    if not band:
        return Finding("risk", f"Cannot check risk: there is no current {instrument} assessment", unknown=True)
    if band not in bands:
        return Finding("risk", f"The {instrument} band is {band}; this programme takes {_listed(bands)}")
    return None


def _needs(rules: dict, facts: Facts) -> Finding | None:
    wanted, level = rules["needs"], rules["needs_level"]
    if facts.needs is None:
        return Finding("needs", "Cannot check needs: there is no current needs assessment", unknown=True)
    enough = NEED_LEVELS[NEED_LEVELS.index(level) :]
    if any(facts.needs.get(domain) in enough for domain in wanted):
        return None
    unanswered = [domain for domain in wanted if not facts.needs.get(domain)]
    if len(unanswered) == len(wanted):
        return Finding("needs", f"Cannot check needs: the needs assessment does not rate {_listed(wanted)}", True)
    return Finding("needs", f"No {level} or higher need in {_listed(wanted)}")


def _days_left(rules: dict, facts: Facts) -> Finding | None:
    low, high = rules.get("min_days_to_serve"), rules.get("max_days_to_serve")
    days = facts.days_to_serve
    if days is None:
        return Finding("days_to_serve", "Cannot check time left to serve: there is no release date", unknown=True)
    if low is not None and days < low:
        return Finding("days_to_serve", f"{days} days left to serve; this programme needs at least {low}")
    if high is not None and days > high:
        return Finding("days_to_serve", f"{days} days left to serve; this programme takes people with at most {high}")
    return None


def _sex(rules: dict, facts: Facts) -> Finding | None:
    if not facts.sex or facts.sex == "not_known":
        return Finding("sex", "Cannot check sex: it is not recorded", unknown=True)
    if facts.sex not in rules["sexes"]:
        return Finding("sex", f"This programme is for {_listed(rules['sexes'])} people only")
    return None


def _security(rules: dict, facts: Facts) -> Finding | None:
    if not facts.security_level:
        return Finding(
            "security_level", "Cannot check security level: not in custody here or not yet classified", unknown=True
        )
    if facts.security_level not in rules["security_levels"]:
        return Finding(
            "security_level",
            f"Security level is {facts.security_level}; this programme takes {_listed(rules['security_levels'])}",
        )
    return None


def check(rules: Mapping, facts: Facts) -> Eligibility:
    """Every rule the programme sets, checked against the facts; the findings say which failed and why
    (in the order risk, needs, time left, sex, security). Rules are assumed parsed (``parse_rules``)."""
    checks = []
    if rules.get("risk_bands"):
        checks.append(_risk({"risk_instrument": DEFAULT_RISK_INSTRUMENT, **rules}, facts))
    if rules.get("needs"):
        checks.append(_needs({"needs_level": "standard", **rules}, facts))
    if rules.get("min_days_to_serve") is not None or rules.get("max_days_to_serve") is not None:
        checks.append(_days_left(dict(rules), facts))
    if rules.get("sexes"):
        checks.append(_sex(dict(rules), facts))
    if rules.get("security_levels"):
        checks.append(_security(dict(rules), facts))
    return Eligibility(tuple(f for f in checks if f is not None))


def describe(rules: Mapping) -> list[str]:
    """The rules in words for a catalogue page; empty when everyone may join."""
    lines = []
    if rules.get("risk_bands"):
        instrument = rules.get("risk_instrument") or DEFAULT_RISK_INSTRUMENT
        lines.append(f"Risk ({instrument}): {_listed(rules['risk_bands'])}")
    if rules.get("needs"):
        lines.append(f"Needs: {rules.get('needs_level') or 'standard'} or higher in {_listed(rules['needs'])}")
    low, high = rules.get("min_days_to_serve"), rules.get("max_days_to_serve")
    if low is not None and high is not None:
        lines.append(f"Time left to serve: {low} to {high} days")
    elif low is not None:
        lines.append(f"Time left to serve: at least {low} days")
    elif high is not None:
        lines.append(f"Time left to serve: at most {high} days")
    if rules.get("sexes"):
        lines.append(f"Sex: {_listed(rules['sexes'])}")
    if rules.get("security_levels"):
        lines.append(f"Security level: {_listed(rules['security_levels'])}")
    return lines
