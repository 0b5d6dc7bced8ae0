"""Twilio-compatible SMS input channel for Rasa 3.6: `/webhooks/sms/webhook`.

Why our own and not rasa's `twilio` connector: that one accepts unsigned requests, sends replies
through a blocking REST call, sends each button as its own text with the payload showing, never
maps "1" back to a button, uses the raw phone number as the conversation id and answers an empty
body with a 500. This channel:

* verifies `X-Twilio-Signature` against the auth token and the exact public URL (else 403, and the
  assistant never sees the message);
* answers in the HTTP response as TwiML (no outbound API call, no Twilio credentials beyond the
  auth token), plain text, each body at most 1,600 characters;
* turns buttons into "Reply 1 for Yes, 2 for No" and maps the next "1"/"2"/words to the payload;
* handles STOP/START/HELP itself (see `sms_text.classify_keyword`), opt-outs kept in `optout`;
* uses HMAC(sender_key, number) as the conversation id; the number itself is passed only in the
  message metadata (`{"channel": "sms", "sms_from": "+1..."}`) so the request form can offer it
  as the contact number.

credentials.yml:

    bot.rasa_plugins.sms.channel.SmsInput:
      auth_token: ${TWILIO_AUTH_TOKEN}
      public_url: ${SMS_PUBLIC_URL}
      sender_key: ${SMS_SENDER_KEY}
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text
from urllib.parse import parse_qsl

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.conversation.catalogue import catalogue
from bot.rasa_plugins.sms import text as sms_text
from bot.rasa_plugins.sms.pending_options import PendingOptions
from bot.requests.sms_optouts import OptOutStore

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
CREDENTIAL_KEYS = ("auth_token", "public_url", "sender_key")


class FormParams:
    """Form fields with every value kept, blank ones included.

    Twilio signs ALL posted fields, including empty ones (e.g. `FromCity=`); Sanic's `request.form`
    drops blank values, which would make genuine requests fail validation.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._data: Dict[str, List[str]] = {}
        for key, value in pairs:
            self._data.setdefault(key, []).append(value)

    @classmethod
    def from_request(cls, request: Request) -> "FormParams":
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded" or not request.body:
            return cls([])
        body = request.body.decode("utf-8", errors="replace")
        return cls(parse_qsl(body, keep_blank_values=True))

    # RequestValidator looks for `getall` (MultiDict protocol) before falling back to dict access.
    def getall(self, key: str) -> List[str]:
        return self._data[key]

    def first(self, key: str) -> Optional[str]:
        values = self._data.get(key)
        return values[0] if values else None

    def __iter__(self):
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def _twiml_response(bodies: Iterable[str]) -> HTTPResponse:
    return response.text(sms_text.twiml(bodies), content_type="text/xml; charset=utf-8")


