"""Instrument definitions shipped with OMS (one JSON file per instrument version, in ``data/``,
which the package build already ships: pyproject's package-data takes every ``data/*``).

Files are named ``<code>-v<version>.json``; old versions stay here so that assessments completed
under them can still be read and explained. ``shipped_catalogue()`` loads and checks them all.
"""

import json
from importlib import resources

from oms.assessment.rules.instruments import InstrumentCatalogue, InstrumentError, load_instrument


def shipped_catalogue() -> InstrumentCatalogue:
    catalogue = InstrumentCatalogue()
    for entry in sorted(resources.files(__package__).joinpath("data").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        try:
            instrument = load_instrument(json.loads(entry.read_text()))
        except InstrumentError as exc:
            raise InstrumentError(exc.field, f"{exc.detail} (in {entry.name})") from exc
        if entry.name != f"{instrument.code}-v{instrument.version}.json":
            raise InstrumentError("code", f"{entry.name} defines {instrument.code} version {instrument.version}")
        catalogue.add(instrument)
    return catalogue
