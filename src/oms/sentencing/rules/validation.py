"""Request checks that come before any arithmetic, shared by every engine: each failure names the
offending field. The sentencing services run the engine inside the change that records a sentence,
so these are also the checks a clerk sees when a sentence is recorded."""

from oms.sentencing.rules.types import CalculationError, CalculationRequest, SentenceKind

# Guards the calendar arithmetic (dates stop at year 9999); no real term comes near it.
_LONGEST_DAYS = 150 * 366


def validate(request: CalculationRequest) -> None:
    refs: dict[str, int] = {}
    for index, sentence in enumerate(request.sentences):
        where = f"sentences[{index}]"
        if sentence.ref in refs:
            raise CalculationError(
                f"Two sentences share the reference {sentence.ref!r}.", f"{where}.ref", "duplicate_ref"
            )
        refs[sentence.ref] = index
        if sentence.kind is SentenceKind.DETERMINATE:
            d = sentence.duration
            parts = (d.years, d.months, d.weeks, d.days)
            if any(p < 0 for p in parts):
                raise CalculationError("A sentence length cannot be negative.", f"{where}.duration", "negative_length")
            if not any(parts):
                raise CalculationError("A determinate sentence needs a length.", f"{where}.duration", "zero_length")
            if d.years * 365 + d.months * 31 + d.weeks * 7 + d.days > _LONGEST_DAYS:
                raise CalculationError(
                    "A sentence length over 150 years is not credible.", f"{where}.duration", "too_long"
                )
    by_ref = {s.ref: s for s in request.sentences}
    for index, sentence in enumerate(request.sentences):
        target = sentence.consecutive_to
        if target is None:
            continue
        where = f"sentences[{index}].consecutive_to"
        if target not in by_ref:
            raise CalculationError(
                f"Sentence {sentence.name} is consecutive to {target!r}, which is not among the current sentences.",
                where,
                "missing_link",
            )
        if by_ref[target].sentenced_on > sentence.sentenced_on:
            raise CalculationError(
                f"Sentence {sentence.name} cannot follow {by_ref[target].name}, which was imposed later.",
                where,
                "link_to_later",
            )
        if sentence.kind.is_custodial and not by_ref[target].kind.is_custodial:
            raise CalculationError(
                f"Sentence {sentence.name} cannot run consecutively to {by_ref[target].name}, which is not a "
                "custodial sentence.",
                where,
                "link_to_non_custodial",
            )
        seen = {sentence.ref}
        current = by_ref[target]
        while True:
            if current.ref in seen:
                raise CalculationError(
                    f"The consecutive links from sentence {sentence.name} form a cycle.", where, "cycle"
                )
            seen.add(current.ref)
            if current.consecutive_to is None or current.consecutive_to not in by_ref:
                break
            current = by_ref[current.consecutive_to]
    for index, adjustment in enumerate(request.adjustments):
        if adjustment.days < 0:
            raise CalculationError(
                "Adjustment days cannot be negative.", f"adjustments[{index}].days", "negative_adjustment"
            )
