"""Admin-only pages: audit log, user accounts, retention purge.

Why separate: these are the powers staff accounts do not have; every route here is `admin_required`.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from bot.db.models import AUDIT_ACTIONS, AuditEvent, MediationRequest, User
from bot.requests import retention, staff_accounts
from bot.staff.db import settings, unit_of_work
from bot.staff.forms import CreateUserForm, PurgeForm, UserActionForm
from bot.staff.security import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_PAGE_SIZE = 50


@bp.route("/audit")
@login_required
@admin_required
def audit_log():
    action = request.args.get("action", "")
    actor = request.args.get("actor", "").strip()[:255]
    reference = request.args.get("reference", "").strip().upper()[:9]
    try:
        page = max(1, int(request.args.get("page") or 1))
    except ValueError:
        page = 1
    stmt = select(AuditEvent, MediationRequest.reference).outerjoin(
        MediationRequest, MediationRequest.id == AuditEvent.request_id
    )
    if action in AUDIT_ACTIONS:
        stmt = stmt.where(AuditEvent.action == action)
    if actor:
        stmt = stmt.where(AuditEvent.actor == actor.lower())
    if reference:
        stmt = stmt.where(MediationRequest.reference == reference)
    with unit_of_work() as s:
        total = s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
        pages = max(1, -(-total // AUDIT_PAGE_SIZE))
        page = min(page, pages)
        rows = s.execute(
            stmt.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
            .limit(AUDIT_PAGE_SIZE)
            .offset((page - 1) * AUDIT_PAGE_SIZE)
        ).all()
        events = [
            {
                "created_at": e.created_at,
                "actor": e.actor,
                "action": e.action,
                "reference": ref,
                "detail": e.detail or {},
            }
            for e, ref in rows
        ]
    args = {k: v for k, v in {"action": action, "actor": actor, "reference": reference}.items() if v}
    return render_template(
        "admin/audit.html", events=events, page=page, pages=pages, total=total, actions=AUDIT_ACTIONS, args=args
    )


def _user_rows(session):
    return list(session.execute(select(User).order_by(User.email)).scalars())


@bp.route("/users", methods=["GET", "POST"])
@login_required
@admin_required
def manage_users():
    form = CreateUserForm()
    error = None
    code = 200
    if request.method == "POST":
        if form.validate():
            try:
                with unit_of_work() as s:
                    staff_accounts.create_user(
                        s, form.email.data, form.password.data, form.role.data, actor=current_user.email
                    )
            except staff_accounts.UserError as exc:
                error = str(exc)
                code = 400
            else:
                flash(f"Account created for {staff_accounts.normalize_email(form.email.data)}.", "success")
                return redirect(url_for("admin.manage_users"))
        else:
            code = 400
    with unit_of_work() as s:
        rows = [
            {
                "id": u.id,
                "email": u.email,
                "role": u.role,
                "is_active": u.is_active,
                "locked_until": u.locked_until,
                "last_login_at": u.last_login_at,
                "created_at": u.created_at,
            }
            for u in _user_rows(s)
        ]
    return render_template("admin/users.html", form=form, rows=rows, error=error, action_form=UserActionForm()), code


@bp.route("/users/<int:user_id>/<change>", methods=["POST"])
@login_required
@admin_required
def change_user(user_id: int, change: str):
    UserActionForm()
    if change not in ("unlock", "activate", "deactivate"):
        return render_template("error.html", title="Not found", message="That page does not exist.", code=404), 404
    if change == "deactivate" and user_id == current_user.id:
        flash("You cannot deactivate your own account.", "error")
        return redirect(url_for("admin.manage_users"))
    try:
        with unit_of_work() as s:
            user = s.get(User, user_id)
            if user is None:
                flash("That account no longer exists.", "error")
                return redirect(url_for("admin.manage_users"))
            if change == "unlock":
                staff_accounts.unlock(s, user, actor=current_user.email)
            else:
                staff_accounts.set_active(s, user, change == "activate", actor=current_user.email)
            email = user.email
    except staff_accounts.UserError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.manage_users"))
    done = {"unlock": "unlocked", "activate": "activated", "deactivate": "deactivated"}[change]
    flash(f"{email} {done}.", "success")
    return redirect(url_for("admin.manage_users"))


@bp.route("/retention", methods=["GET", "POST"])
@login_required
@admin_required
def retention_page():
    form = PurgeForm(data={"days": settings().retention_days} if request.method == "GET" else None)
    result = None
    error = None
    code = 200
    if request.method == "POST":
        dry_run = request.form.get("action") != "purge"
        if not form.validate():
            code = 400
        elif not dry_run and not form.confirm.data:
            error = "Tick the box to confirm before purging."
            code = 400
        else:
            with unit_of_work() as s:
                result = retention.purge(s, form.days.data, actor=current_user.email, dry_run=dry_run)
    return render_template(
        "admin/retention.html", form=form, result=result, confirm_error=error, default_days=settings().retention_days
    ), code
