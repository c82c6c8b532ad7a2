import click
from flask.cli import AppGroup

from data_access import attribution
from data_access.options import partner as find_partner
from runtime import current_runtime

partner = AppGroup("partner", help="Partner settings.")


@partner.command("set-attribution")
@click.argument("partner_id")
@click.argument("rule", type=click.Choice(["same-day", "next-day"]))
def set_attribution(partner_id: str, rule: str) -> None:
    """Count a new manager's spend from the assignment day (same-day) or the day after."""
    with current_runtime().engine.begin() as conn:
        if find_partner(conn, partner_id) is None:
            raise click.ClickException(f"unknown partner {partner_id!r}")
        moved = attribution.set_delay(conn, partner_id, next_day=rule == "next-day")
    click.echo(f"{partner_id}: attribution {rule}; {moved} records re-attributed")
