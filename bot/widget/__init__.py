"""The website chat widget: its static assets under /widget/ and a /demo page for the city website.

Why a blueprint of the staff app: the widget must be served from our own origin (no CDN, nothing
third-party on a page residents use for police complaints), and the staff app is the web server we
already run. The widget itself is plain JS/CSS in `static/`; it talks straight to Rasa's REST
channel, so this blueprint never sees a message. `bot.staff.create_app` registers `widget_bp`.

The demo page reads `RASA_PUBLIC_URL` (the Rasa server as browsers reach it) from the app config
and `WIDGET_START_PAYLOAD` (default "/greet", sent when the panel first opens).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_from_directory

STATIC_DIR = Path(__file__).resolve().parent / "static"
DEFAULT_BOT_URL = "http://localhost:5005"
DEFAULT_START_PAYLOAD = "/greet"
ASSET_MAX_AGE = 300  # seconds; short, so a fixed widget reaches residents quickly

widget_bp = Blueprint("widget", __name__, template_folder="templates")


@widget_bp.get("/widget/<path:filename>")
def asset(filename: str):
    """widget.js, widget.css and the demo page's stylesheet; nothing outside STATIC_DIR."""
    if filename.startswith(".") or "/" in filename:
        abort(404)
    response = send_from_directory(STATIC_DIR, filename, max_age=ASSET_MAX_AGE)
    # Any site may embed the script and stylesheet with <script src> / <link href>.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@widget_bp.get("/demo")
def demo():
    """A page standing in for the city website, with the widget embedded by one <script> tag."""
    config = current_app.config
    return render_template(
        "widget/demo.html",
        bot_url=str(config.get("RASA_PUBLIC_URL") or DEFAULT_BOT_URL).rstrip("/"),
        start_payload=config.get("WIDGET_START_PAYLOAD", DEFAULT_START_PAYLOAD),
    )
