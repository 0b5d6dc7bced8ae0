"""Database access for views: one unit of work per block, on the app's engine.

Why: views must not share a session across requests; `with unit_of_work() as s:` commits or rolls back.
"""

from __future__ import annotations

from flask import current_app

from bot.db.engine import session_scope


def unit_of_work():
    return session_scope(current_app.extensions["mediation_engine"])


def settings():
    return current_app.extensions["mediation_settings"]
