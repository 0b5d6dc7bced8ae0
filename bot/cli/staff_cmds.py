"""CLI commands for the staff side: `create-user` and the retention `purge`.

Why thin: account rules live in bot.requests.staff_accounts and the purge rule in bot.requests.retention;
the dashboard uses the same functions, so the CLI cannot drift from it. Passwords are never taken as
arguments (they would end up in shell history and `ps`): they are prompted for, or read from standard input.
"""

from __future__ import annotations

import getpass
import sys

from sqlalchemy import exc as sa_exc

from bot.cli.common import cli_actor, database_error
from bot.db import crypto
from bot.db.engine import get_engine, session_scope
from bot.requests import retention, staff_accounts
from bot.settings import get_settings


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "create-user", help="create a dashboard account (password prompted, or read from stdin when piped)"
    )
    p.add_argument("email", metavar="EMAIL")
    p.add_argument(
        "--role",
        choices=("staff", "admin"),
        default="staff",
        help="staff: read and update requests; admin: also export, purge, manage users, audit log",
    )
    p.set_defaults(func=cmd_create_user)

    p = subparsers.add_parser(
        "purge", help="remove personal data from requests closed more than DAYS days ago (audited)"
    )
    p.add_argument(
        "--older-than", type=int, metavar="DAYS", dest="older_than", help="default: MEDIATION_RETENTION_DAYS (365)"
    )
    p.add_argument("--dry-run", action="store_true", help="only report what would be purged")
    p.set_defaults(func=cmd_purge)


def _settings():
    return get_settings()


def read_password(stream=None) -> str:
    """Prompt twice on a terminal; otherwise read the first line of standard input."""
    stream = stream or sys.stdin
    if stream.isatty():
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Repeat the password: ")
        if first != second:
            raise ValueError("The two passwords differ; nothing was created.")
        return first
    return stream.readline().rstrip("\r\n")


def cmd_create_user(args) -> int:

    settings = _settings()
    try:
        password = read_password()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    problem = staff_accounts.check_password(password)
    if problem:
        print(f"{problem} Nothing was created.", file=sys.stderr)
        return 1
    try:
        with session_scope(get_engine(settings.database_url)) as session:
            user = staff_accounts.create_user(session, args.email, password, args.role, actor=cli_actor())
            email, role = user.email, user.role
    except staff_accounts.UserError as exc:
        print(f"{exc} Nothing was created.", file=sys.stderr)
        return 1
    except sa_exc.SQLAlchemyError as exc:
        return database_error(exc)
    print(f"Created {role} account {email}. Sign in at {settings.staff_base_url}/sign-in")
    return 0


def cmd_purge(args) -> int:

    settings = _settings()
    days = settings.retention_days if args.older_than is None else args.older_than
    if days < 0:
        print("--older-than must be zero or more days.", file=sys.stderr)
        return 2
    try:
        with crypto.using(settings), session_scope(get_engine(settings.database_url)) as session:
            result = retention.purge(session, days, actor=cli_actor(), dry_run=args.dry_run)
    except sa_exc.SQLAlchemyError as exc:
        return database_error(exc)
    verb = "Would purge" if args.dry_run else "Purged"
    print(
        f"{verb} personal data from {result.count} request(s) closed before "
        f"{result.cutoff.date().isoformat()} ({days} days)."
    )
    for ref in result.references:
        print(f"  {ref}")
    return 0
