"""`flask --app app demo load`: generated demo data and demo sign-ins."""
import time

import click
from flask.cli import AppGroup

from data_access import demo as demo_data
from data_access.users import get_user
from runtime import current_runtime

demo = AppGroup("demo", help="Demo data.")


@demo.command("load")
@click.option("--customers", type=click.IntRange(len(demo_data.PARTNERS), 1_000_000), default=300,
              show_default=True, help="Customers, shared among the demo partners.")
@click.option("--days", type=click.IntRange(1, 3660), default=400, show_default=True,
              help="Days of spend, ending today.")
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same data.")
@click.option("--if-empty", is_flag=True, help="Do nothing when any expenditure is stored.")
def load(customers: int, days: int, seed: int, if_empty: bool) -> None:
    """Generate demo partners, teams, customers, assignments and spend, and demo sign-ins."""
    engine = current_runtime().engine
    if if_empty:
        with engine.connect() as conn:
            if demo_data.has_expenditures(conn):
                click.echo("Expenditure data exists already: demo data not loaded.")
                _echo_sign_ins([sign_in for sign_in in demo_data.sign_ins()
                                if get_user(conn, sign_in[0]) is not None])
                return
    started = time.perf_counter()
    data = demo_data.generate(customers, days, seed)
    summary = demo_data.load(engine, data)
    with engine.begin() as conn:
        demo_data.add_sign_ins(conn, data)
    click.echo(f"Demo data {data.first_day} to {data.last_day}: {summary.partners} partners, "
               f"{summary.managers} account managers, {summary.customers:,} customers, "
               f"{summary.assignments:,} assignments, {summary.records:,} new expenditure records "
               f"in {time.perf_counter() - started:.1f} s")
    _echo_sign_ins(demo_data.sign_ins())


def _echo_sign_ins(sign_ins: list[tuple[str, str, str, str]]) -> None:
    if not sign_ins:
        return
    rows = [("login", "password", "partner", "role"), *sign_ins]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    click.echo("Demo sign-ins:")
    for row in rows:
        click.echo("  " + "  ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)).rstrip())
