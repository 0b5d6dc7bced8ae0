"""Pure text rules for the SMS channel: keywords, numbered options, plain text, TwiML, splitting.

Why: texting has its own conventions (carrier opt-out keywords, 1,600-character bodies, no buttons,
no markdown) and they must be right for every message. Keeping them as plain functions, free of
Sanic and Rasa, lets table-driven tests pin each rule down; `bot.rasa_plugins.sms.channel` only wires them up.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Any, Iterable, Mapping, Optional, Sequence
from xml.etree import ElementTree

from bot.conversation.catalogue import Catalogue

# Twilio's hard limit for one message body, in characters (UTF-16 code units, as Twilio counts).
SMS_BODY_LIMIT = 1600


class Keyword(Enum):
    """Messages the channel answers itself; the assistant never sees them."""

    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


# Twilio's default keyword lists (Advanced Opt-Out), minus START's "YES" synonym: "yes" is an
# ordinary answer in a conversation and must reach the assistant. CANCEL is an opt-out keyword
# at Twilio whatever we do, so we honour it the same way rather than pretend otherwise.
_KEYWORDS: Mapping[str, Keyword] = {
    **{w: Keyword.OPT_OUT for w in ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT")},
    **{w: Keyword.OPT_IN for w in ("START", "UNSTOP")},
    **{w: Keyword.HELP for w in ("HELP", "INFO")},
}


def classify_keyword(body: Optional[str]) -> Optional[Keyword]:
    """The keyword a whole message consists of (case and surrounding punctuation ignored), if any.

    "stop" and "Stop!" opt out; "stop texting me about parking" does not (it is a sentence and
    goes to the assistant, which understands it).
    """
    if not body:
        return None
    word = body.strip().strip(".!?,;:'\"()").strip().upper()
    return _KEYWORDS.get(word)


def conversation_id(sender_key: str, phone: str) -> str:
    """Keyed hash of the phone number: stable per number, useless to anyone without the key."""
    if not sender_key:
        raise ValueError("The SMS sender key is empty; set SMS_SENDER_KEY.")
    digest = hmac.new(sender_key.encode("utf-8"), phone.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:32]


def normalize_sender(raw: Optional[str]) -> Optional[str]:
    """Twilio's `From` in E.164 ("+18165550123"); None if there is no usable number.

    Twilio already sends E.164; this only removes spacing/formatting so one person always
    hashes to one conversation.
    """
    if not raw:
        return None
    digits = re.sub(r"[^\d]", "", raw)
    if not digits:
        return None
    if raw.strip().startswith("+"):
        return "+" + digits
    if len(digits) == 10:  # North American number without country code
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return "+" + digits


def clean_inbound(body: Optional[str]) -> str:
    """The resident's text as the assistant should see it.

    Some carriers turn "@" into "¡" (GSM-7 mapping), which would break e-mail addresses.
    """
    if not body:
        return ""
    return body.replace("\u00a1", "@").strip()


# --- numbered options -------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    number: int
    title: str
    payload: str


def number_options(buttons: Iterable[Mapping[str, Any]], start: int = 1) -> tuple[Option, ...]:
    """Rasa buttons → numbered options. A button without a payload sends its title."""
    options: list[Option] = []
    for button in buttons:
        title = plain_text(str(button.get("title") or "")).strip()
        payload = str(button.get("payload") or title)
        if not title:
            continue
        options.append(Option(number=start + len(options), title=title, payload=payload))
    return tuple(options)


_SHORT_TITLE = 24


def options_prompt(options: Sequence[Option], cat: Catalogue) -> str:
    """ "Reply 1 for Yes, 2 for No." — or one option per line when titles are long or many."""
    if not options:
        return ""
    if len(options) <= 4 and all(len(o.title) <= _SHORT_TITLE and "," not in o.title for o in options):
        choices = [cat.text("sms.reply_choice", number=o.number, title=o.title) for o in options]
        return cat.text("sms.reply_with", choices=", ".join(choices))
    lines = [cat.text("sms.reply_with_number")] + [f"{o.number} - {o.title}" for o in options]
    return "\n".join(lines)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def match_option(reply: str, options: Sequence[Option]) -> Optional[Option]:
    """The option a reply picks: its number ("2", "2.", "#2", "option 2") or its exact words.

    Anything else returns None and goes to the assistant unchanged; so does a number that is not
    on the list (it may be an answer, e.g. a count).
    """
    if not options or not reply:
        return None
    folded = _fold(reply)
    m = re.fullmatch(r"(?:option |number |no )?(\d{1,2})", folded)
    if m:
        wanted = int(m.group(1))
        return next((o for o in options if o.number == wanted), None)
    return next((o for o in options if _fold(o.title) == folded), None)


# --- plain text -------------------------------------------------------------------------------

_MD_RULES: Sequence[tuple[re.Pattern, str]] = (
    (re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)"), r"\2"),  # image → its URL
    (re.compile(r"\[([^\]]+)\]\((?:tel:|mailto:)([^)\s]+)\)"), r"\1"),  # tel/mailto link → its text
    (re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)"), r"\1 (\2)"),  # link → text (url)
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *italic*
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), r"\1"),  # _italic_
    (re.compile(r"`([^`\n]+)`"), r"\1"),  # inline code
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.M), ""),  # headings
    (re.compile(r"^(\s*)[*+]\s+", re.M), r"\1- "),  # bullets → "- "
    (re.compile(r"<[^>\n]{1,40}>"), ""),  # stray HTML tags
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def plain_text(text: str) -> str:
    """Markdown → plain text a phone shows as intended. Also removes characters XML forbids."""
    for pattern, repl in _MD_RULES:
        text = pattern.sub(repl, text)
    text = _CONTROL.sub("", text)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# --- composing and splitting ------------------------------------------------------------------


def sms_length(text: str) -> int:
    """Length as Twilio counts it (UTF-16 code units: an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> tuple[str, str]:
    """Split `text` into a head of at most `limit` and the rest, at the nicest boundary."""
    if sms_length(text) <= limit:
        return text, ""
    # largest prefix that fits
    end = min(len(text), limit)
    while end > 0 and sms_length(text[:end]) > limit:
        end -= 1
    window = text[:end]
    for sep in ("\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " "):
        at = window.rfind(sep)
        if at > end // 3:
            head = window[: at + len(sep)].rstrip()
            return head, text[at + len(sep) :].lstrip()
    return window, text[end:]


def split_for_sms(text: str, limit: int = SMS_BODY_LIMIT) -> list[str]:
    """Bodies of at most `limit`, split at paragraph/line/sentence/word boundaries.

    When more than one is needed each is numbered "(1/3) " because separate texts can arrive in
    any order.
    """
    text = text.strip()
    if not text:
        return []
    if sms_length(text) <= limit:
        return [text]
    marker_room = len("(99/99) ")
    parts = []
    rest = text
    while rest:
        head, rest = _cut(rest, limit - marker_room)
        if head:
            parts.append(head)
    total = len(parts)
    return [f"({i}/{total}) {p}" for i, p in enumerate(parts, start=1)]


@dataclass(frozen=True)
class SmsReply:
    bodies: tuple[str, ...]
    options: tuple[Option, ...]


def compose_reply(messages: Iterable[Mapping[str, Any]], cat: Catalogue, limit: int = SMS_BODY_LIMIT) -> SmsReply:
    """What the assistant said in one turn (Rasa collector messages) → SMS bodies + options.

    Buttons of every message are numbered continuously, so "1" is never ambiguous. Images and
    attachments become their URL; custom payloads are for graphical channels and are dropped.
    """
    chunks: list[str] = []
    options: list[Option] = []
    for message in messages:
        text = plain_text(str(message.get("text") or ""))
        if text:
            chunks.append(text)
        for key in ("image", "attachment"):
            if message.get(key):
                chunks.append(str(message[key]))
        buttons = message.get("buttons") or message.get("quick_replies") or []
        numbered = number_options(buttons, start=len(options) + 1)
        if numbered:
            options.extend(numbered)
            chunks.append(options_prompt(numbered, cat))
    return SmsReply(bodies=tuple(split_for_sms("\n\n".join(chunks), limit)), options=tuple(options))


def twiml(bodies: Iterable[str]) -> str:
    """A TwiML document answering with one <Message> per body (none → no reply is sent)."""
    root = ElementTree.Element("Response")
    for body in bodies:
        ElementTree.SubElement(root, "Message").text = _CONTROL.sub("", body)
    return '<?xml version="1.0" encoding="UTF-8"?>' + ElementTree.tostring(root, encoding="unicode")
