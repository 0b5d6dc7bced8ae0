"""Privacy baseline, checked on the running servers: no message text in logs, no transcript on disk."""

from __future__ import annotations

import uuid

import pytest
import requests

from tests.e2e.test_request_e2e import eligible_conversation

pytestmark = pytest.mark.e2e


def test_message_text_is_not_logged_or_written_to_disk(stack):
    marker = "zebra" + "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:10])  # letters only
    convo = stack.conversation()
    convo.say(f"my secret is {marker} is it confidential")
    convo.say(f"am i eligible {marker}")
    convo.say(marker)
    form = eligible_conversation(stack)  # answers become slots: they must not reach the logs either
    form.click("Yes, start a request")
    form.say(f"Jane {marker}")
    form.click("Email")
    form.say(f"{marker}@example.org")
    form.click("I don't have one")
    form.say("/stop")
    assert "ERROR" not in stack.log_text()
    assert marker not in stack.log_text()
    for path in stack.workdir.rglob("*"):
        if path.is_file() and path.stat().st_size < 50_000_000:
            assert marker.encode() not in path.read_bytes(), f"message text found in {path}"


def _listening_addresses(port: int) -> set[str]:
    """Local addresses listening on `port`, read from /proc/net/tcp{,6} (hex, as the kernel writes them)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as handle:
            for line in handle.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.rsplit(":", 1)
                if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                    found.add(address)
    return found


def test_action_server_listens_on_loopback_only(stack):
    port = int(stack.action_url.rsplit(":", 1)[1])
    addresses = _listening_addresses(port)
    assert addresses, "action server is not listening"
    assert addresses <= {"0100007F"}, addresses  # 127.0.0.1 only, never 0.0.0.0


def test_cors_allows_only_the_configured_origin(stack):
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    body = {"sender": "cors-check", "message": "hi"}
    allowed = stack.env["CORS_ORIGINS"]
    ok = requests.post(url, json=body, headers={"Origin": allowed}, timeout=60)
    assert ok.headers.get("Access-Control-Allow-Origin") == allowed
    evil = requests.post(url, json=body, headers={"Origin": "https://evil.example"}, timeout=60)
    assert evil.headers.get("Access-Control-Allow-Origin") in (None, "")
