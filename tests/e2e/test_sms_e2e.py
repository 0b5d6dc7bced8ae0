"""SMS through the whole stack: real `rasa run` (credentials.yml → bot.rasa_plugins.sms.channel.SmsInput), the action
server, the database, and `mediation-admin export`. Requests are signed like Twilio signs them.

Needs the `stack` fixture (tests/stack.py) and a trained model.
"""

from __future__ import annotations

import re
import uuid
from xml.etree import ElementTree

import pytest
import requests

from bot.conversation.answers import default_answers
from bot.conversation.catalogue import catalogue
from bot.rasa_plugins.sms import text as sms_text
from tests.support import filing_script as script
from tests.support import sms

pytestmark = pytest.mark.e2e


CAT = catalogue()


class Phone:
    """A phone texting the real Rasa server's SMS webhook, signed with the stack's Twilio token."""

    def __init__(self, stack, token: str | None = None) -> None:
        self.url = f"{stack.rasa_url}/webhooks/sms/webhook"
        self.public_url = stack.env["SMS_PUBLIC_URL"]
        self.token = token or stack.env["TWILIO_AUTH_TOKEN"]
        self.number = "+1816555" + f"{uuid.uuid4().int % 10000:04d}"
        self.last: list[str] = []

    def post(self, body: str, signed: bool = True) -> requests.Response:
        params = sms.inbound(self.number, body)
        headers = sms.signature_headers(self.token, self.public_url, params) if signed else {}
        return requests.post(self.url, data=params, headers=headers, timeout=60)

    def text(self, body: str) -> str:
        r = self.post(body)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/xml")
        self.last = [m.text or "" for m in ElementTree.fromstring(r.content).findall("Message")]
        assert all(len(b) <= sms_text.SMS_BODY_LIMIT for b in self.last)
        return "\n\n".join(self.last)


def options_in(reply: str) -> dict[str, str]:
    """Numbered options offered in a reply: title → number."""
    found = dict((title.strip(), n) for n, title in re.findall(r"(\d+) - ([^\n]+)", reply))
    inline = re.search(r"Reply (\d+ for .+)\.$", reply, re.M)
    if inline:
        found.update((title.strip(), n) for n, title in re.findall(r"(\d+) for ([^,]+)", inline.group(1)))
    return found


def test_unsigned_and_forged_are_refused_by_the_running_server(stack):
    phone = Phone(stack)
    assert phone.post("hello", signed=False).status_code == 403
    assert Phone(stack, token="forged-token").post("hello").status_code == 403


def test_help_stop_start(stack):
    phone = Phone(stack)
    assert "(816) 889-6646" in phone.text("HELP")
    assert phone.text("STOP") == CAT.text("sms.opt_out")
    assert phone.text("is it free") == ""
    assert phone.text("START") == CAT.text("sms.opt_in")
    assert phone.text("is it free")  # answered again


def test_greeting_is_plain_text_with_numbered_options_that_work(stack):
    phone = Phone(stack)
    reply = phone.text("hello")
    assert "**" not in reply and "](" not in reply
    options = options_in(reply)
    assert "What is mediation?" in options, reply
    assert "/faq" not in reply  # payloads are never shown
    answer = phone.text(options["What is mediation?"])
    expected = sms_text.plain_text(default_answers().messages("faq_what_is_mediation")[0])
    assert expected[:60] in answer


def test_empty_body_gets_a_polite_text(stack):
    assert Phone(stack).text("") == CAT.text("sms.empty_body")


def test_file_a_whole_request_by_sms_and_find_it_in_the_export(stack):
    phone = Phone(stack)
    reply = phone.text(script.START)
    transcript = [reply]
    for _ in range(script.MAX_TURNS):
        if script.REFERENCE.search(reply):
            break
        answer = script.answer_for(reply, "sms")
        assert answer is not None, "no scripted answer for:\n" + reply
        options = options_in(reply)
        reply = phone.text(options.get(answer, answer))  # the number when it is an option
        transcript.append(reply)
    else:
        pytest.fail("no reference after the scripted answers:\n" + "\n---\n".join(transcript))

    reference = script.REFERENCE.search(reply).group(0)
    row = stack.find_request(reference)
    assert row is not None, f"{reference} not in the export"
    assert row["channel"] == "sms"
    assert row["phone"] == phone.number  # the texting number, offered and confirmed
    assert row["preferred_contact"] == "text"
    assert row["name"] == "Jordan Widget"
