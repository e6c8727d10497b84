"""Browser tests: Playwright drives Debian's chromium against pytest-django's live server.

Every test here is marked ``browser`` (run by ``make test-browser``). The live server shares the test
database through transactions that really commit, so these tests use ``transactional_db``, which
empties every table after each test (tests/conftest.py lifts the audit tables' append-only triggers for
that flush only and restores the chain head; post_migrate re-seeds the roles).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# (arranging data) are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("OMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Screenshots go to the git-ignored test-results/ on every run, and refresh the README's pictures in
# docs/screenshots/ only when asked (OMS_UPDATE_SCREENSHOTS=1), so running the tests leaves the tree clean.
_PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = (
    _PROJECT / "docs" / "screenshots"
    if os.environ.get("OMS_UPDATE_SCREENSHOTS") == "1"
    else _PROJECT / "test-results" / "screenshots"
)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a file database rather than the shared in-memory one: the live server answers
    requests on several threads, and shared-cache memory databases then fail with "table is locked"
    where a file database in WAL mode simply waits its turn, as the real application does."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and not database.get("TEST", {}).get("NAME"):
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("browser-db") / "oms.sqlite3")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# Pages answer a form with errors as 4xx (422, 409) on purpose; Chromium logs any non-2xx load as a
# console error. Those are expected: server errors, CSP violations and script errors are not.
EXPECTED_CLIENT_ERROR = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")


def _console_problem(message) -> list[str]:
    if message.type != "error" or EXPECTED_CLIENT_ERROR.match(message.text):
        return []
    return [f"console error: {message.text}"]


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh browser context per test (no shared cookies), failing the test on any CSP violation
    or script error, which would mean a page breaks under the real policy."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("console", lambda message: problems.extend(f"{p} at {tab.url}" for p in _console_problem(message)))
    yield tab
    context.close()
    assert not problems, "browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot named <name>.png (see SCREENSHOTS for where)."""

    def save(tab, name: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return save
