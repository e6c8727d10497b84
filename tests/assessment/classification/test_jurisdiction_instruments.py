"""A jurisdiction's own instruments (setting OMS_INSTRUMENTS_DIR): loaded beside the shipped ones and
checked at load, a bad file failing with its name and the field at fault."""

import json

import pytest

from oms.assessment.instruments import shipped_catalogue
from oms.assessment.rules.instruments import InstrumentError
from oms.assessment.services import assessments as services
from oms.assessment.services import instruments
from tests.assessment.records.conftest import actor


def classification_v1() -> dict:
    from importlib import resources

    return json.loads(
        resources.files("oms.assessment.instruments").joinpath("data/custody-classification-v1.json").read_text()
    )


def write(folder, name, data):
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def jurisdiction_v2() -> dict:
    data = classification_v1()
    data["version"] = 2
    data["source"] = "Ruritania prison service classification manual, 2026 edition"
    data["bands"] = [{"name": "low", "from": 0}, {"name": "medium", "from": 10}, {"name": "high", "from": 25}]
    return data


def test_a_new_version_from_the_directory_is_the_latest_and_the_shipped_one_stays(tmp_path):
    write(tmp_path, "custody-classification-v2.json", jurisdiction_v2())
    write(tmp_path, "README.txt", "not an instrument")  # other files are ignored
    catalogue = shipped_catalogue(tmp_path)
    assert catalogue.versions("custody-classification") == [1, 2]
    assert [b.name for b in catalogue.get("custody-classification").bands] == ["low", "medium", "high"]
    assert "criminogenic-needs" in catalogue.codes()


def test_a_jurisdiction_can_add_an_instrument_of_its_own(tmp_path):
    data = {
        "code": "ruritania-needs",
        "version": 1,
        "title": "Ruritanian needs screen",
        "items": [{"code": "housing", "options": [{"value": "ok", "points": 0}, {"value": "none", "points": 2}]}],
        "bands": [{"name": "low", "from": 0}, {"name": "high", "from": 2}],
    }
    write(tmp_path, "ruritania-needs-v1.json", data)
    assert shipped_catalogue(tmp_path).get("ruritania-needs").title == "Ruritanian needs screen"


@pytest.mark.parametrize(
    ("name", "content", "field", "words"),
    [
        ("custody-classification-v2.json", "{not json", "instrument", "is not valid JSON"),
        ("custody-classification-v2.json", {**jurisdiction_v2(), "bands": []}, "bands", "needs at least one band"),
        (
            "custody-classification-v2.json",
            {**jurisdiction_v2(), "bands": [{"name": "low", "from": 0}, {"name": "supermax", "from": 30}]},
            "bands[1].name",
            "is not a security level",
        ),
        ("custody-classification-v3.json", jurisdiction_v2(), "code", "defines custody-classification version 2"),
        # Version 1 is shipped: changing it needs a new version number.
        ("custody-classification-v1.json", {**classification_v1(), "title": "Changed"}, "version", "new version"),
        (
            "custody-classification-v2.json",
            {**jurisdiction_v2(), "items": [{"code": "age", "options": [{"value": "x"}]}]},
            "items[0].options[0].points",
            "is required",
        ),
    ],
)
def test_a_bad_file_fails_the_load_with_its_name_and_field(tmp_path, name, content, field, words):
    write(tmp_path, name, content)
    with pytest.raises(InstrumentError) as error:
        shipped_catalogue(tmp_path)
    assert error.value.field == field
    assert words in str(error.value) and name in str(error.value)


def test_a_missing_directory_is_a_configuration_error(tmp_path):
    with pytest.raises(InstrumentError) as error:
        shipped_catalogue(tmp_path / "nowhere")
    assert error.value.field == "OMS_INSTRUMENTS_DIR"


@pytest.mark.django_db
def test_the_setting_makes_the_workflow_use_the_jurisdictions_version(settings, tmp_path, casey, person):
    write(tmp_path, "custody-classification-v2.json", jurisdiction_v2())
    settings.OMS_INSTRUMENTS_DIR = str(tmp_path)
    assert instruments.latest_version("custody-classification") == 2
    draft = services.start_assessment(actor(casey), person_id=person.public_id, instrument="custody-classification")
    assert draft.instrument_version == 2
    settings.OMS_INSTRUMENTS_DIR = ""
    assert instruments.latest_version("custody-classification") == 1
