"""Instrument definitions shipped with OMS (one JSON file per instrument version, in ``data/``,
which the package build already ships: pyproject's package-data takes every ``data/*``), and a
jurisdiction's own definitions from a directory beside them.

Files are named ``<code>-v<version>.json``; old versions stay so that assessments completed under them
can still be read and explained. ``shipped_catalogue(extra_dir)`` loads and checks them all: a bad file
fails the load with the file name and the field at fault, so a mistake in a jurisdiction's file is found
when OMS first scores, never silently skipped. A jurisdiction adds an instrument or a new version of a
shipped one (a higher version number); redefining a shipped version differently is refused.

The custody classification instrument's bands must be the facility security levels (custody sets the
person's security level to the band in force), so its definitions are checked for that too.
"""

import json
from importlib import resources
from pathlib import Path

from oms.assessment.rules.instruments import Instrument, InstrumentCatalogue, InstrumentError, load_instrument

CLASSIFICATION_CODE = "custody-classification"
# The values of oms.facilities.models.Location.SecurityLevel, lowest first (a test keeps them in step).
SECURITY_LEVELS = ("open", "low", "medium", "high", "maximum")


def _load_file(name: str, text: str) -> Instrument:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        detail = f"is not valid JSON: {error.msg} at line {error.lineno} (in {name})"
        raise InstrumentError("instrument", detail) from None
    try:
        instrument = load_instrument(data)
    except InstrumentError as exc:
        raise InstrumentError(exc.field, f"{exc.detail} (in {name})") from exc
    if name != f"{instrument.code}-v{instrument.version}.json":
        raise InstrumentError("code", f"{name} defines {instrument.code} version {instrument.version}")
    if instrument.code == CLASSIFICATION_CODE:
        for n, band in enumerate(instrument.bands):
            if band.name not in SECURITY_LEVELS:
                raise InstrumentError(
                    f"bands[{n}].name",
                    f"{band.name!r} is not a security level ({', '.join(SECURITY_LEVELS)}) (in {name})",
                )
    return instrument


def _add(catalogue: InstrumentCatalogue, instrument: Instrument, name: str) -> None:
    try:
        catalogue.add(instrument)
    except InstrumentError as exc:
        raise InstrumentError(exc.field, f"{exc.detail} (in {name})") from exc


def shipped_catalogue(extra_dir: str | Path | None = None) -> InstrumentCatalogue:
    """The shipped definitions, plus every ``*.json`` in ``extra_dir`` when given (a jurisdiction's)."""
    catalogue = InstrumentCatalogue()
    for entry in sorted(resources.files(__package__).joinpath("data").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            _add(catalogue, _load_file(entry.name, entry.read_text(encoding="utf-8")), entry.name)
    if extra_dir:
        folder = Path(extra_dir)
        if not folder.is_dir():
            raise InstrumentError("OMS_INSTRUMENTS_DIR", f"{folder} is not a directory")
        for path in sorted(folder.glob("*.json")):
            _add(catalogue, _load_file(path.name, path.read_text(encoding="utf-8")), path.name)
    return catalogue
