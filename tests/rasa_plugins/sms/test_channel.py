"""The SMS channel mounted in a real Sanic server, called over HTTP with Twilio-signed form posts.

The assistant behind the channel is a small scripted stand-in (the channel is what is under test;
the whole stack with the trained model is covered by test_sms_agent.py and test_sms_e2e.py).
"""

from __future__ import annotations

import uuid
from xml.etree import ElementTree

import httpx
import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.shared.exceptions import RasaException
from sanic import Sanic
from twilio.request_validator import RequestValidator

from bot.conversation.catalogue import catalogue
from bot.db.migrate import upgrade
from bot.rasa_plugins.sms.channel import SmsInput
from bot.rasa_plugins.sms.text import conversation_id

TOKEN = "test-auth-token-0123456789abcdef"
SENDER_KEY = "test-sender-key"
PUBLIC_URL = "https://sms.example.org/webhooks/sms/webhook"  # what Twilio calls, through a proxy
YES_NO_UNSURE = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Not sure", "payload": "/dont_know"},
]

CAT = catalogue()


class ScriptedAssistant:
    """Stands in for rasa's Agent: records what it was given and answers by script."""

    def __init__(self) -> None:
        self.received: list[UserMessage] = []

    async def handle_message(self, message: UserMessage):
        self.received.append(message)
        out, to = message.output_channel, message.sender_id
        if message.text == "question":
            await out.send_response(to, {"text": "Was a **police officer** involved?", "buttons": list(YES_NO_UNSURE)})
        elif message.text == "long":
            await out.send_response(to, {"text": "Mediation is voluntary and confidential. " * 100})
        elif message.text == "boom":
            raise RuntimeError("the assistant broke")
        elif message.text == "silent":
            pass
        else:
            await out.send_response(to, {"text": f"You said: {message.text}"})


class Sms:
    """A phone texting the server, signing like Twilio does."""

    def __init__(self, server_url: str, token: str = TOKEN, phone: str | None = None) -> None:
        self.url = f"{server_url}/webhooks/sms/webhook"
        self.validator = RequestValidator(token)
        self.phone = phone or "+1816555" + f"{uuid.uuid4().int % 10000:04d}"

    def params(self, body: str | None, **extra: str) -> dict:
        params = {
            "ToCountry": "US",
            "ToState": "MO",
            "SmsMessageSid": "SM" + uuid.uuid4().hex,
            "NumMedia": "0",
            "ToCity": "KANSAS CITY",
            "FromZip": "",
            "FromState": "MO",
            "SmsStatus": "received",
            "FromCity": "",
            "FromCountry": "US",
            "To": "+18165550000",
            "ToZip": "64106",
            "NumSegments": "1",
            "AccountSid": "AC" + "0" * 32,
            "From": self.phone,
            "ApiVersion": "2010-04-01",
        }
        if body is not None:
            params["Body"] = body
        params.update(extra)
        return params

    def post(self, params: dict, signature: str | None = "auto", signed_url: str = PUBLIC_URL) -> httpx.Response:
        headers = {}
        if signature == "auto":
            signature = self.validator.compute_signature(signed_url, params)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        return httpx.post(self.url, data=params, headers=headers, timeout=30)

    def send(self, body: str | None, **extra: str) -> list[str]:
        """Text `body`; return the reply bodies from the TwiML."""
        r = self.post(self.params(body, **extra))
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/xml")
        root = ElementTree.fromstring(r.content)
        assert root.tag == "Response"
        return [m.text or "" for m in root.findall("Message")]


@pytest.fixture
def assistant() -> ScriptedAssistant:
    return ScriptedAssistant()


def sms_app(assistant, database_url):
    async def make_app():
        app = Sanic(f"sms_test_{uuid.uuid4().hex}")
        app.ctx.agent = assistant  # what rasa's `register` handler calls: app.ctx.agent.handle_message
        register([SmsInput(TOKEN, PUBLIC_URL, SENDER_KEY, database_url=database_url)], app, route="/webhooks/")
        return app

    return make_app


@pytest.fixture
def server(serve, assistant, tmp_path):
    url = f"sqlite:///{tmp_path / 'sms.db'}"
    upgrade(url)
    return serve(sms_app(assistant, url))


