"""`flask --app app exports cleanup`: the export housekeeping, for a cron job or by hand (the
web app also runs it every minute)."""
import click
from flask.cli import AppGroup

from exports.service import current_exports

exports = AppGroup("exports", help="Export tasks and their files.")


@exports.command("cleanup")
def cleanup() -> None:
    """Fail stale tasks, expire old ones and delete the files no task needs."""
    result = current_exports().cleanup()
    click.echo(f"{result.failed_stale} stale task(s) failed, {result.expired} expired, "
               f"{result.files_deleted} file(s) deleted, {result.tasks_forgotten} old task(s) forgotten")
