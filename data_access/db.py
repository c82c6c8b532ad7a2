"""Engines for the two supported databases, chosen by URL, and schema creation."""
from pathlib import Path

import sqlalchemy as sa

from data_access import migrations, rollups
from data_access.migrations import read_meta, write_meta
from data_access.schema import SCHEMA_VERSION, metadata, partners


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
        # DuckDB hands DECIMAL over as Decimal, but duckdb-engine does not say so, and SQLAlchemy
        # would then pass every NUMERIC value through float: 9999999999.99999999 read back as
        # 10000000000.00000000.
        engine.dialect.supports_native_decimal = True
        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _duckdb_session(dbapi_connection, _record) -> None:
    """A long query would draw DuckDB's progress bar on the server's output."""
    dbapi_connection.cursor().execute("SET enable_progress_bar = false")


def init_db(engine: sa.Engine) -> None:
    """Create missing tables and indexes, bring older tables to the current shape
    (data_access.migrations), fill rollups the database did not have, and record the schema
    version. Safe to run any number of times."""
    metadata.create_all(engine, checkfirst=True)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            for index in table.indexes:  # tables made by an older version lack the newer ones
                sa.schema.CreateIndex(index, if_not_exists=True)(table, conn)  # as DDL: honours ddl_if
        current = read_meta(conn, "schema_version")
        if current is not None and int(current) > SCHEMA_VERSION:
            raise RuntimeError(f"database schema {current} is newer than this code ({SCHEMA_VERSION})")
        migrations.apply(conn)
        if read_meta(conn, "rollups") != rollups.SIGNATURE:  # new rollups: fill them from the records
            for partner_id in conn.execute(sa.select(partners.c.partner_id)).scalars().all():
                rollups.rebuild(conn, partner_id)
            write_meta(conn, "rollups", rollups.SIGNATURE)
        write_meta(conn, "schema_version", str(SCHEMA_VERSION))

