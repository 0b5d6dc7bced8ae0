"""A request filed through the bot appears in the staff dashboard, moves through the workflow and shows in
the audit log — the real stack, over HTTP, as a staff member's browser would (forms with CSRF tokens)."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from tests.e2e.test_request_e2e import REF, eligible_conversation, fill_request

pytestmark = pytest.mark.e2e
PASSWORD = "correct horse battery staple"


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def sign_in(stack, email: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{stack.staff_url}/sign-in")
    response = browser.post(
        f"{stack.staff_url}/sign-in",
        data={"csrf_token": csrf(page.text), "email": email, "password": PASSWORD, "next": ""},
    )
    assert response.status_code == 200 and "Sign out" in response.text, response.text[:500]
    return browser


def test_bot_request_is_reviewed_in_the_dashboard(stack):
    convo = eligible_conversation(stack)
    fill_request(convo, email="dashboard.e2e@example.org")
    reference = REF.search(convo.click("Yes, send it")).group(0)

    admin = f"admin-{uuid.uuid4().hex[:8]}@example.org"
    stack.admin("create-user", admin, "--role", "admin", input_text=PASSWORD + "\n")
    browser = sign_in(stack, admin)

    listing = browser.get(f"{stack.staff_url}/requests", params={"q": reference})
    assert reference in listing.text

    page = browser.get(f"{stack.staff_url}/requests/{reference}")
    assert "dashboard.e2e@example.org" in page.text and "Troost Ave" in page.text
    changed = browser.post(
        f"{stack.staff_url}/requests/{reference}/status",
        data={"csrf_token": csrf(page.text), "status": "in_review", "current": "new"},
    )
    assert changed.status_code == 200 and "In review" in changed.text

    refused = browser.post(
        f"{stack.staff_url}/requests/{reference}/status",
        data={"csrf_token": csrf(changed.text), "status": "mediated", "current": "in_review"},
    )
    assert refused.status_code == 409  # in review → mediated skips the workflow

    forged = browser.post(f"{stack.staff_url}/requests/{reference}/status", data={"status": "closed"})
    assert forged.status_code == 400  # no CSRF token

    audit = browser.get(f"{stack.staff_url}/admin/audit")
    assert reference in audit.text and "update_status" in audit.text and "view_request" in audit.text
