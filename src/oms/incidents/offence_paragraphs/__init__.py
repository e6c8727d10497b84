"""Shipped offence paragraphs as data (one JSON file per jurisdiction), loaded with
``oms import_offence_paragraphs`` (a changed wording becomes a new version; old versions are kept)."""

import json
from pathlib import Path

HERE = Path(__file__).parent
DEFAULT = "england_wales_r51"


def load(name: str = DEFAULT) -> dict:
    """The shipped file ``name`` (without .json): ``{"source": ..., "effective_from": ..., "paragraphs": [...]}``."""
    return json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))


def available() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.json"))
