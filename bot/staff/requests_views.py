"""Request list, request page, status changes, notes and CSV export.

Why every view audits: staff see residents' personal data here, and the program must be able to say who
looked at or changed which request, and when (the audit detail never holds personal data itself).
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from bot.db import audit
from bot.db.models import MediationRequest, Note

# render_csv: the same CSV as `mediation-admin export --format csv` — one rule, two entry points.
from bot.requests import render_csv, request_to_dict, search, stats, workflow
from bot.staff.db import settings, unit_of_work
from bot.staff.forms import ExportForm, NoteForm, StatusForm
from bot.staff.security import admin_required

bp = Blueprint("requests", __name__)


@bp.route("/")
def home():
    return redirect(url_for("requests.list_requests"))


@bp.route("/requests")
@login_required
def list_requests():
    tz = settings().timezone
    with unit_of_work() as s:
        outcomes = search.known_outcomes(s)
        f = search.parse_filters(request.args, outcomes)
        page = search.load_page(s, f, tz, per_page=current_app.config["REQUESTS_PER_PAGE"])
        counts = stats.status_counts(s)
        rows = [
            {
                "reference": r.reference,
                "created_at": r.created_at,
                "name": r.name,
                "status": r.status,
                "channel": r.channel,
                "outcome": r.eligibility_outcome,
                "purged": r.purged_at is not None,
            }
            for r in page.items
        ]
        if rows:
            audit.record(
                s,
                current_user.email,
                "view_request",
                detail={
                    "scope": "list",
                    "references": [r["reference"] for r in rows],
                    "page": page.page,
                    "filters": f.audit_detail(),
                },
            )
    export_form = ExportForm(data={k: f.raw.get(k, "") for k in search.FILTER_KEYS if k not in f.errors})
    return render_template(
        "requests/list.html",
        rows=rows,
        page=page,
        filters=f,
        counts=counts,
        outcomes=outcomes,
        statuses=workflow.STATUSES,
        channels=search.CHANNELS,
        export_form=export_form,
    )


def _load(session, reference: str):
    req = session.execute(
        select(MediationRequest).where(MediationRequest.reference == reference.upper())
    ).scalar_one_or_none()
    if req is None:
        abort(404)
    return req


def _render_detail(session, req, *, status_form=None, note_form=None, error=None, note_error=None, code=200):
    audit.record(session, current_user.email, "view_request", request_id=req.id, detail={"scope": "detail"})
    status_form = status_form or StatusForm(formdata=None, current=req.status)
    note_form = note_form or NoteForm(formdata=None)
    return render_template(
        "requests/detail.html",
        req=req,
        events=list(req.status_events),
        notes=list(req.notes),
        next_statuses=workflow.allowed_next(req.status),
        status_form=status_form,
        note_form=note_form,
        status_error=error,
        note_error=note_error,
        is_final=workflow.is_final(req.status),
    ), code


@bp.route("/requests/<reference>")
@login_required
def show_request(reference: str):
    with unit_of_work() as s:
        req = _load(s, reference)
        return _render_detail(s, req)


@bp.route("/requests/<reference>/status", methods=["POST"])
@login_required
def change_status(reference: str):
    form = StatusForm()
    with unit_of_work() as s:
        req = _load(s, reference)
        if not form.validate():
            return _render_detail(s, req, status_form=form, code=400)
        if form.current.data and form.current.data != req.status:
            error = (
                f"Someone changed this request to {workflow.label(req.status)} while you were viewing it. "
                "Check the history below and choose again."
            )
            return _render_detail(
                s, req, status_form=StatusForm(formdata=None, current=req.status), error=error, code=409
            )
        try:
            change = workflow.change_status(s, req, form.status.data, current_user.email)
        except workflow.TransitionRefused as exc:
            return _render_detail(s, req, status_form=form, error=str(exc), code=409)
    flash(f"Status changed from {workflow.label(change.from_status)} to {workflow.label(change.to_status)}.", "success")
    return redirect(url_for("requests.show_request", reference=change.reference) + "#status-heading")


@bp.route("/requests/<reference>/notes", methods=["POST"])
@login_required
def add_note(reference: str):
    form = NoteForm()
    with unit_of_work() as s:
        req = _load(s, reference)
        if req.purged_at is not None:
            return _render_detail(
                s,
                req,
                note_form=form,
                code=409,
                note_error="The personal data of this request was purged; notes are closed.",
            )
        if not form.validate():
            return _render_detail(s, req, note_form=form, code=400)
        note = Note(
            request_id=req.id,
            author=current_user.email,
            body=form.body.data.strip(),
            created_at=datetime.now(timezone.utc),
        )
        s.add(note)
        s.flush()
        audit.record(s, current_user.email, "add_note", request_id=req.id, detail={"note_id": note.id})
        ref = req.reference
    flash("Note added.", "success")
    return redirect(url_for("requests.show_request", reference=ref) + "#notes-heading")


@bp.route("/requests/export.csv", methods=["POST"])
@login_required
@admin_required
def export_csv():
    tz = settings().timezone
    form = ExportForm()
    args = {k: (getattr(form, k).data or "") for k in search.FILTER_KEYS}
    with unit_of_work() as s:
        f = search.parse_filters(args, search.known_outcomes(s))
        rows = [request_to_dict(r) for r in search.load_all(s, f, tz)]
        audit.record(s, current_user.email, "export", detail={"count": len(rows), "filters": f.audit_detail()})
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return Response(
        render_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="mediation-requests-{stamp}.csv"'},
    )
