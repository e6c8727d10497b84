"""Profile-specific facts that apps above sentencing know and the release-date engine reads.

Some profiles read facts beyond sentences and adjustments (US federal: ``programming_days`` for First
Step Act time credits, see ``rules.us_federal``). Those facts are kept by apps that sit above
sentencing (rehabilitation records the attendance that makes programming days), which sentencing may
not import. They register a provider here from their ``ready()``; ``build_request`` and bulk
recalculation merge what the providers give into the request's ``facts``, so the stored inputs
snapshot and its hash include them and a changed fact is a changed input.

A provider is ``provider(person_ids) -> {person_id: {fact: value}}`` for a batch of person primary
keys: one or a few queries for the whole batch, values JSON-serialisable, and people with nothing to
say left out (so their inputs, and hashes, stay as they were).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

FactsProvider = Callable[[list[int]], dict[int, dict[str, object]]]

_providers: list[FactsProvider] = []


def register_facts_provider(provider: FactsProvider) -> None:
    """Register a provider (from an app's ``ready()``); registering the same one twice keeps one."""
    if provider not in _providers:
        _providers.append(provider)


def unregister_facts_provider(provider: FactsProvider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def facts_for(person_ids: Iterable[int]) -> dict[int, dict[str, object]]:
    """Every provider's facts for these people, merged per person in registration order (a later
    provider's value for the same fact wins). People without facts are absent."""
    wanted = list(person_ids)
    merged: dict[int, dict[str, object]] = {}
    if not wanted or not _providers:
        return merged
    for provider in _providers:
        for person_id, facts in provider(wanted).items():
            if facts:
                merged.setdefault(person_id, {}).update(facts)
    return merged