@pytest.fixture
def phone(server) -> Sms:
    return Sms(server.url)


# --- signatures ----------------------------------------------------------------------------


def test_health(server):
    r = httpx.get(f"{server.url}/webhooks/sms/")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "how",
    ["missing", "empty", "wrong_token", "other_url", "tampered_body", "garbage", "json_body"],
)
def test_unsigned_or_forged_is_403_and_never_reaches_the_assistant(server, assistant, phone, how):
    params = phone.params("hello")
    if how == "missing":
        r = phone.post(params, signature=None)
    elif how == "empty":
        r = phone.post(params, signature="")
    elif how == "wrong_token":
        r = phone.post(params, signature=RequestValidator("not-the-token").compute_signature(PUBLIC_URL, params))
    elif how == "other_url":
        r = phone.post(params, signed_url="https://attacker.example/webhooks/sms/webhook")
    elif how == "tampered_body":
        signature = phone.validator.compute_signature(PUBLIC_URL, params)
        r = phone.post({**params, "Body": "something else"}, signature=signature)
    elif how == "garbage":
        r = phone.post(params, signature=b"\xe9 not base64 at all")
    else:
        signature = phone.validator.compute_signature(PUBLIC_URL, params)
        r = httpx.post(phone.url, json=params, headers={"X-Twilio-Signature": signature})
    assert r.status_code == 403
    assert "hello" not in r.text
    assert assistant.received == []


def test_signed_message_reaches_the_assistant_with_hashed_id(assistant, phone):
    assert phone.send("hello") == ["You said: hello"]
    (message,) = assistant.received
    assert message.text == "hello"
    assert message.sender_id == conversation_id(SENDER_KEY, phone.phone)
    assert phone.phone[1:] not in message.sender_id
    assert message.input_channel == "sms"
    assert message.metadata == {"channel": "sms", "sms_from": phone.phone}


def test_blank_fields_are_part_of_the_signature(assistant, phone):
    # Twilio signs FromCity="" and FromZip="" too; dropping them would reject genuine requests.
    params = phone.params("hi", FromCity="", FromZip="")
    assert phone.post(params).status_code == 200
    assert [m.text for m in assistant.received] == ["hi"]


def test_carrier_mangled_at_sign_is_repaired(assistant, phone):
    phone.send("jane\u00a1example.org")
    assert assistant.received[0].text == "jane@example.org"


# --- numbered options ----------------------------------------------------------------------


def test_buttons_become_numbered_options_and_numbers_map_back(assistant, phone):
    (reply,) = phone.send("question")
    assert reply == "Was a police officer involved?\n\nReply 1 for Yes, 2 for No, 3 for Not sure."
    assert "/affirm" not in reply  # payloads never shown

    assert phone.send("2") == ["You said: /deny"]
    # that reply had no buttons, so "2" is now just "2"
    assert phone.send("2") == ["You said: 2"]

    phone.send("question")
    assert phone.send("not sure") == ["You said: /dont_know"]
    phone.send("question")
    assert phone.send("7") == ["You said: 7"]  # not an option: passed through
    assert [m.text for m in assistant.received] == [
        "question",
        "/deny",
        "2",
        "question",
        "/dont_know",
        "question",
        "7",
    ]


def test_options_are_per_sender(server, assistant, phone):
    other = Sms(server.url)
    phone.send("question")
    assert other.send("1") == ["You said: 1"]
    assert phone.send("1") == ["You said: /affirm"]


# --- keywords ------------------------------------------------------------------------------


@pytest.fixture
def keyword_server(serve, assistant, database_url):
    """Opt-outs on SQLite and on PostgreSQL."""
    return serve(sms_app(assistant, database_url))


def test_stop_help_start(keyword_server, assistant):
    phone = Sms(keyword_server.url)
    assert phone.send("hello") == ["You said: hello"]

    assert phone.send("STOP") == [CAT.text("sms.opt_out")]  # one confirmation
    assert phone.send("hello again") == []  # then silence
    assert phone.send("stop") == []  # no second confirmation
    assert phone.send("question") == []
    assert phone.send("HELP") == [CAT.text("sms.help")]  # HELP is always answered
    assert phone.send("Start") == [CAT.text("sms.opt_in")]
    assert phone.send("hello at last") == ["You said: hello at last"]

    assert [m.text for m in assistant.received] == ["hello", "hello at last"]


