"""The ``oms`` command accepts the hyphenated spelling of a command the issues and docs use."""

import subprocess
import sys

from oms.cli import _with_command_name


def test_a_hyphenated_command_name_runs_the_command_of_that_name():
    assert _with_command_name(["release-dates", "calculate", "my-file.json"]) == [
        "release_dates",
        "calculate",
        "my-file.json",  # only the command name changes, never its arguments
    ]
    assert _with_command_name(["--help"]) == ["--help"]
    assert _with_command_name([]) == []


def test_the_installed_command_answers_with_the_hyphenated_name():
    shown = subprocess.run(
        [sys.executable, "-m", "oms.cli", "release-dates", "--help"], capture_output=True, text=True, check=True
    )
    assert "recalculate" in shown.stdout
