import click
from flask.cli import AppGroup

from data_access.db import init_db
from runtime import current_runtime

db = AppGroup("db", help="The database schema.")


@db.command("init")
def init() -> None:
    """Create or upgrade the schema; keeps data, safe to run twice."""
    engine = current_runtime().engine
    init_db(engine)
    click.echo(f"Schema ready in {engine.url.render_as_string(hide_password=True)}")
