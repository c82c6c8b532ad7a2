"""Fixtures of the production tests: stacks (tests/production/stack.py) on services of their own.

The end-to-end test uses the shared PostgreSQL (a database created for it and dropped after)
and a Redis server of its own. The fault tests stop the services they use, so they get
private ones: a PostgreSQL cluster and a Redis server started for the test alone. With
REQUIRE_POSTGRES=1 (or CI) a missing service fails the tests instead of skipping them.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import uuid
from datetime import date
from typing import NoReturn

import pytest
import sqlalchemy as sa

from bench.dash_client import DashClient
from data_access import demo
from data_access.db import init_db, make_engine
from tests.helpers.database import POSTGRES_URL
from tests.production.stack import (
    PrivatePostgres,
    PrivateRedis,
    Stack,
    create_database,
    database_url_on,
    drop_database,
)

REQUIRED = os.environ.get("REQUIRE_POSTGRES") == "1" or bool(os.environ.get("CI"))
DEMO_END = date(2025, 12, 31)  # fixed, so that the data, and what a test expects, never move
ADMIN_P1 = ("admin@p1", "demo-admin-1")  # demo.DEMO_SIGN_INS
ADMIN_P2 = ("admin@p2", "demo-admin-2")


def unavailable(reason: str) -> NoReturn:
    if REQUIRED:
        pytest.fail(f"{reason} (required: REQUIRE_POSTGRES=1 or CI)")
    pytest.skip(reason)


def report(title: str, **figures) -> None:
    """A line of figures for docs/PERFORMANCE.md (shown with pytest -s)."""
    print(f"\n[production] {title}: " + ", ".join(f"{name}={value}" for name, value in figures.items()))


@dataclasses.dataclass
class Deployment:
    """A running stack, its data (demo data ending DEMO_END) and, for fault tests, its servers."""
    stack: Stack
    engine: sa.Engine
    data: demo.DemoData
    postgres: PrivatePostgres | None = None
    redis: PrivateRedis | None = None

    def signed_in(self, login_password=ADMIN_P1) -> DashClient:
        """A Dash client signed in through the form, the dashboard open on the whole data."""
        client = DashClient(self.stack.url, timeout=60)
        client.sign_in(*login_password)
        client.open(f"/?range=custom&from={self.data.first_day}&to={self.data.last_day}")
        return client


def seed(url: str, customers: int, days: int) -> tuple[sa.Engine, demo.DemoData]:
    engine = make_engine(url)
    init_db(engine)
    data = demo.generate(customers=customers, days=days, end_day=DEMO_END)
    demo.load(engine, data)
    with engine.begin() as conn:
        demo.add_sign_ins(conn, data)
    return engine, data


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so a fixture can tell that the test failed."""
    outcome = yield
    setattr(item, f"report_{outcome.when}", outcome)
    return outcome


def _stop(stack: Stack, request) -> None:
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        print(f"\n{stack.logs()}")  # the processes' last lines, next to the failure
    stack.stop()


@pytest.fixture
def e2e_deployment(request, tmp_path) -> Deployment:
    """A stack on a new database of the shared PostgreSQL and a Redis server of its own (a
    shared Redis database would be flushed under another run of the suite beside this one)."""
    name = f"prod_e2e_{uuid.uuid4().hex[:12]}"
    with contextlib.ExitStack() as cleanup:  # every step runs, even if one fails
        try:
            redis_server = PrivateRedis(tmp_path)
        except FileNotFoundError as error:
            unavailable(f"a server binary is missing: {error}")
        cleanup.callback(redis_server.stop)
        redis_server.start()
        try:
            create_database(POSTGRES_URL, name)
        except sa.exc.OperationalError as error:
            unavailable(f"the shared PostgreSQL is unreachable: {error}")
        cleanup.callback(drop_database, POSTGRES_URL, name)
        url = database_url_on(POSTGRES_URL, name)
        engine, data = seed(url, customers=12, days=120)
        cleanup.callback(engine.dispose)
        stack = Stack(url, redis_server.url(), tmp_path / "stack")
        cleanup.callback(_stop, stack, request)
        stack.start()
        yield Deployment(stack, engine, data)


@pytest.fixture
def private_deployment(request, tmp_path):
    """deploy(customers, days, **settings) -> a Deployment on a private PostgreSQL cluster and
    a private Redis, which the test may stop; everything is stopped and deleted afterwards."""
    with contextlib.ExitStack() as cleanup:  # every step runs, even if one fails

        def deploy(customers: int, days: int, **settings: str) -> Deployment:
            try:
                redis_server = PrivateRedis(tmp_path)
                postgres = PrivatePostgres()
            except FileNotFoundError as error:
                unavailable(f"a server binary is missing: {error}")
            cleanup.callback(postgres.destroy)
            postgres.start()
            cleanup.callback(redis_server.stop)
            redis_server.start()
            engine, data = seed(postgres.create_database("expenditure"), customers, days)
            cleanup.callback(engine.dispose)
            stack = Stack(postgres.url("expenditure"), redis_server.url(), tmp_path / "stack", **settings)
            cleanup.callback(_stop, stack, request)
            stack.start()
            return Deployment(stack, engine, data, postgres, redis_server)

        yield deploy


@pytest.fixture
def replicated():
    """(primary, standby): a private PostgreSQL cluster and a streaming replica of it (made by
    pg_basebackup -R, on a port of its own), stopped and deleted afterwards."""
    with contextlib.ExitStack() as cleanup:
        try:
            primary = PrivatePostgres()
        except FileNotFoundError as error:
            unavailable(f"a server binary is missing: {error}")
        cleanup.callback(primary.destroy)
        primary.start()
        standby = PrivatePostgres(standby_of=primary)
        cleanup.callback(standby.destroy)
        standby.start()
        yield primary, standby
