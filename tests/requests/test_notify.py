"""The new-request notice, checked against a real SMTP server on 127.0.0.1 started by the test."""

from __future__ import annotations

import dataclasses
import email
import socket

import pytest

from bot.requests import submit_request
from bot.requests.notify import notify_new_request
from tests.support.smtp_sink import start_sink


@pytest.fixture
def sink():
    server, stop = start_sink()
    yield server
    stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mail_settings(mediation_env, sink):
    return dataclasses.replace(
        mediation_env,
        smtp_host=sink.host,
        smtp_port=sink.port,
        smtp_from="assistant@city.example",
        staff_notify_to=("occ-staff@city.example", "lead@city.example"),
        staff_base_url="https://staff.city.example",
    )


def test_notice_contains_only_reference_and_link(mail_settings, sink):
    assert notify_new_request("MR-7KQ2XP", mail_settings) is True
    assert len(sink.messages) == 1
    received = sink.messages[0]
    assert received.mail_from == "assistant@city.example"
    assert received.rcpt_tos == ["occ-staff@city.example", "lead@city.example"]
    msg = email.message_from_bytes(received.data)
    assert msg["Subject"] == "New mediation request MR-7KQ2XP"
    body = msg.get_payload(decode=True).decode()
    assert "https://staff.city.example/requests/MR-7KQ2XP" in body


@pytest.mark.parametrize("change", [{"smtp_host": None}, {"staff_notify_to": ()}])
def test_notice_is_off_when_not_configured(mail_settings, sink, change):
    assert notify_new_request("MR-7KQ2XP", dataclasses.replace(mail_settings, **change)) is False
    assert sink.messages == []


def test_notice_never_raises_when_the_server_is_down(mail_settings):
    down = dataclasses.replace(mail_settings, smtp_host="127.0.0.1", smtp_port=_free_port())
    assert notify_new_request("MR-7KQ2XP", down) is False


def test_filing_a_request_emails_staff_without_personal_data(migrated_db, sink, make_draft):
    settings = dataclasses.replace(
        migrated_db, smtp_host=sink.host, smtp_port=sink.port, staff_notify_to=("occ-staff@city.example",)
    )
    draft = make_draft()
    result = submit_request(draft, sender_key="notify-test", channel="web", settings=settings)
    assert result.stored
    assert len(sink.messages) == 1
    raw = sink.messages[0].data.decode()
    assert result.reference in raw
    for personal in (
        draft.name,
        draft.phone,
        draft.email,
        draft.description,
        draft.incident_location,
        draft.officer,
        draft.complaint_number,
        "Jordan",
    ):
        assert personal not in raw
    # A duplicate submission does not notify again.
    again = submit_request(draft, sender_key="notify-test", channel="web", settings=settings)
    assert again.duplicate and len(sink.messages) == 1
