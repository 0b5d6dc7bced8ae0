"""Request-level protections: encryption context, CSRF, idle expiry, security headers, roles.

Why in one place: these are the guarantees a reviewer checks first, so they should be readable together.
* Each request runs with the app's settings active for field encryption (`bot.db.crypto.using`).
* CSRF tokens (Flask-WTF) guard every POST; a missing or stale token gets a kind 400 page.
* A signed-in session that sees no request for IDLE_TIMEOUT_MINUTES is ended server-side (the
  `last_seen` stamp lives in the signed session cookie, so an old cookie cannot be replayed later).
* Headers: a CSP with no inline scripts, framing denied, nosniff, no referrer leaking references.
  The chat widget's routes (/widget/..., /demo) get their own CSP that may connect to the Rasa server.
"""

from __future__ import annotations

import time
from functools import wraps

from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from bot.db import audit
from bot.db.crypto import using
from bot.staff.db import unit_of_work

csrf = CSRFProtect()

BASE_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def _csp(directives: dict) -> str:
    return "; ".join(f"{k} {v}" for k, v in directives.items())


def widget_csp(settings, rasa_url: str) -> str:
    sources = ["'self'", *settings.cors_origins, rasa_url]
    connect = " ".join(dict.fromkeys(s.rstrip("/") if s != "'self'" else s for s in sources if s))
    return _csp({**BASE_CSP, "connect-src": connect, "frame-ancestors": "'self'"})


def is_widget_request() -> bool:
    names = current_app.config.get("WIDGET_BLUEPRINTS", set())
    return (request.blueprint in names) or request.path.startswith("/widget/") or request.path == "/demo"


class _EncryptionContext:
    """WSGI middleware: activate the app's settings for encrypted columns for the whole request."""

    def __init__(self, wsgi_app, settings):
        self.wsgi_app = wsgi_app
        self.settings = settings

    def __call__(self, environ, start_response):
        with using(self.settings):
            return self.wsgi_app(environ, start_response)


def init_security(app: Flask, settings) -> None:
    app.wsgi_app = _EncryptionContext(app.wsgi_app, settings)  # type: ignore[method-assign]  # WSGI middleware
    csrf.init_app(app)
    page_csp = _csp(BASE_CSP)
    demo_csp = widget_csp(settings, app.config["RASA_PUBLIC_URL"])

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        return render_template(
            "error.html",
            title="Form expired",
            message="This form was sent without a valid security token, for example because "
            "it was open for too long or came from another site. Go back, reload the "
            "page and try again. Nothing was changed.",
            code=400,
        ), 400

    pages = {
        403: ("Not allowed", "Your account cannot use this page."),
        404: ("Not found", "There is no page or request at this address. Check the reference and try again."),
        405: ("Not allowed", "This address does not accept that kind of request."),
        413: ("Too large", "What you sent is too large. Shorten it and try again."),
        500: (
            "Something went wrong",
            "The dashboard hit an unexpected error. Nothing you entered is lost "
            "from the database; try again, and tell the administrator if it repeats.",
        ),
    }

    def _error_page(exc):
        code = getattr(exc, "code", 500) or 500
        title, message = pages.get(code, pages[500])
        return render_template("error.html", title=title, message=message, code=code), code

    for code in pages:
        app.register_error_handler(code, _error_page)

    @app.before_request
    def _idle_expiry():
        if request.endpoint == "static":
            return None
        if not current_user.is_authenticated:
            return None
        now = time.time()
        last = session.get("last_seen")
        limit = current_app.config["IDLE_TIMEOUT_MINUTES"] * 60
        if last is None or now - float(last) > limit:
            with unit_of_work() as s:
                audit.record(s, current_user.email, "sign_out", detail={"reason": "idle"})
            logout_user()
            session.clear()
            flash(
                f"You were signed out after {current_app.config['IDLE_TIMEOUT_MINUTES']} minutes without "
                "activity. Please sign in again.",
                "info",
            )
            if request.method == "GET":
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            return redirect(url_for("auth.sign_in"))
        session["last_seen"] = now
        session.permanent = True
        return None

    @app.after_request
    def _headers(response):
        widget = is_widget_request()
        if widget:
            response.headers.setdefault("Content-Security-Policy", demo_csp)
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        else:
            response.headers["Content-Security-Policy"] = page_csp
            response.headers["X-Frame-Options"] = "DENY"
            if request.endpoint != "static":
                # Pages may show personal data: never keep them in shared or browser caches.
                response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer" if not widget else "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response


def admin_required(view):
    """Only admins; staff get a 403 page that explains why."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]  # set by Flask-Login
        if not current_user.is_admin:
            return render_template(
                "error.html",
                title="Admins only",
                message="This page is for program admins. Ask an admin if you need it.",
                code=403,
            ), 403
        return view(*args, **kwargs)

    return wrapped
