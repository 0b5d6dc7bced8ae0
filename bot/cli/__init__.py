"""`mediation-admin`: the staff command line (migrate, list, show, export, users, purge, ...).

Why a registry of modules: each concern keeps its commands next to its own code and tests; this file only
assembles them. Each module in COMMAND_MODULES has `register(subparsers)`, and every subcommand sets
`func(args) -> int` as its default.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import logging
import sys
from typing import Optional, Sequence

COMMAND_MODULES = ["bot.cli.requests_cmds", "bot.cli.staff_cmds"]


def cli_actor() -> str:
    """The audit actor for CLI actions: `cli:<os user>`."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        user = "unknown"
    return f"cli:{user}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mediation-admin",
        description="Staff tools for the mediation assistant. Settings come from the environment "
        "(DATABASE_URL, MEDIATION_ENCRYPTION_KEY, MEDIATION_SECRET_KEY, ...).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show informational log messages")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # Only bot.cli.staff_cmds may be absent (it is written separately, in parallel); anything else
            # missing is a real error.
            if name != "bot.cli.staff_cmds" or exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from bot.settings import ConfigurationError

    try:
        return int(args.func(args) or 0)
    except ConfigurationError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
