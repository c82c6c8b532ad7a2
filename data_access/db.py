"""Engines for the two supported databases, chosen by URL, and schema creation."""
from pathlib import Path

import sqlalchemy as sa

from data_access import rollups
from data_access.schema import SCHEMA_VERSION, metadata, partners, schema_meta


def normalise_url(url: str) -> str:
    """Accept the usual postgres:// spellings of hosting platforms; we drive psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_duckdb(engine_or_url) -> bool:
    url = engine_or_url if isinstance(engine_or_url, str) else str(engine_or_url.url)
    return url.startswith("duckdb")


def make_engine(url: str, *, duckdb_memory_limit: str = "1GB", duckdb_threads: int = 2) -> sa.Engine:
    """An engine on `url`. The app's engines are made by Config.make_engine, with its limits."""
    url = normalise_url(url)
    if is_duckdb(url):
        path = url.split("duckdb:///", 1)[1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Bounded per process: the app must stay well under 1 GiB RSS next to its cache.
        engine = sa.create_engine(url, connect_args={"config": {
            "memory_limit": duckdb_memory_limit, "threads": duckdb_threads}})
        sa.event.listen(engine, "connect", _duckdb_session)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _duckdb_session(dbapi_connection, _record) -> None:
    """A long query would draw DuckDB's progress bar on the server's output."""
    dbapi_connection.cursor().execute("SET enable_progress_bar = false")


def init_db(engine: sa.Engine) -> None:
    """Create missing tables and indexes, fill rollups the database did not have, and record
    the schema version. Safe to run any number of times."""
    metadata.create_all(engine, checkfirst=True)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            for index in table.indexes:  # tables made by an older version lack the newer ones
                sa.schema.CreateIndex(index, if_not_exists=True)(table, conn)  # as DDL: honours ddl_if
        current = _meta(conn, "schema_version")
        if current is not None and int(current) > SCHEMA_VERSION:
            raise RuntimeError(f"database schema {current} is newer than this code ({SCHEMA_VERSION})")
        if _meta(conn, "rollups") != rollups.SIGNATURE:  # new rollups: fill them from the records
            for partner_id in conn.execute(sa.select(partners.c.partner_id)).scalars().all():
                rollups.rebuild(conn, partner_id)
            _set_meta(conn, "rollups", rollups.SIGNATURE)
        _set_meta(conn, "schema_version", str(SCHEMA_VERSION))


def _meta(conn: sa.Connection, key: str) -> str | None:
    return conn.execute(sa.select(schema_meta.c.value).where(schema_meta.c.key == key)).scalar()


def _set_meta(conn: sa.Connection, key: str, value: str) -> None:
    if _meta(conn, key) is None:
        conn.execute(schema_meta.insert().values(key=key, value=value))
    else:
        conn.execute(sa.update(schema_meta).where(schema_meta.c.key == key).values(value=value))
