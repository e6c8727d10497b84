"""Profile files are validated when loaded; every error names the file and the field."""

import json
from datetime import date

import pytest
import yaml

from oms.sentencing import profile_files
from oms.sentencing.rules.configurable import ProfileError, parse_profile, parse_profiles

VALID = {
    "code": "state-x",
    "version": "1",
    "title": "State X",
    "effective_from": "2010-01-01",
    "source": "State X Code s. 1",
    "parameters": {"release_percent": 85, "good_time": {"days_per_month": 5, "cap_days": 100}},
}


def with_change(path: str, value):
    """VALID with the dotted ``path`` set to ``value`` (or removed when value is ...)."""
    data = json.loads(json.dumps(VALID))
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return data


def test_a_valid_profile_parses_to_plain_values():
    profile = parse_profile(VALID, "x.yaml")

    assert (profile.code, profile.version, profile.engine, profile.effective_from) == (
        "state-x",
        "1",
        "configurable",
        date(2010, 1, 1),
    )
    assert profile.parameters == {
        "release_percent": 85,
        "remand_credit": True,
        "good_time": {"days_per_month": 5, "cap_days": 100},
    }


@pytest.mark.parametrize(
    ("path", "value", "field", "words"),
    [
        ("colour", "blue", "colour", "unknown key"),
        ("parameters.release_percentage", 85, "parameters.release_percentage", "unknown key"),
        ("parameters.good_time.per_month", 5, "parameters.good_time.per_month", "unknown key"),
        ("code", ..., "code", "is required"),
        ("source", ..., "source", "is required"),
        ("parameters", ..., "parameters", "is required"),
        ("parameters.release_percent", ..., "parameters.release_percent", "is required"),
        ("parameters.release_percent", 120, "parameters.release_percent", "between 0 and 100"),
        ("parameters.release_percent", 0, "parameters.release_percent", "more than 0"),
        ("parameters.release_percent", "most", "parameters.release_percent", "must be a number"),
        ("parameters.parole_eligibility_percent", -5, "parameters.parole_eligibility_percent", "not be negative"),
        ("parameters.minimum_served_percent", 90, "parameters.minimum_served_percent", "not be more than"),
        ("parameters.good_time.days_per_month", -1, "parameters.good_time.days_per_month", "not be negative"),
        ("parameters.good_time.days_per_month", ..., "parameters.good_time.days_per_month", "is required"),
        ("parameters.good_time.cap_days", 1.5, "parameters.good_time.cap_days", "whole number"),
        ("parameters.remand_credit", "yes", "parameters.remand_credit", "true or false"),
        ("effective_from", "1st May", "effective_from", "YYYY-MM-DD"),
        ("effective_to", "2009-12-31", "effective_to", "after effective_from"),
        ("engine", "us_federal", "engine", "configurable"),
        ("code", "State X", "code", "lower-case"),
        ("holiday_country", "XX", "holiday_country", "not a country"),
        ("holiday_subdivision", "ZZZ", "holiday_subdivision", "not a subdivision"),
        ("move_to_working_day", ["CRD"], "move_to_working_day[0]", "not one of"),
        ("move_to_working_day", "RD", "move_to_working_day", "must be a list"),
    ],
)
def test_invalid_profiles_are_rejected_naming_the_field(path, value, field, words):
    with pytest.raises(ProfileError) as raised:
        parse_profile(with_change(path, value), "state-x.yaml")

    assert raised.value.field == field
    assert raised.value.detail.startswith(f"state-x.yaml: {field}: ")
    assert words in raised.value.detail


