"""`flask --app app exports cleanup`: the export housekeeping, for a cron job or by hand (the
web app also runs it every minute). `flask --app app export ...`: an export file built in the
foreground, the same file the dashboard's Export builds, for cron jobs and scripts."""
import os
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from cli.stats import query_of, query_options
from data_access import options, users
from data_access.errors import UserError
from data_access.export_tasks import FORMATS
from data_access.query import Scope
from exports.builder import write_file
from exports.service import current_exports
from runtime import current_runtime

exports = AppGroup("exports", help="Export tasks and their files.")


@exports.command("cleanup")
def cleanup() -> None:
    """Fail stale tasks, expire old ones and delete the files no task needs."""
    result = current_exports().cleanup()
    click.echo(f"{result.failed_stale} stale task(s) failed, {result.expired} expired, "
               f"{result.files_deleted} file(s) deleted, {result.tasks_forgotten} old task(s) forgotten")


@click.command("export")
@query_options
@click.option("--format", "file_format", type=click.Choice([f.value for f in FORMATS]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (replaced once complete).")
@click.option("--user", "login", help="Export as this sign-in sees the data (an account manager: "
                                      "their attributed spend only).")
@click.option("--view", is_flag=True, help="Only the view: the group table and the series, not the records.")
@with_appcontext
def export(partner_id, file_format, output, login, view, **query_options) -> None:
    """Build an export file now and print its row count."""
    engine = current_runtime().engine
    with engine.connect() as conn:
        if options.partner(conn, partner_id) is None:
            raise click.ClickException(f"unknown partner {partner_id!r}")
        scope = Scope(partner_id)
        if login is not None:
            user = users.get_user(conn, login)
            if user is None or user.partner_id != partner_id:
                raise click.ClickException(f"no user {login!r} of partner {partner_id!r}")
            scope = user.scope
        query = query_of(scope, **query_options)
        partial = output.with_name(f".{output.name}.part")
        try:
            count = write_file(conn, query, file_format, partial, view=view)
            os.replace(partial, output)
        except UserError as error:
            raise click.ClickException(error.message) from None
        finally:
            partial.unlink(missing_ok=True)
    click.echo(f"{count} rows written to {output}")
