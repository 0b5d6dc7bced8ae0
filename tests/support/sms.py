"""What Twilio posts to our SMS webhook: the form fields and their signature, as Twilio computes it."""

from __future__ import annotations

import uuid

from twilio.request_validator import RequestValidator


def inbound(number: str, body: str) -> dict[str, str]:
    """The fields of one inbound text (blank ones too: Twilio signs them all)."""
    return {
        "From": number,
        "To": "+18165550000",
        "Body": body,
        "NumMedia": "0",
        "FromCity": "",
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "ApiVersion": "2010-04-01",
    }


def signature_headers(token: str, public_url: str, params: dict[str, str]) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(public_url, params)}
