"""WSGI entry point for production servers: `bot.staff.wsgi:app` (settings from the environment)."""

from bot.staff import create_app

app = create_app()
