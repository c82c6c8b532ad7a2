"""`flask --app app users add|list|set-password|set-role|sign-out-everywhere|remove`: who may
sign in. Changing a password or a role, and removing a sign-in, end its sessions at once."""
import sys

import click
from flask.cli import AppGroup

from data_access.errors import UserError
from data_access.options import partner as find_partner
from data_access.users import ROLES, add_user, list_users, remove_user, set_password, set_role, sign_out_everywhere
from runtime import current_runtime

users = AppGroup("users", help="Sign-ins: add, list, set passwords and roles, sign out, remove.")

password_stdin = click.option("--password-stdin", is_flag=True,
                              help="Read the password from the first line of standard input.")


def _change(step, *args) -> None:
    """Run one change of `data_access.users` in a transaction; its refusal as a one-line error."""
    with current_runtime().engine.begin() as conn:
        try:
            step(conn, *args)
        except UserError as error:
            raise click.ClickException(error.message) from None


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("add")
@click.argument("login")
@click.option("--partner", "partner_id", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--manager", "manager_id", help="The account manager (role account_manager only).")
@password_stdin
def add(login: str, partner_id: str, role: str, manager_id: str | None, password_stdin: bool) -> None:
    """Add a sign-in LOGIN for a partner."""
    password = _password(password_stdin)
    with current_runtime().engine.begin() as conn:
        if find_partner(conn, partner_id) is None:
            raise click.ClickException(f"unknown partner {partner_id!r}")
        try:
            add_user(conn, login, password, partner_id, role, manager_id)
        except UserError as error:
            raise click.ClickException(error.message) from None
    click.echo(f"Added {login} ({role} of {partner_id}{f', manager {manager_id}' if manager_id else ''})")


@users.command("list")
@click.option("--partner", "partner_id", help="Only this partner's sign-ins.")
def list_(partner_id: str | None) -> None:
    """List sign-ins: login, partner, role, account manager."""
    with current_runtime().engine.connect() as conn:
        found = list_users(conn, partner_id)
    for user in found:
        click.echo("\t".join((user.login, user.partner_id, user.role, user.manager_id or "")))


@users.command("set-password")
@click.argument("login")
@password_stdin
def set_password_(login: str, password_stdin: bool) -> None:
    """Give LOGIN a new password; its sessions end."""
    _change(set_password, login, _password(password_stdin))
    click.echo(f"Password of {login} changed; its sessions have ended")


@users.command("set-role")
@click.argument("login")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--manager", "manager_id", help="The account manager (role account_manager only).")
def set_role_(login: str, role: str, manager_id: str | None) -> None:
    """Give LOGIN another role (and account manager); its sessions end."""
    _change(set_role, login, role, manager_id)
    click.echo(f"{login} is now {role}{f' of manager {manager_id}' if manager_id else ''}; "
               "its sessions have ended")


@users.command("sign-out-everywhere")
@click.argument("login")
def sign_out_everywhere_(login: str) -> None:
    """End every session of LOGIN at once (a copied session cookie included)."""
    _change(sign_out_everywhere, login)
    click.echo(f"Every session of {login} has ended")


@users.command("remove")
@click.argument("login")
def remove(login: str) -> None:
    """Remove the sign-in LOGIN; its sessions end at once."""
    _change(remove_user, login)
    click.echo(f"Removed {login}")
