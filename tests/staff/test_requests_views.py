"""The request list, request page, status changes, notes, export, roles and audit, through the Flask test
client on the real database (SQLite and PostgreSQL). Requests are filed the way the bot files them."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from bot.db.models import MediationRequest, Note
from tests.support.staff import ADMIN_EMAIL, STAFF_EMAIL, audit_events, csrf_token


def _set_created(db, reference, when):
    with db() as s:
        s.execute(update(MediationRequest).where(MediationRequest.reference == reference).values(created_at=when))


def test_list_requires_sign_in(app):
    response = app.test_client().get("/requests")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_list_is_newest_first_with_counts_and_audited(staff_client, file_request, db):
    old = file_request(name="Ada Older")
    new = file_request(name="Bea Newer")
    _set_created(db, old.reference, datetime.now(timezone.utc) - timedelta(days=3))
    page = staff_client.get("/requests").text
    assert page.index(new.reference) < page.index(old.reference)
    assert "Ada Older" in page and "Bea Newer" in page
    assert '<span class="count-number">2</span> <span class="count-label">New</span>' in page
    assert '<th scope="col">Reference</th>' in page
    listed = [d for actor, action, rid, d in audit_events(db, "view_request") if actor == STAFF_EMAIL]
    assert listed[-1]["scope"] == "list" and set(listed[-1]["references"]) == {old.reference, new.reference}
    assert "Ada" not in str(listed)


def test_filters_status_outcome_channel_and_dates(staff_client, file_request, db):
    web = file_request(name="Web Person", eligibility_outcome="likely_eligible")
    sms = file_request(channel="sms", name="Sms Person", eligibility_outcome="needs_review")
    _set_created(db, sms.reference, datetime(2026, 1, 15, 18, 0, tzinfo=timezone.utc))
    reviewed = file_request(name="Reviewed Person")
    page = staff_client.get(f"/requests/{reviewed.reference}").text
    staff_client.post(
        f"/requests/{reviewed.reference}/status",
        data={"status": "in_review", "current": "new", "csrf_token": csrf_token(page)},
    )

    def refs(query):
        html = staff_client.get("/requests?" + query).text
        return {r for r in (web.reference, sms.reference, reviewed.reference) if r in html}

    assert refs("status=in_review") == {reviewed.reference}
    assert refs("status=new") == {web.reference, sms.reference}
    assert refs("outcome=needs_review") == {sms.reference}
    assert refs("channel=sms") == {sms.reference}
    assert refs("date_from=2026-01-15&date_to=2026-01-15") == {sms.reference}
    assert refs("date_to=2026-01-14") == set()
    bad = staff_client.get("/requests?date_from=15/01/2026&channel=fax")
    assert bad.status_code == 200
    assert "Enter the date as YYYY-MM-DD" in bad.text and "Choose a channel from the list." in bad.text
    assert 'aria-describedby="f-date_from-error"' in bad.text


def test_search_by_reference_and_by_encrypted_name(staff_client, file_request):
    a = file_request(name="María Fernández")
    b = file_request(name="Tom Baker")
    html = staff_client.get("/requests?q=fernández").text
    assert a.reference in html and b.reference not in html
    html = staff_client.get("/requests?q=" + b.reference.lower()).text
    assert b.reference in html and a.reference not in html
    html = staff_client.get("/requests?q=nobody-has-this-name").text
    assert "No requests match these filters." in html


def test_pagination(staff_client, app, file_request):
    app.config["REQUESTS_PER_PAGE"] = 2
    filed = [file_request(name=f"Person {i}") for i in range(5)]
    first = staff_client.get("/requests").text
    assert "Page 1 of 3" in first and "Next page" in first
    third = staff_client.get("/requests?page=3").text
    assert "Page 3 of 3" in third and "Previous page" in third
    shown = [f.reference for f in filed if f.reference in first] + [f.reference for f in filed if f.reference in third]
    assert len(shown) == 3


def test_request_page_shows_every_field_decrypted_and_is_audited(staff_client, file_request, db):
    filed = file_request()
    response = staff_client.get(f"/requests/{filed.reference}")
    assert response.status_code == 200
    html = response.text
    for text in (
        "Jordan Example",
        "+18165550123",
        "jordan@example.org",
        "2026-0042",
        "2026-10-03",
        "Troost Ave and 31st St",
        "Badge 1234",
        "spoken to disrespectfully",
        "Weekday evenings",
        "English",
        "Wheelchair access",
        "within_filing_window",
        "Filed in time.",
        "Likely eligible",
    ):
        assert text in html, text

    with db() as s:
        rid = s.execute(select(MediationRequest.id).where(MediationRequest.reference == filed.reference)).scalar_one()
    assert (STAFF_EMAIL, "view_request", rid) in [e[:3] for e in audit_events(db)]


def test_unknown_reference_is_a_kind_404(staff_client):
    response = staff_client.get("/requests/MR-ZZZZZZ")
    assert response.status_code == 404
    assert "There is no page or request at this address" in response.text


def test_script_in_description_renders_as_text(staff_client, file_request):
    filed = file_request(description='<script>alert("x")</script> and <b>bold</b>', name="<img src=x onerror=alert(1)>")
    html = staff_client.get(f"/requests/{filed.reference}").text
    assert "<script>alert" not in html and "<b>bold</b>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    listing = staff_client.get("/requests").text
    assert "<img src=x" not in listing and "&lt;img src=x onerror=alert(1)&gt;" in listing


def _change(client, ref, to, current=None):
    page = client.get(f"/requests/{ref}").text
    data = {"status": to, "csrf_token": csrf_token(page)}
    if current:
        data["current"] = current
    return client.post(f"/requests/{ref}/status", data=data)


def test_status_change_along_the_workflow_with_history(staff_client, file_request, db):
    filed = file_request()
    for to in ("in_review", "contacted", "scheduled", "not_mediated"):
        response = _change(staff_client, filed.reference, to)
        assert response.status_code == 302, response.text
    html = staff_client.get(f"/requests/{filed.reference}").text
    assert "which is final" in html
    assert html.count(STAFF_EMAIL + "</td>") >= 4
    assert "Scheduled</td>\n        <td>Not mediated</td>" in html
    changes = [d for actor, action, rid, d in audit_events(db, "update_status")]
    assert changes[-1] == {"from": "scheduled", "to": "not_mediated"}


@pytest.mark.parametrize(
    "to,message",
    [
        ("mediated", "cannot move to Mediated"),
        ("scheduled", "cannot move to Scheduled"),
        ("new", "already New"),
        ("archived", "not a status this program uses"),
    ],
)
def test_invalid_status_change_is_refused_with_a_message(staff_client, file_request, db, to, message):
    filed = file_request()
    response = _change(staff_client, filed.reference, to)
    assert response.status_code == 409
    assert message in response.text
    assert 'aria-describedby="status-error"' in response.text
    assert not audit_events(db, "update_status")


def test_stale_status_form_is_refused(staff_client, file_request):
    filed = file_request()
    assert _change(staff_client, filed.reference, "in_review", current="new").status_code == 302
    response = _change(staff_client, filed.reference, "withdrawn", current="new")
    assert response.status_code == 409 and "while you were viewing it" in response.text


def test_notes_are_append_only_with_author_and_time(staff_client, admin_client, file_request, db):
    filed = file_request()
    for client, body in ((staff_client, "Called, left a voicemail."), (admin_client, "Resident called back.")):
        page = client.get(f"/requests/{filed.reference}").text
        response = client.post(
            f"/requests/{filed.reference}/notes", data={"body": body, "csrf_token": csrf_token(page)}
        )
        assert response.status_code == 302
    html = staff_client.get(f"/requests/{filed.reference}").text
    assert html.index("Called, left a voicemail.") < html.index("Resident called back.")
    assert f"<strong>{STAFF_EMAIL}</strong>" in html and f"<strong>{ADMIN_EMAIL}</strong>" in html
    assert len(audit_events(db, "add_note")) == 2
    # No way to edit or delete a note.
    for method in ("put", "delete", "patch"):
        assert getattr(staff_client, method)(f"/requests/{filed.reference}/notes").status_code == 405
    assert staff_client.get(f"/requests/{filed.reference}/notes/1/edit").status_code == 404

    with db() as s:
        bodies = [n.body for n in s.execute(select(Note).order_by(Note.id)).scalars()]
    assert bodies == ["Called, left a voicemail.", "Resident called back."]


def test_empty_note_is_refused_with_field_error(staff_client, file_request):
    filed = file_request()
    page = staff_client.get(f"/requests/{filed.reference}").text
    response = staff_client.post(
        f"/requests/{filed.reference}/notes", data={"body": "  ", "csrf_token": csrf_token(page)}
    )
    assert response.status_code == 400
    assert "Write the note before adding it." in response.text
    assert 'aria-describedby="body-error"' in response.text


def test_export_csv_of_filtered_list_is_a_download_and_audited(admin_client, file_request, db):
    keep = file_request(channel="sms", name='=HYPERLINK("http://evil")')
    file_request(channel="web", name="Not Exported")
    page = admin_client.get("/requests?channel=sms").text
    assert "Export these 1 as CSV" in page
    response = admin_client.post("/requests/export.csv", data={"channel": "sms", "csrf_token": csrf_token(page)})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["reference"] for r in rows] == [keep.reference]
    assert rows[0]["name"].startswith("'=")  # spreadsheet formula defused
    assert rows[0]["description"] and rows[0]["phone"] == "+18165550123"
    exports = audit_events(db, "export")
    assert exports[-1][0] == ADMIN_EMAIL and exports[-1][3]["count"] == 1
    assert exports[-1][3]["filters"] == {"channel": "sms"}


def test_export_without_csrf_is_rejected(admin_client):
    assert admin_client.post("/requests/export.csv", data={}).status_code == 400


ADMIN_ONLY = [
    ("post", "/requests/export.csv"),
    ("get", "/admin/audit"),
    ("get", "/admin/users"),
    ("post", "/admin/users"),
    ("get", "/admin/retention"),
    ("post", "/admin/retention"),
    ("post", "/admin/users/1/deactivate"),
]


@pytest.mark.parametrize("method,path", ADMIN_ONLY)
def test_staff_cannot_use_admin_functions(staff_client, db, method, path):
    token = csrf_token(staff_client.get("/requests").text)
    kwargs = {"data": {"csrf_token": token, "days": "1", "action": "purge", "confirm": "y"}} if method == "post" else {}
    response = getattr(staff_client, method)(path, **kwargs)
    assert response.status_code == 403
    assert "for program admins" in response.text
    assert not audit_events(db, "export") and not audit_events(db, "purge")


def test_staff_navigation_hides_admin_links(staff_client, admin_client):
    assert "Audit log" not in staff_client.get("/requests").text
    assert "Export these" not in staff_client.get("/requests").text
    assert "Audit log" in admin_client.get("/requests").text


def test_admin_sees_audit_log_of_views_changes_and_sign_ins(admin_client, staff_client, file_request):
    filed = file_request()
    staff_client.get(f"/requests/{filed.reference}")
    _change(staff_client, filed.reference, "in_review")
    html = admin_client.get("/admin/audit").text
    for text in ("Sign in", "View request", "Update status", "Submit request", STAFF_EMAIL, filed.reference):
        assert text in html, text
    only = admin_client.get(f"/admin/audit?action=update_status&reference={filed.reference}").text
    assert "1 event" in only and "Sign in</td>" not in only


def test_admin_creates_a_user_through_the_dashboard(admin_client, app, db):
    page = admin_client.get("/admin/users").text
    response = admin_client.post(
        "/admin/users",
        data={"email": "new.person@example.org", "role": "staff", "password": "short", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 400 and "at least 12 characters" in response.text
    response = admin_client.post(
        "/admin/users",
        data={
            "email": "new.person@example.org",
            "role": "staff",
            "password": "a long enough password",
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302
    assert "new.person@example.org" in admin_client.get("/admin/users").text
    assert audit_events(db, "create_user")[-1][0] == ADMIN_EMAIL


def test_overview_shows_counts_as_svg_without_personal_data(staff_client, file_request):
    filed = file_request(name="Very Private Name")
    html = staff_client.get("/overview").text
    assert "<svg" in html and 'role="img"' in html and '<title id="weekly-title">' in html
    assert "Very Private Name" not in html and filed.reference not in html
    assert '<th scope="row">New</th><td>1</td>' in html


def test_widget_routes_get_their_own_csp(app):
    client = app.test_client()
    response = client.get("/demo")
    csp = response.headers["Content-Security-Policy"]
    assert "connect-src 'self'" in csp and "http://localhost:5005" in csp
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    page = client.get("/sign-in").headers["Content-Security-Policy"]
    assert "localhost:5005" not in page
