"""Fixtures shared by the suite: a database of each kind, emptied before every test.

PostgreSQL tests run against TEST_DATABASE_URL in a schema of their own (so parallel runs and
other users of the database do not meet); with REQUIRE_POSTGRES=1 (CI) an unreachable server
fails them instead of skipping.
"""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from data_access.db import init_db, make_engine
from data_access.schema import metadata

pytest_plugins = ["tests.helpers.fixtures"]  # browser, page, console_errors, live_server

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _create_schema() -> str:
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as error:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    finally:
        admin.dispose()
    return schema


def _drop_schema(schema: str) -> None:
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def url_of(engine: sa.Engine) -> str:
    """The engine's full URL (for PostgreSQL it names the test schema), to build an app on."""
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def duckdb_database(tmp_path_factory) -> sa.Engine:
    engine = make_engine(f"duckdb:///{tmp_path_factory.mktemp('db') / 'test.duckdb'}")
    init_db(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_database() -> sa.Engine:
    schema = _create_schema()
    # The schema travels in the URL, so an app built from url_of(engine) uses it too.
    engine = make_engine(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    init_db(engine)
    yield engine
    engine.dispose()
    _drop_schema(schema)


@pytest.fixture(scope="session", params=["duckdb", "postgresql"])
def database(request) -> sa.Engine:
    """A schema-initialised engine of each kind, for the whole session."""
    return request.getfixturevalue(f"{request.param}_database")


def empty(engine: sa.Engine) -> sa.Engine:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name != "schema_meta":
                conn.execute(table.delete())
    return engine


@pytest.fixture
def engine(database) -> sa.Engine:
    """The session's engine of each kind, with every table emptied first."""
    return empty(database)
