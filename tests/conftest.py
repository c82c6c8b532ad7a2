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
from tests.helpers.database import POSTGRES_URL, empty

pytest_plugins = ["tests.helpers.fixtures"]  # app, client, runner, data, admin_client; browser, page, ...



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


@pytest.fixture
def engine(database) -> sa.Engine:
    """The session's engine of each kind, with every table emptied first."""
    return empty(database)
