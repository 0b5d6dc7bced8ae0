"""`mediation-admin`: the staff command line (migrate, list, show, export, users, purge, ...).

Why a list of modules: each concern keeps its commands in its own module; this file only assembles them.
Each module in COMMAND_MODULES has `register(subparsers)`, and every subcommand sets `func(args) -> int`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Optional, Sequence

from bot.cli import requests_cmds, staff_cmds
from bot.settings import ConfigurationError

COMMAND_MODULES = (requests_cmds, staff_cmds)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mediation-admin",
        description="Staff tools for the mediation assistant. Settings come from the environment "
        "(DATABASE_URL, MEDIATION_ENCRYPTION_KEY, MEDIATION_SECRET_KEY, ...).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show informational log messages")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
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
    try:
        return int(args.func(args) or 0)
    except ConfigurationError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
