"""What every CLI command shares: who the audit trail says acted, and how a database error is reported."""

from __future__ import annotations

import getpass
import sys


def cli_actor() -> str:
    """The audit actor for CLI actions: `cli:<os user>`."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no passwd entry in some containers
        user = "unknown"
    return f"cli:{user}"


def database_error(exc: Exception) -> int:
    """Say what to check (never the error's message: it can carry stored values); the exit status 1."""
    print(
        f"Database error ({type(exc).__name__}). Check DATABASE_URL and that the database is running and "
        "migrated (`mediation-admin migrate`).",
        file=sys.stderr,
    )
    return 1
