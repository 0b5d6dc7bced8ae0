"""CLI commands about mediation requests: migrate, list, show, export, deliver-pending, generate-key.

Why here: these are thin wrappers over bot.db.migrate and bot.requests, so the CLI and the
assistant share the rules (decryption, auditing, idempotent outbox delivery).
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import exc as sa_exc

from bot import requests as requests_api
from bot.cli.common import cli_actor, database_error
from bot.db import migrate
from bot.requests import outbox
from bot.settings import get_settings


def register(subparsers) -> None:
    p = subparsers.add_parser("migrate", help="create or upgrade the database schema")
    p.set_defaults(func=cmd_migrate)

    p = subparsers.add_parser("list", help="list requests, newest first")
    p.add_argument("--status", help="only requests with this status")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_list)

    p = subparsers.add_parser("show", help="show one request (decrypted) with its history")
    p.add_argument("reference", metavar="REF")
    p.set_defaults(func=cmd_show)

    p = subparsers.add_parser("export", help="export every request, decrypted (handle the file with care)")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE (mode 600) instead of standard output")
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser("deliver-pending", help="deliver requests kept in the outbox while the database was down")
    p.set_defaults(func=cmd_deliver_pending)

    p = subparsers.add_parser("generate-key", help="print new keys for MEDIATION_ENCRYPTION_KEY / MEDIATION_SECRET_KEY")
    p.add_argument("--kind", choices=("both", "encryption", "secret"), default="both")
    p.set_defaults(func=cmd_generate_key)


def _settings():
    return get_settings()


def cmd_migrate(args) -> int:
    try:
        revision = migrate.upgrade(_settings().database_url)
    except sa_exc.SQLAlchemyError as exc:
        return database_error(exc)
    print(f"Database schema is at revision {revision}.")
    return 0


def cmd_list(args) -> int:
    try:
        rows = requests_api.list_requests(status=args.status, limit=args.limit, settings=_settings())
    except sa_exc.SQLAlchemyError as exc:
        return database_error(exc)
    if not rows:
        print("No requests.")
        return 0
    for r in rows:
        print(
            f"{r['reference']}  {r['created_at'][:16].replace('T', ' ')}  {r['status']:<12} "
            f"{r['channel']:<6} {r['eligibility_outcome'] or '-':<18} {r['name'] or '(purged)'}"
        )
    return 0


def cmd_show(args) -> int:
    try:
        data = requests_api.get_request(args.reference, actor=cli_actor(), settings=_settings())
    except sa_exc.SQLAlchemyError as exc:
        return database_error(exc)
    if data is None:
        print(f"No request with reference {args.reference!r}.", file=sys.stderr)
        return 1
    history = data.pop("status_history")
    notes = data.pop("notes")
    width = max(len(k) for k in data)
    for key, value in data.items():
        if key == "eligibility_reasons":
            value = "; ".join(f"{r.get('rule')}: {r.get('result')}" for r in value) or "-"
        print(f"{key:<{width}}  {'-' if value is None else value}")
    print("\nStatus history:")
    for e in history:
        print(f"  {e['created_at']}  {e['from_status'] or '-'} -> {e['to_status']}  by {e['actor']}")
    if notes:
        print("\nNotes:")
        for n in notes:
            print(f"  {n['created_at']}  {n['author']}: {n['body'] or '(purged)'}")
    return 0


def cmd_export(args) -> int:
    try:
        rows = requests_api.export_rows(actor=cli_actor(), settings=_settings(), fmt=args.format)
    except sa_exc.SQLAlchemyError as exc:
        return database_error(exc)
    text = (
        json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
        if args.format == "json"
        else requests_api.render_csv(rows)
    )
    if args.output:
        path = Path(args.output)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        print(
            f"Exported {len(rows)} request(s) to {path}. It contains personal data: store it securely.", file=sys.stderr
        )
    else:
        sys.stdout.write(text)
    return 0


def cmd_deliver_pending(args) -> int:
    report = outbox.flush(_settings(), wait=True)
    print(f"Delivered {report.delivered} request(s); {report.remaining} still waiting.")
    if report.unreachable:
        print("The database is not reachable; the remaining requests stay safely in the outbox.", file=sys.stderr)
        return 1
    return 0


def cmd_generate_key(args) -> int:
    if args.kind in ("both", "encryption"):
        key = Fernet.generate_key().decode()
        print(key if args.kind == "encryption" else f"MEDIATION_ENCRYPTION_KEY={key}")
    if args.kind in ("both", "secret"):
        key = secrets.token_urlsafe(48)
        print(key if args.kind == "secret" else f"MEDIATION_SECRET_KEY={key}")
    return 0