def test_versions_share_keys_and_errors_name_the_version():
    shared = {k: v for k, v in VALID.items() if k not in ("version", "effective_from", "parameters")}
    document = {
        **shared,
        "versions": [
            {
                "version": "1",
                "effective_from": "2010-01-01",
                "effective_to": "2020-01-01",
                "parameters": {"release_percent": 85},
            },
            {"version": "2", "effective_from": "2020-01-01", "parameters": {"release_percent": 150}},
        ],
    }

    with pytest.raises(ProfileError) as raised:
        parse_profiles(document, "x.yaml")

    assert raised.value.field == "versions[1].parameters.release_percent"
    assert raised.value.detail == "x.yaml: versions[1].parameters.release_percent: must be between 0 and 100"


def test_overlapping_versions_are_rejected():
    shared = {k: v for k, v in VALID.items() if k not in ("version", "effective_from")}
    document = {
        **shared,
        "versions": [
            {"version": "1", "effective_from": "2010-01-01"},
            {"version": "2", "effective_from": "2015-01-01"},
        ],
    }

    with pytest.raises(ProfileError, match="in force at the same time"):
        parse_profiles(document, "x.yaml")


def write(directory, name, data, *, raw: str | None = None):
    path = directory / name
    path.write_text(raw if raw is not None else yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_shipped_example_loads_and_says_it_is_illustrative():
    loaded = profile_files.load_profiles([profile_files.SHIPPED_DIR])

    assert {p.code for p in loaded} == {"example-percentage"}
    assert all("not the law of any jurisdiction" in p.source for p in loaded)


def test_a_site_directory_adds_profiles_from_yaml_and_json(tmp_path, settings):
    write(tmp_path, "state-x.yaml", VALID)
    write(tmp_path, "state-y.json", None, raw=json.dumps({**VALID, "code": "state-y"}))
    write(tmp_path, "notes.txt", None, raw="not a profile")
    settings.RELEASE_PROFILES_DIR = str(tmp_path)

    codes = [p.code for p in profile_files.load_profiles()]

    assert codes == ["example-percentage", "example-percentage", "state-x", "state-y"]


def test_the_environment_names_the_directory_when_the_setting_is_empty(tmp_path, settings, monkeypatch):
    settings.RELEASE_PROFILES_DIR = ""
    monkeypatch.setenv("OMS_RELEASE_PROFILES_DIR", str(tmp_path))

    assert profile_files.configured_dir() == tmp_path


def test_broken_yaml_names_the_file_and_line(tmp_path):
    path = write(tmp_path, "bad.yaml", None, raw="code: x\nparameters: [unclosed\n")

    with pytest.raises(ProfileError) as raised:
        profile_files.load_profiles([tmp_path])

    assert raised.value.source == str(path)
    assert "is not valid YAML (line 3" in raised.value.detail


def test_an_empty_file_is_an_error(tmp_path):
    write(tmp_path, "empty.yaml", None, raw="# nothing yet\n")

    with pytest.raises(ProfileError, match="empty.yaml: is empty"):
        profile_files.load_profiles([tmp_path])


def test_a_field_error_in_a_file_names_the_file(tmp_path):
    path = write(tmp_path, "state-x.yaml", with_change("parameters.release_percent", 101))

    with pytest.raises(ProfileError) as raised:
        profile_files.load_profiles([tmp_path])

    assert raised.value.detail == f"{path}: parameters.release_percent: must be between 0 and 100"


def test_a_data_profile_cannot_take_a_built_in_name(tmp_path):
    write(tmp_path, "fed.yaml", {**VALID, "code": "us-federal"})

    with pytest.raises(ProfileError, match="built-in profile"):
        profile_files.load_profiles([tmp_path])


def test_versions_of_one_code_in_two_files_must_not_overlap(tmp_path):
    write(tmp_path, "a.yaml", VALID)
    write(tmp_path, "b.yaml", {**VALID, "version": "2", "effective_from": "2015-01-01"})

    with pytest.raises(ProfileError, match="in force at the same time"):
        profile_files.load_profiles([tmp_path])


def test_a_missing_site_directory_is_an_error(tmp_path):
    with pytest.raises(ProfileError, match="does not exist"):
        profile_files.load_profiles([tmp_path / "nowhere"])
