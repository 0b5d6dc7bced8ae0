"""Sign-in and sign-out. Password checks, throttling and their audit live in bot.requests.staff_accounts.

Why a small user object: the logged-in identity is re-read from the database on each request, so a
deactivated account or a changed role takes effect immediately; no database object outlives its session.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user

from bot.db import audit
from bot.db.models import User
from bot.requests import staff_accounts
from bot.staff.db import unit_of_work
from bot.staff.forms import SignInForm, SignOutForm

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


@dataclass
class StaffUser(UserMixin):
    id: int
    email: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Please sign in to see this page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(user_id: str):
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        return None
    with unit_of_work() as s:
        user = s.get(User, uid)
        if user is None or not user.is_active:
            return None
        return StaffUser(id=user.id, email=user.email, role=user.role)


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("requests.list_requests")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("requests.list_requests"))
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    message = None
    status = 200
    if form.validate_on_submit():
        with unit_of_work() as s:
            result = staff_accounts.authenticate(s, form.email.data, form.password.data, source=request.remote_addr)
        if result.ok:
            session.clear()  # no session fixation: start a fresh session on sign-in
            login_user(StaffUser(result.user_id, result.email, result.role))
            session["last_seen"] = time.time()
            session.permanent = True
            return redirect(_safe_next(form.next.data))
        message = result.message
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("sign_in.html", form=form, message=message), status


@bp.route("/sign-out", methods=["POST"])
@login_required
def sign_out():
    SignOutForm()  # CSRF is enforced globally; the form exists so templates render its token
    with unit_of_work() as s:
        audit.record(s, current_user.email, "sign_out")
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.sign_in"))