class SmsInput(InputChannel):
    """Rasa input channel speaking Twilio's Messaging webhook protocol."""

    @classmethod
    def name(cls) -> Text:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        if credentials is None:
            cls.raise_missing_credentials_exception()
        values = {key: str((credentials or {}).get(key) or "").strip() for key in CREDENTIAL_KEYS}
        missing = [key for key, value in values.items() if not value]
        if missing:
            # Development machines usually have no Twilio account: start anyway, refuse every request.
            logger.warning(
                "The sms channel is not configured (missing %s): its webhook answers 503. "
                "Set TWILIO_AUTH_TOKEN, SMS_PUBLIC_URL and SMS_SENDER_KEY (see docs/channels.md).",
                ", ".join(missing),
            )
        return cls(values["auth_token"], values["public_url"], values["sender_key"])

    def __init__(
        self,
        auth_token: Text,
        public_url: Text,
        sender_key: Text,
        *,
        database_url: Optional[Text] = None,
        pending: Optional[PendingOptions] = None,
    ) -> None:
        """An empty auth_token, public_url or sender_key leaves the channel unconfigured (503)."""
        self.configured = bool(auth_token and public_url and sender_key)
        self.public_url = public_url
        self.sender_key = sender_key
        self._validator = RequestValidator(auth_token or "")
        self._database_url = database_url
        self._optouts: Optional[Any] = None  # created on first use: reading settings must not happen at import
        self.pending = pending if pending is not None else PendingOptions()
        self.cat = catalogue()  # what the channel itself says (HELP, STOP, errors)

    # --- collaborators ---------------------------------------------------------------------

    @property
    def optouts(self):
        if self._optouts is None:
            self._optouts = OptOutStore(self._database_url)
        return self._optouts

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: the configured public URL (plus the query string, if it had none)."""
        if request.query_string and "?" not in self.public_url:
            return f"{self.public_url}?{request.query_string}"
        return self.public_url

    def is_signed(self, request: Request, params: FormParams) -> bool:
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            return False
        try:
            return bool(self._validator.validate(self.signed_url(request), params, signature))
        except Exception:  # malformed input must never turn into a 500
            return False

    # --- the conversation ------------------------------------------------------------------

    async def _is_opted_out(self, sender: str) -> bool:
        try:
            return await asyncio.to_thread(self.optouts.is_opted_out, sender)
        except Exception as exc:
            # Fail open: the resident texted us first; Twilio itself also blocks replies to numbers
            # that opted out at the carrier level.
            logger.error("sms: could not read opt-outs (%s); answering anyway", type(exc).__name__)
            return False

    async def _handle_keyword(self, keyword: sms_text.Keyword, sender: str) -> List[str]:
        if keyword is sms_text.Keyword.HELP:
            return [self.cat.text("sms.help")]
        self.pending.forget(sender)
        if keyword is sms_text.Keyword.OPT_OUT:
            try:
                is_new = await asyncio.to_thread(self.optouts.opt_out, sender)
            except Exception as exc:
                logger.error("sms: could not record an opt-out (%s)", type(exc).__name__)
                is_new = True
            logger.info("sms: sender %s opted out%s", sender[:8], "" if is_new else " again (silent)")
            return [self.cat.text("sms.opt_out")] if is_new else []
        try:
            await asyncio.to_thread(self.optouts.opt_in, sender)
        except Exception as exc:
            logger.error("sms: could not record an opt-in (%s)", type(exc).__name__)
        logger.info("sms: sender %s opted in", sender[:8])
        return [self.cat.text("sms.opt_in")]

    async def answer(
        self,
        params: FormParams,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> List[str]:
        """The SMS bodies to send back for one verified inbound message."""
        phone = sms_text.normalize_sender(params.first("From"))
        if phone is None:
            logger.warning("sms: signed request without a From number; ignored")
            return []
        sender = sms_text.conversation_id(self.sender_key, phone)
        body = sms_text.clean_inbound(params.first("Body"))

        keyword = sms_text.classify_keyword(body)
        if keyword is not None:
            return await self._handle_keyword(keyword, sender)
        if await self._is_opted_out(sender):
            logger.debug("sms: sender %s has opted out; no reply", sender[:8])
            return []
        if not body:
            return [self.cat.text("sms.empty_body")]

        picked = self.pending.pick(sender, body)
        text = picked.payload if picked is not None else body
        collector = CollectingOutputChannel()
        try:
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    sender,
                    input_channel=self.name(),
                    metadata={"channel": "sms", "sms_from": phone},
                )
            )
        except Exception as exc:
            logger.error("sms: the assistant failed to answer sender %s (%s)", sender[:8], type(exc).__name__)
            logger.debug("sms: failure details", exc_info=True)
            return [self.cat.text("sms.error")]
        reply = sms_text.compose_reply(collector.messages, self.cat)
        self.pending.put(sender, reply.options)
        return list(reply.bodies)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sms_webhook = Blueprint(f"sms_webhook_{type(self).__name__}", __name__)

        @sms_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.configured else "not configured"})

        @sms_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.configured:
                return response.text("The SMS channel is not configured.", status=503)
            params = FormParams.from_request(request)
            if not self.is_signed(request, params):
                logger.warning("sms: rejected a request with a missing or invalid Twilio signature")
                return response.text("Forbidden: invalid Twilio signature.", status=403)
            try:
                bodies = await self.answer(params, on_new_message)
            except Exception as exc:  # never a 500 to Twilio: the resident would get nothing
                logger.error("sms: unexpected failure (%s)", type(exc).__name__)
                logger.debug("sms: failure details", exc_info=True)
                bodies = [self.cat.text("sms.error")]
            return _twiml_response(bodies)

        return sms_webhook
