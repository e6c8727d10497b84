"""Data-defined release profiles read from YAML or JSON files (docs/sentencing-profiles.md).

The files shipped in ``oms/sentencing/profiles/`` are read first, then those in the directory named
by the ``RELEASE_PROFILES_DIR`` setting (environment ``OMS_RELEASE_PROFILES_DIR``), if set. Every
file is validated when loaded; an error names the file and the field. The profiles returned here are
passed as ``extra`` to ``rules.profiles.choose``.
"""

import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from oms.sentencing.rules.configurable import ProfileError, check_versions, parse_profiles
from oms.sentencing.rules.profiles import BUILT_IN, Profile

SHIPPED_DIR = Path(__file__).resolve().parent / "profiles"
SUFFIXES = (".yaml", ".yml", ".json")

__all__ = ["SHIPPED_DIR", "ProfileError", "available_profiles", "configured_dir", "load_file", "load_profiles"]


def configured_dir() -> Path | None:
    """The site's own profile directory: the Django setting when settings are configured, else the
    environment (so the loader also works outside Django, e.g. in a benchmark script)."""
    value = ""
    try:
        from django.conf import settings

        if settings.configured:
            value = getattr(settings, "RELEASE_PROFILES_DIR", "") or ""
    except ImportError:  # pragma: no cover - Django is a dependency; kept for plain scripts
        pass
    value = value or os.environ.get("OMS_RELEASE_PROFILES_DIR", "")
    return Path(value) if value else None


def load_file(path: Path) -> tuple[Profile, ...]:
    """Every profile version in one file."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ProfileError(source, "", f"cannot be read ({error.strerror or error})")
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ProfileError(source, "", f"is not valid YAML ({where}{error.problem})")
    except yaml.YAMLError as error:
        raise ProfileError(source, "", f"is not valid YAML ({error})")
    except json.JSONDecodeError as error:
        raise ProfileError(source, "", f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})")
    if data is None:
        raise ProfileError(source, "", "is empty")
    return parse_profiles(data, source)


def _files_in(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise ProfileError(str(directory), "", "the release profiles directory does not exist")
    return sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES and p.is_file())


def load_profiles(directories: Iterable[Path] | None = None) -> tuple[Profile, ...]:
    """All data-defined profiles, shipped first; ``directories`` replaces the shipped and configured
    directories (tests). Codes must not clash with a built-in profile; a code's versions must not
    overlap in time, even across files."""
    if directories is None:
        site = configured_dir()
        directories = [SHIPPED_DIR] if site is None else [SHIPPED_DIR, site]
    built_in_codes = {p.code for p in BUILT_IN}
    loaded: list[Profile] = []
    origin: dict[str, str] = {}
    for directory in directories:
        for path in _files_in(Path(directory)):
            for profile in load_file(path):
                if profile.code in built_in_codes:
                    raise ProfileError(str(path), "code", f"{profile.code!r} is the name of a built-in profile")
                if profile.code in origin and origin[profile.code] != str(path):
                    # Versions of one code may sit in several files; they must still fit together.
                    check_versions([p for p in loaded if p.code == profile.code] + [profile], str(path))
                origin.setdefault(profile.code, str(path))
                loaded.append(profile)
    return tuple(loaded)


@lru_cache(maxsize=1)
def available_profiles() -> tuple[Profile, ...]:
    """``load_profiles()`` read once per process; ``available_profiles.cache_clear()`` re-reads."""
    return load_profiles()
