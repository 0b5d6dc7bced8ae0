"""Jinja helpers: local times, status labels, field labels.

Why: times are stored in UTC but staff think in the program's time zone (settings.timezone).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.requests import workflow
from bot.staff.forms import SignOutForm

CHANNEL_LABELS = {"web": "Web chat", "sms": "SMS", "rest": "API", "shell": "Shell (testing)"}


def channel_label(value):
    return CHANNEL_LABELS.get(value, humanize(value))


def humanize(value):
    """snake_case code → "Snake case" for display; None → an em dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value).replace("_", " ").capitalize()


def init_templating(app, settings) -> None:
    zone = ZoneInfo(settings.timezone)

    def localtime(value, fmt="%Y-%m-%d %H:%M %Z"):
        if value is None:
            return "—"
        if isinstance(value, datetime):
            return value.astimezone(zone).strftime(fmt)
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def isotime(value):
        return value.astimezone(zone).isoformat(timespec="minutes") if value else ""

    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["isotime"] = isotime
    app.jinja_env.filters["status_label"] = workflow.label
    app.jinja_env.filters["humanize"] = humanize
    app.jinja_env.filters["channel_label"] = channel_label

    @app.context_processor
    def _globals():
        return {
            "sign_out_form": SignOutForm(),
            "program_timezone": settings.timezone,
            "status_label_fn": workflow.label,
            "humanize_fn": humanize,
            "channel_label_fn": channel_label,
        }
