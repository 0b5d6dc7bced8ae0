"""The SMS channel in front of the real trained assistant (rasa Agent loaded from models/*.tar.gz).

Needs a trained model (`make train`); skipped with that reason until one exists. Custom actions
are not reachable here (no action server), so only messages the model answers with a response
are used; the whole stack is covered by test_sms_e2e.py.
"""

from __future__ import annotations

import asyncio
import uuid
from xml.etree import ElementTree

import httpx
import pytest
from rasa.core.agent import load_agent
from rasa.core.channels.channel import register
from rasa.core.utils import AvailableEndpoints
from rasa.utils.endpoints import EndpointConfig
from sanic import Sanic

from bot.db.migrate import upgrade
from bot.rasa_plugins.nlg import CatalogueNaturalLanguageGenerator
from bot.rasa_plugins.sms.channel import SmsInput
from bot.rasa_plugins.sms.text import conversation_id
from tests.support import ROOT, sms

MODELS = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)

pytestmark = [
    pytest.mark.rasa,
    pytest.mark.skipif(not MODELS, reason="needs a trained model in models/*.tar.gz (run `make train`)"),
]

TOKEN = "agent-test-token"
SENDER_KEY = "agent-test-sender-key"
PUBLIC_URL = "https://sms.example.org/webhooks/sms/webhook"


@pytest.fixture(scope="module")
def rasa_sms(serve_module, tmp_path_factory):

    db = tmp_path_factory.mktemp("sms-agent") / "sms.db"
    upgrade(f"sqlite:///{db}")

    async def make_app():
        app = Sanic(f"sms_agent_{uuid.uuid4().hex}")
        # The catalogue speaks Rasa's responses, as endpoints.yml configures for the real server.
        nlg = EndpointConfig(type=f"{CatalogueNaturalLanguageGenerator.__module__}.CatalogueNaturalLanguageGenerator")
        app.ctx.agent = await load_agent(model_path=str(MODELS[-1]), endpoints=AvailableEndpoints(nlg=nlg))
        register([SmsInput(TOKEN, PUBLIC_URL, SENDER_KEY, database_url=f"sqlite:///{db}")], app, route="/webhooks/")
        return app

    return serve_module(make_app)


def _post(server, phone: str, body: str, token: str = TOKEN) -> httpx.Response:
    params = sms.inbound(phone, body)
    headers = sms.signature_headers(token, PUBLIC_URL, params)
    return httpx.post(f"{server.url}/webhooks/sms/webhook", data=params, headers=headers, timeout=60)


def _tracker(server, sender: str):
    store = server.app.ctx.agent.tracker_store
    return asyncio.run_coroutine_threadsafe(store.retrieve(sender), server.loop).result(30)


def test_forged_signature_never_reaches_the_model(rasa_sms):
    phone = "+18165551111"
    r = _post(rasa_sms, phone, "hello", token="forged")
    assert r.status_code == 403
    assert _tracker(rasa_sms, conversation_id(SENDER_KEY, phone)) is None


def test_signed_greeting_is_answered_in_twiml(rasa_sms):
    phone = "+18165552222"
    r = _post(rasa_sms, phone, "hello")
    assert r.status_code == 200
    bodies = [m.text for m in ElementTree.fromstring(r.content).findall("Message")]
    assert bodies and all(bodies) and all(len(b) <= 1600 for b in bodies)
    assert not any("**" in b or "](" in b for b in bodies)  # plain text

    tracker = _tracker(rasa_sms, conversation_id(SENDER_KEY, phone))
    user = [e for e in tracker.events if e.type_name == "user"][-1]
    assert user.input_channel == "sms"
    assert user.metadata.get("sms_from") == phone
    assert tracker.sender_id != phone


def test_stop_never_reaches_the_model(rasa_sms):
    phone = "+18165553333"
    assert _post(rasa_sms, phone, "STOP").status_code == 200
    assert _post(rasa_sms, phone, "hello").text.count("<Message>") == 0
    assert _tracker(rasa_sms, conversation_id(SENDER_KEY, phone)) is None
