"""The staff dashboard: a server-rendered Flask app (works without JavaScript).

Why server-rendered: staff handle confidential data on city computers; plain HTML forms with CSRF tokens,
a strict Content-Security-Policy without inline scripts and no third-party assets keep the attack surface
small and the pages accessible with any browser or assistive technology.

`create_app(settings)` wires: database engine, encryption settings for the request, Flask-Login sessions
(idle expiry), CSRF, security headers, the blueprints and, when present, the chat widget blueprint.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any, Mapping, Optional

from flask import Flask

from bot.db.engine import get_engine
from bot.settings import Settings, get_settings
from bot.staff import security
from bot.staff.admin import bp as admin_bp
from bot.staff.auth import bp as auth_bp
from bot.staff.auth import init_login
from bot.staff.overview import bp as overview_bp
from bot.staff.requests_views import bp as requests_bp
from bot.staff.templating import init_templating
from bot.widget import widget_bp

DEFAULT_IDLE_MINUTES = 30
DEFAULT_RASA_PUBLIC_URL = "http://localhost:5005"


def _session_key(secret: str) -> str:
    # Derived so the Flask signing key differs from the HMAC key used for blind indexes.
    return hmac.new(secret.encode("utf-8"), b"staff-session:v1", hashlib.sha256).hexdigest()


def create_app(settings: Optional[Settings] = None, *, config: Optional[Mapping[str, Any]] = None) -> Flask:
    """Build the staff app for `settings` (default: from the environment).

    `config` overrides Flask config keys (tests use it, e.g. {"IDLE_TIMEOUT_MINUTES": 1}).
    """

    settings = settings or get_settings()
    app = Flask(__name__)
    idle = int(settings.staff_idle_minutes)
    app.config.update(
        SECRET_KEY=_session_key(settings.secret_key),
        SESSION_COOKIE_NAME="mediation_staff",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings.https),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=bool(settings.https),
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=idle),
        SESSION_REFRESH_EACH_REQUEST=True,
        IDLE_TIMEOUT_MINUTES=idle,
        WTF_CSRF_ENABLED=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the (idle-limited) session
        MAX_CONTENT_LENGTH=256 * 1024,
        REQUESTS_PER_PAGE=25,
        RASA_PUBLIC_URL=settings.rasa_public_url,
    )
    if config:
        app.config.update(config)
        app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"])

    app.extensions["mediation_settings"] = settings
    app.extensions["mediation_engine"] = get_engine(settings.database_url)

    security.init_security(app, settings)
    init_login(app)
    init_templating(app, settings)

    app.register_blueprint(auth_bp)
    app.register_blueprint(requests_bp)
    app.register_blueprint(overview_bp)
    app.register_blueprint(admin_bp)

    # The chat widget's assets (/widget/...) and the /demo page standing in for the city website.

    app.register_blueprint(widget_bp)
    app.config["WIDGET_BLUEPRINTS"] = {widget_bp.name}

    @app.get("/health")
    def health():
        """For process supervisors and `make run`: the app is up (it does not touch personal data)."""
        return {"status": "ok"}

    return app
