"""``govflow user``: users and their API tokens."""

from __future__ import annotations

import sys

import click

from engine.core.roles import ROLES
from webui.cli.common import load_runtime


@click.group(help="Manage users.")
def user() -> None:
    pass


@user.command("add", help="Add a user. Roles: " + ", ".join(ROLES))
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(list(ROLES)))
@click.option("--unit", required=True,
              help="the unit's code (e.g. PLAN) or its exact name (e.g. กลุ่มนโยบายและแผน); "
              "a new code (at most 50 characters) creates the unit")
@click.option("--display-name", default=None)
@click.option("--email", default=None,
              help="one e-mail address, for deadline reminders and escalations")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def user_add(name: str, roles: tuple[str, ...], unit: str, display_name: str | None,
             email: str | None, password_stdin: bool) -> None:
    from engine.services.admin.users import add_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    add_user(load_runtime(), name, list(roles), unit, password=password,
             display_name=display_name, email=email)
    click.echo(f"เพิ่มผู้ใช้แล้ว / added user {name} ({', '.join(roles)}) in unit {unit}")


class _TokenGroup(click.Group):
    """``govflow user token`` with subcommands, where the older ``govflow user token NAME``
    still works: a first argument that is no subcommand means ``new NAME`` with an
    automatic token name ("api", "api-2"…)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["new-unnamed", *args]
        return super().parse_args(ctx, args)


@user.group("token", cls=_TokenGroup, help=(
    "API tokens: several per user, one per system that calls the API, each with a name. "
    "`token new NAME --name LABEL` prints a new token (shown once; stored hashed); "
    "`token list NAME`; `token revoke NAME --id ID` or `--all`. The older `token NAME` "
    "still prints a new token, named automatically (api, api-2, …)."))
def user_token() -> None:
    pass


def _issue(name: str, label: str | None) -> None:
    from engine.services.admin.users import issue_token

    click.echo(issue_token(load_runtime(), name, label))


@user_token.command("new", help="Print a new API token for user NAME, called LABEL (e.g. "
                    "the system that will use it); the user's other tokens stay valid.")
@click.argument("name")
@click.option("--name", "label", required=True,
              help="the token's name, unique among the user's live tokens (at most 100)")
def token_new(name: str, label: str) -> None:
    _issue(name, label)


@user_token.command("new-unnamed", hidden=True)
@click.argument("name")
def token_new_unnamed(name: str) -> None:
    _issue(name, None)


@user_token.command("list", help="List user NAME's live API tokens: id, name, created, "
                    "last used (Bangkok time, Buddhist Era).")
@click.argument("name")
def token_list(name: str) -> None:
    from engine.services.admin.tokens import list_tokens

    found = list_tokens(load_runtime(), name)
    if not found:
        click.echo(f"{name} ไม่มีโทเคนที่ใช้งานอยู่ / {name} has no live token")
    for token in found:
        click.echo(f"  {token['id']:>6}  {token['name']}  สร้าง / created "
                   f"{_when(token['created_at'])}  ใช้ล่าสุด / last used "
                   f"{_when(token['last_used_at'])}")


def _when(iso_value: str | None) -> str:
    from datetime import datetime

    from engine.thai.dates import format_thai_datetime

    if not iso_value:
        return "ยังไม่เคย / never"
    return format_thai_datetime(datetime.fromisoformat(iso_value))


@user_token.command("revoke", help="Revoke one of user NAME's API tokens (--id, from "
                    "`token list`) or all of them (--all).")
@click.argument("name")
@click.option("--id", "token_id", type=click.IntRange(1, 2**62), default=None)
@click.option("--all", "every", is_flag=True)
def token_revoke(name: str, token_id: int | None, every: bool) -> None:
    from engine.services.admin.tokens import revoke

    if (token_id is None) == (not every):
        raise click.UsageError("ระบุ --id ID หรือ --all อย่างใดอย่างหนึ่ง / give either --id ID "
                               "or --all")
    count = revoke(load_runtime(), name, token_id=token_id)
    click.echo(f"ยกเลิกโทเคนแล้ว / revoked: {count}")