@pytest.mark.parametrize("word", ["STOPALL", "unsubscribe", "Cancel", "end", "QUIT"])
def test_every_opt_out_word(server, assistant, word):
    phone = Sms(server.url)
    assert phone.send(word) == [CAT.text("sms.opt_out")]
    assert phone.send("hi") == []
    assert phone.send("UNSTOP") == [CAT.text("sms.opt_in")]
    assert phone.send("hi") == ["You said: hi"]
    assert [m.text for m in assistant.received] == ["hi"]


def test_opt_out_is_per_number(server, assistant):
    a, b = Sms(server.url), Sms(server.url)
    a.send("STOP")
    assert b.send("hi") == ["You said: hi"]


def test_stop_forgets_pending_options(server, assistant, phone):
    phone.send("question")
    phone.send("STOP")
    phone.send("START")
    assert phone.send("1") == ["You said: 1"]


@pytest.mark.parametrize("word", ["HELP", "info"])
def test_help_answered_without_the_assistant(server, assistant, phone, word):
    (reply,) = phone.send(word)
    assert "(816) 889-6646" in reply and "STOP" in reply
    assert assistant.received == []


# --- odd inputs and failures ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body, extra",
    [
        ("", {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/x.jpg", "MediaContentType0": "image/jpeg"}),
        (None, {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/x.jpg"}),
        ("   ", {}),
    ],
)
def test_empty_body_gets_a_polite_text(server, assistant, phone, body, extra):
    assert phone.send(body, **extra) == [CAT.text("sms.empty_body")]
    assert assistant.received == []


def test_assistant_failure_is_a_kind_text_not_a_500(phone):
    assert phone.send("boom") == [CAT.text("sms.error")]


def test_nothing_said_is_an_empty_response(phone):
    assert phone.send("silent") == []


def test_long_reply_split_under_twilio_limit(phone):
    bodies = phone.send("long")
    assert len(bodies) == 3
    assert all(len(b) <= 1600 for b in bodies)
    assert bodies[0].startswith("(1/3) ")


def test_signed_request_without_from_is_ignored(server, assistant, phone):
    params = phone.params("hello")
    del params["From"]
    r = phone.post(params)
    assert r.status_code == 200 and "<Message>" not in r.text
    assert assistant.received == []


# --- configuration -------------------------------------------------------------------------


def test_from_credentials_needs_the_section():
    with pytest.raises(RasaException, match="credentials"):
        SmsInput.from_credentials(None)


@pytest.mark.parametrize(
    "credentials",
    [
        {},
        {"auth_token": "t", "public_url": "https://x/webhooks/sms/webhook"},
        {"auth_token": "", "public_url": "u", "sender_key": "k"},
        {"auth_token": "t", "public_url": "  ", "sender_key": "k"},
    ],
)
def test_incomplete_credentials_start_unconfigured_and_refuse_everything(serve, assistant, credentials):
    channel = SmsInput.from_credentials(credentials)
    assert channel.configured is False

    async def make_app():
        app = Sanic(f"sms_test_{uuid.uuid4().hex}")
        app.ctx.agent = assistant
        register([channel], app, route="/webhooks/")
        return app

    server = serve(make_app)
    phone = Sms(server.url)
    assert phone.post(phone.params("hello")).status_code == 503
    assert phone.post(phone.params("STOP")).status_code == 503
    assert httpx.get(f"{server.url}/webhooks/sms/").json() == {"status": "not configured"}
    assert assistant.received == []


def test_from_credentials():
    channel = SmsInput.from_credentials(
        {"auth_token": " t ", "public_url": "https://x.example/webhooks/sms/webhook", "sender_key": "k"}
    )
    assert isinstance(channel, SmsInput) and channel.configured
    assert channel.name() == "sms" and channel.url_prefix() == "sms"
    assert channel.public_url == "https://x.example/webhooks/sms/webhook"
