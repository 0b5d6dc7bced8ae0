"""The staff dashboard in Debian's Chromium via Playwright, against the real server process.

Flow: sign in, filter, open a request, change its status, add a note, export (a real download).
Screenshots of the list and request pages go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import update

from bot.db import crypto
from bot.db.engine import get_engine, session_scope
from bot.db.models import MediationRequest
from bot.requests import staff_accounts, submit_request
from tests.support import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "browser test password 42"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"staff app exited early: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("staff app did not start listening")


class Server:
    def __init__(self, url: str, log: Path):
        self.url, self.log = url, log


@pytest.fixture
def staff_server(migrated_db, tmp_path):
    """`python -m bot.staff` as a separate process on a free port, on the migrated test database."""
    port = _free_port()
    log = tmp_path / "staff-server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.staff", "--port", str(port)],
            env=dict(os.environ),
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        _wait_for(port, proc, log)
        yield Server(f"http://127.0.0.1:{port}", log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def seeded(migrated_db, make_draft):

    settings = migrated_db
    with crypto.using(settings), session_scope(get_engine(settings.database_url)) as s:
        staff_accounts.create_user(s, "admin@city.example", PASSWORD, "admin", actor="test")
    people = [
        ("Alicia Moreno", "web", "likely_eligible", "Stopped while walking my dog; the officer shouted at me."),
        ("Ben Okafor", "sms", "needs_review", "Officer would not give a badge number during a traffic stop."),
        ("Chen Li", "web", "likely_eligible", 'I want to talk it through. <script>alert("x")</script>'),
        ("Dana Whitfield", "rest", "likely_ineligible", "Incident happened in another city."),
    ]
    refs = {}
    for i, (name, channel, outcome, description) in enumerate(people):
        draft = make_draft(name=name, eligibility_outcome=outcome, description=description)
        result = submit_request(draft, sender_key=f"browser-{i}", channel=channel, settings=settings)
        refs[name] = result.reference
    with session_scope(get_engine(settings.database_url)) as s:
        for i, ref in enumerate(refs.values()):
            s.execute(
                update(MediationRequest)
                .where(MediationRequest.reference == ref)
                .values(created_at=datetime.now(timezone.utc) - timedelta(days=3 * i, hours=i))
            )
    return refs


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_dashboard_flow_in_chromium(staff_server, seeded, tmp_path):
    server, staff_server = staff_server, staff_server.url
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); browser test not run")

    ARTIFACTS.mkdir(exist_ok=True)
    ref = seeded["Chen Li"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            console_errors = []
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

            # Sign in (a protected page redirects to the sign-in form first).
            page.goto(f"{staff_server}/requests")
            assert "/sign-in" in page.url
            page.get_by_label("Email").fill("admin@city.example")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", name="Mediation requests")).to_be_visible()
            for name in seeded:
                expect(page.get_by_role("cell", name=name)).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "dashboard-list.png"), full_page=True)

            # Filter: web channel, likely eligible → Alicia and Chen only.
            page.get_by_label("Channel").select_option("web")
            page.get_by_label("Eligibility outcome").select_option("likely_eligible")
            page.get_by_role("button", name="Apply filters").click()
            expect(page.get_by_role("heading", name="2 requests match the filters")).to_be_visible()
            expect(page.get_by_role("cell", name="Ben Okafor")).to_have_count(0)
            page.get_by_label("Reference or name").fill("chen")
            page.get_by_role("button", name="Apply filters").click()
            expect(page.get_by_role("heading", name="1 request match the filters")).to_be_visible()

            # Export the filtered list: a real download.
            with page.expect_download() as download_info:
                page.get_by_role("button", name="Export these 1 as CSV").click()
            download = download_info.value
            target = tmp_path / download.suggested_filename
            download.save_as(target)
            rows = list(csv.DictReader(target.open(encoding="utf-8")))
            assert [r["reference"] for r in rows] == [ref] and rows[0]["name"] == "Chen Li"

            # Open the request.
            page.get_by_role("link", name=ref).click()
            expect(page.get_by_role("heading", name=f"Request {ref}")).to_be_visible()
            expect(page.get_by_text('<script>alert("x")</script>', exact=False)).to_be_visible()

            # Change status; the select offers only allowed moves.
            select = page.get_by_label("Move from New to")
            options = select.locator("option").all_inner_texts()
            assert options == ["In review", "Withdrawn", "Closed"]
            select.select_option("in_review")
            page.get_by_role("button", name="Change status").click()
            expect(page.get_by_role("status").filter(has_text="Status changed from New to In review.")).to_be_visible()
            expect(page.get_by_label("Move from In review to")).to_be_visible()
            expect(page.get_by_role("cell", name="admin@city.example").first).to_be_visible()

            # Add a note.
            page.get_by_label("Add an internal note").fill("Left a voicemail; will try again Thursday evening.")
            page.get_by_role("button", name="Add note").click()
            expect(page.get_by_text("Note added.")).to_be_visible()
            expect(page.get_by_text("Left a voicemail; will try again Thursday evening.")).to_be_visible()

            page.screenshot(path=str(ARTIFACTS / "dashboard-request.png"), full_page=True)

            # Keyboard: on a fresh load the skip link is the first focusable element and shows on focus.
            page.goto(f"{staff_server}/requests/{ref}")
            page.keyboard.press("Tab")
            skip = page.get_by_role("link", name="Skip to main content")
            expect(skip).to_be_focused()
            expect(skip).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "dashboard-skip-link-focused.png"))

            # The audit log shows what happened.
            page.get_by_role("link", name="Audit log").click()
            for action in ("Export", "Update status", "Add note", "View request", "Sign in"):
                expect(page.get_by_role("cell", name=action, exact=True).first).to_be_visible()

            page.screenshot(path=str(ARTIFACTS / "dashboard-audit.png"), full_page=True)

            page.get_by_role("link", name="Overview").click()
            expect(page.get_by_role("img", name="Requests received per week")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "dashboard-overview.png"), full_page=True)
            assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
        finally:
            browser.close()

    # The server's request log has the paths but never the search text (a name) from query strings.
    log = server.log.read_text()
    assert "GET /requests?" in log and "q=" not in log and "channel=" not in log
