"""Pytest fixtures (registered by tests/conftest.py), in the manner of Flask's tutorial:

    def test_x(app, client, runner, data, admin_client): ...

`app` is the real app on the `engine` of each kind (both databases), `client` a CSRF-forwarding
test client of it, `runner` its command line, `data` the small dataset (partners A and B, three
sign-ins) and `admin_client` a client signed in as partner A's admin. A module that needs
another app (a probe route, DuckDB only) defines its own `app` fixture. For browser tests:
`browser`, `page`, `console_errors`, `live_server` and `duckdb_engine`.
"""
from __future__ import annotations

import pytest

from tests.helpers import apps
from tests.helpers.data import seed_small
from tests.helpers.database import empty
from tests.helpers.live import BROWSER_ARGS, CHROMIUM, TIMEOUT_MS, LiveServer


@pytest.fixture(autouse=True)
def _stop_made_apps():
    """After each test, the apps it made stop building exports (set up first, so torn down
    after the test's other fixtures, a live server included)."""
    yield
    apps.stop_made_apps()


@pytest.fixture
def data(engine):
    return seed_small(engine)


@pytest.fixture
def app(engine, tmp_path):
    return apps.make_app(engine, tmp_path)


@pytest.fixture
def client(app):
    return apps.client(app)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def admin_client(app, data):
    return apps.signed_in_client(app, data.admin_a.login, data.admin_a.password)


@pytest.fixture
def duckdb_engine(duckdb_database):
    """The DuckDB engine only, emptied: for browser tests, whose subject does not depend on the
    database (the `engine` fixture would run them twice)."""
    return empty(duckdb_database)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (the system's: never `playwright install`)."""
    from playwright.sync_api import expect, sync_playwright

    # Auto-retrying assertions wait as long as any other step: CI shares two cores with the
    # server, and a step that waits for its outcome costs only the time the outcome takes.
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in a context of its own (no cookies shared between tests)."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


@pytest.fixture
def console_errors(page) -> list[str]:
    """Every console error and uncaught exception of `page`, as text; assert it stays empty."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    return errors


@pytest.fixture
def live_server():
    """serve(app) -> base URL; every app served is stopped after the test."""
    servers: list[LiveServer] = []

    def serve(app) -> str:
        servers.append(LiveServer(app).start())
        return servers[-1].url

    yield serve
    for server in servers:
        server.stop()
