"""`flask --app app import KIND FILE --partner PARTNER`: one file, one transaction."""
from pathlib import Path

import click
from flask.cli import with_appcontext

from data_access.errors import UserError
from data_access.imports import KINDS, import_file
from runtime import current_runtime


@click.command("import")
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--partner", "partner_id", required=True, help="The partner; created if new.")
@click.option("--partner-name", help="The name of a new partner (default: its id).")
@with_appcontext
def import_command(kind: str, file: Path, partner_id: str, partner_name: str | None) -> None:
    """Import managers, customers, assignments or expenditures from a .csv or .xlsx FILE.
    Import managers and customers before the assignments and expenditures naming them."""
    try:
        with current_runtime().engine.begin() as conn:
            summary = import_file(conn, kind, file, partner_id, partner_name)
    except UserError as error:
        raise click.ClickException(error.message) from None
    click.echo(summary.text())
