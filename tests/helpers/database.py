"""The test databases: the PostgreSQL server's URL, an engine's URL, emptying the tables."""
from __future__ import annotations

import os

import sqlalchemy as sa

from data_access.schema import metadata

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def url_of(engine: sa.Engine) -> str:
    """The engine's full URL (for PostgreSQL it names the test schema), to build an app on."""
    return engine.url.render_as_string(hide_password=False)


def empty(engine: sa.Engine) -> sa.Engine:
    """The engine, with every table but the schema's metadata emptied."""
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name != "schema_meta":
                conn.execute(table.delete())
    return engine
