"""Checks and normalisation for everything a resident types into a form.

Why: residents type on phones, in a hurry, sometimes upset. Each check returns the cleaned value or ONE
kind, specific sentence saying what to fix, so the form can re-ask without losing what was already given.
No function here raises on user input: blank, emoji-only, huge or binary-looking text all give an error
message. Values are normalised once here (E.164 phones, lower-case email domains, trimmed names), so the
database, the status lookup and the staff export all see the same form.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, NamedTuple, Optional

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.conversation.catalogue import Say, say

# Format characters that are part of emoji or scripts and must survive: zero-width joiner/non-joiner.
_KEEP_FORMAT = {"\u200c", "\u200d"}
_KEEP_CONTROL = {"\n", "\t"}
_MAX_INPUT = 20_000  # anything longer is cut before the (cheap) checks run; the limit check still reports it


class Checked(NamedTuple):
    """`value` is the normalised input (None when absent or invalid); `error` what to tell the resident."""

    value: Any
    error: Optional[Say] = None

    @property
    def ok(self) -> bool:
        return self.error is None


def strip_control(text: Optional[str]) -> str:
    """Remove control, bidi-override and unpaired surrogate characters; keep letters, emoji, newlines, tabs."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cc" and ch not in _KEEP_CONTROL:
            continue
        if cat == "Cf" and ch not in _KEEP_FORMAT:  # bidi overrides, zero-width spaces, BOM
            continue
        if cat == "Cs":  # lone surrogates cannot be stored as UTF-8
            continue
        out.append(ch)
    return "".join(out)


def one_line(text: Optional[str]) -> str:
    """strip_control, then collapse all whitespace (newlines too) to single spaces and trim."""
    return re.sub(r"\s+", " ", strip_control(text)).strip()


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _n(count: int) -> str:
    return f"{count:,}"


def _lower(text: Optional[str], limit: int = 500) -> str:
    """one_line + lower case, cut to `limit` characters: a choice is never in a long essay."""
    return one_line(text)[:limit].lower().replace("\u2019", "'")


def payload_choice(text: str) -> Optional[str]:
    """The value of a button payload like /choose{"choice":"text"}, if `text` is one."""
    match = re.fullmatch(r"\s*/\w+\s*(\{.*\})\s*", text or "", flags=re.S)
    if not match:
        return None
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in ("choice", "value"):
            if isinstance(data.get(key), str):
                return data[key].strip().lower()
    return None


# ---------------------------------------------------------------------------------------------- contact

_EMAIL_SHAPE = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+")
PHONE_EXAMPLE = "(816) 555-0123"


def normalize_phone(text: Optional[str], region: str = "US") -> Checked:
    """A phone number as E.164 (+18165550123), US numbers by default; international numbers with +."""
    raw = one_line(text)
    if not raw:
        return Checked(None, say("invalid.phone_empty", example=PHONE_EXAMPLE))
    if len(raw) > 60:
        return Checked(None, say("invalid.phone_too_long", example=PHONE_EXAMPLE))
    if "@" in raw and _EMAIL_SHAPE.search(raw):
        return Checked(None, say("invalid.phone_is_email", example=PHONE_EXAMPLE))
    if not any(ch.isdigit() for ch in raw):
        return Checked(None, say("invalid.phone_no_digits", example=PHONE_EXAMPLE))
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        digits = sum(ch.isdigit() for ch in raw)
        if digits < 10 and not raw.startswith("+"):
            return Checked(None, say("invalid.phone_too_short", example=PHONE_EXAMPLE))
        return Checked(None, say("invalid.phone_not_working", example=PHONE_EXAMPLE))
    return Checked(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalize_email(text: Optional[str]) -> Checked:
    """A syntactically valid email address (no DNS lookup), domain lower-cased; local part kept as typed."""
    raw = one_line(text)
    if not raw:
        return Checked(None, say("invalid.email_empty"))
    if raw.lower().startswith("mailto:"):
        raw = raw[7:]
    if len(raw) > 320:  # checked before any regex: long input must stay cheap
        return Checked(None, say("invalid.email_too_long"))
    found = _EMAIL_SHAPE.findall(raw)
    if not found:
        if "@" not in raw:
            return Checked(None, say("invalid.email_no_at"))
        return Checked(None, say("invalid.email_incomplete"))
    if len(found) > 1:
        return Checked(None, say("invalid.email_several"))
    candidate = found[0].strip(".")
    if len(candidate) > 254:
        return Checked(None, say("invalid.email_address_too_long"))
    try:
        info = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError:
        return Checked(None, say("invalid.email_not_valid"))
    return Checked(info.normalized)


# ------------------------------------------------------------------------------------------ free text

_NAME_PREFIX = re.compile(r"^(my name is|my name's|name is|name:|i am|i'm|this is|it's)\s+(?=\S)", re.I)


def check_name(text: Optional[str]) -> Checked:
    """A person's name: 2–100 characters with letters, not an email or a phone number."""
    raw = one_line(text)
    raw = _NAME_PREFIX.sub("", raw).strip(" .,!")
    if not raw:
        return Checked(None, say("invalid.name_empty"))
    if len(raw) > 100:
        return Checked(None, say("invalid.name_too_long", length=_n(len(raw))))
    if "@" in raw and _EMAIL_SHAPE.search(raw):
        return Checked(None, say("invalid.name_is_email"))
    if sum(ch.isdigit() for ch in raw) >= 3:
        return Checked(None, say("invalid.name_is_number"))
    if re.search(r"https?://|www\.", raw, re.I):
        return Checked(None, say("invalid.name_is_link"))
    if not _has_letters(raw):
        return Checked(None, say("invalid.name_no_letters"))
    if len(raw) < 2:
        return Checked(None, say("invalid.name_too_short"))
    return Checked(raw)


def check_description(text: Optional[str], limit: int = 1000) -> Checked:
    """A short description of what happened, at most `limit` characters (newlines kept)."""
    raw = strip_control(text)[: max(_MAX_INPUT, limit + 1)].strip()
    if not raw:
        return Checked(None, say("invalid.description_empty"))
    if not _has_words(raw):
        return Checked(None, say("invalid.description_no_words"))
    length = len(strip_control(text).strip())
    if length > limit:
        return Checked(None, say("invalid.description_too_long", length=_n(length), limit=_n(limit)))
    return Checked(raw)


def check_short_text(text: Optional[str], what: Say, limit: int = 300) -> Checked:
    """A short one-line answer (location, availability, officer, accessibility needs), at most `limit` chars.

    `what` names the answer in the messages ("the place", "your availability"): a catalogue `what.*` key.
    """
    raw = one_line(text)
    if not raw:
        return Checked(None, say("invalid.short_empty", what=what))
    if not _has_words(raw):
        return Checked(None, say("invalid.short_no_words", what=what))
    if len(raw) > limit:
        return Checked(None, say("invalid.short_too_long", length=_n(len(raw)), what=what, limit=_n(limit)))
    return Checked(raw)


# ---------------------------------------------------------------------------------------------- choices

_CONTACT_WORDS = {
    "call": ["call", "calls", "phone call", "phone", "ring", "voice", "telephone", "llamada", "llamar"],
    "text": ["text", "texts", "texting", "txt", "sms", "message", "messages", "msg", "text message", "mensaje"],
    "email": ["email", "e-mail", "emails", "mail", "correo", "gmail"],
}


def _matches(words: dict[str, list[str]], text: str) -> list[str]:
    hits = []
    for value, keys in words.items():
        if any(re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", text) for k in keys):
            hits.append(value)
    return hits


def parse_contact_method(text: Optional[str]) -> Checked:
    """call | text | email."""
    raw = _lower(text)
    choice = payload_choice(raw)
    if choice in _CONTACT_WORDS:
        return Checked(choice)
    if raw in ("1", "2", "3"):
        return Checked(["call", "text", "email"][int(raw) - 1])
    hits = _matches(_CONTACT_WORDS, raw)
    if (
        "call" in hits
        and "text" in hits
        and re.search(r"(?<![\w-])phone(?![\w-])", raw)
        and not re.search(r"(?<![\w-])call", raw)
    ):
        hits.remove("call")  # "text my phone" means text
    if len(hits) == 1:
        return Checked(hits[0])
    if len(hits) > 1:
        return Checked(None, say("invalid.contact_method_several"))
    return Checked(None, say("invalid.contact_method_unknown"))


_LANGUAGES = {
    "English": ["english", "eng", "inglés", "ingles"],
    "Spanish": ["spanish", "español", "espanol", "castellano", "spa"],
    "Vietnamese": ["vietnamese", "tiếng việt", "tieng viet", "viet", "vietnam"],
    "ASL/sign language": ["asl", "sign language", "american sign language", "sign", "signing", "deaf"],
    "Arabic": ["arabic"],
    "Somali": ["somali"],
    "Swahili": ["swahili", "kiswahili"],
    "French": ["french"],
    "Portuguese": ["portuguese"],
    "Haitian Creole": ["haitian creole", "creole", "kreyol"],
    "Mandarin": ["mandarin"],
    "Cantonese": ["cantonese"],
    "Chinese": ["chinese"],
    "Korean": ["korean"],
    "Russian": ["russian"],
    "Ukrainian": ["ukrainian"],
    "Amharic": ["amharic"],
    "Burmese": ["burmese"],
    "Karen": ["karen"],
    "Nepali": ["nepali"],
    "Hmong": ["hmong"],
    "Tagalog": ["tagalog", "filipino"],
    "Dari": ["dari"],
    "Pashto": ["pashto"],
    "Farsi": ["farsi", "persian"],
    "Kinyarwanda": ["kinyarwanda"],
    "Tigrinya": ["tigrinya"],
    "Oromo": ["oromo"],
    "Hindi": ["hindi"],
    "Urdu": ["urdu"],
    "German": ["german"],
}
_LANGUAGE_FILLER = re.compile(
    r"^(i\s+(speak|prefer|use|would like|want|need)|prefer(ably)?|in|my language is|language:?|"
    r"it'?s|only|mostly)\s+",
)


def parse_language(text: Optional[str]) -> Checked:
    """A language name: English, Spanish, Vietnamese, ASL/sign language, a known other, or free text."""
    raw = _lower(text)
    choice = payload_choice(raw)
    if choice:
        raw = choice
    if not raw:
        return Checked(None, say("invalid.language_empty"))
    hits = _matches(_LANGUAGES, raw)
    if len(hits) == 1:
        return Checked(hits[0])
    if len(hits) > 1:
        if "English" in hits and re.search(r"\b(no|not|don'?t|poor|little|bad)\b", raw):
            hits.remove("English")  # "not english, spanish please"
        if len(hits) == 1:
            return Checked(hits[0])
        return Checked(None, say("invalid.language_several"))
    cleaned = raw
    for _ in range(3):
        cleaned = _LANGUAGE_FILLER.sub("", cleaned).strip(" .,!")
    if not _has_letters(cleaned):
        return Checked(None, say("invalid.language_no_letters"))
    if len(cleaned) > 40 or len(cleaned.split()) > 4:
        return Checked(None, say("invalid.language_too_long"))
    return Checked(" ".join(w.capitalize() for w in cleaned.split()))


_YES = {
    "yes",
    "y",
    "yeah",
    "yea",
    "yep",
    "yup",
    "ya",
    "yah",
    "ye",
    "yess",
    "yes please",
    "sure",
    "ok",
    "okay",
    "k",
    "kk",
    "correct",
    "right",
    "that's right",
    "thats right",
    "absolutely",
    "definitely",
    "of course",
    "affirmative",
    "i did",
    "i am",
    "i was",
    "it was",
    "he was",
    "she was",
    "they were",
    "it is",
    "true",
    "si",
    "sí",
    "👍",
    "indeed",
    "certainly",
    "yes i am",
    "yes it was",
    "i will",
    "i do",
    "sounds good",
}
_NO = {
    "no",
    "n",
    "nope",
    "nah",
    "naw",
    "no way",
    "negative",
    "not really",
    "never",
    "i didn't",
    "i did not",
    "i'm not",
    "im not",
    "i am not",
    "it wasn't",
    "it was not",
    "he wasn't",
    "she wasn't",
    "they weren't",
    "no thanks",
    "no thank you",
    "not at all",
    "false",
    "i won't",
    "i will not",
    "i don't think so",
    "i dont think so",
    "don't think so",
    "dont think so",
    "👎",
    "no sir",
    "no ma'am",
    "i do not",
    "i don't",
    "i dont",
    "none",
}
_UNSURE_RE = re.compile(
    r"\b(not sure|unsure|i don'?t know|don'?t know|dont know|do not know|dunno|idk|no idea|no clue|"
    r"not certain|maybe|perhaps|possibly|can'?t remember|cannot remember|don'?t remember|can'?t say|"
    r"hard to say|i guess|kind of|kinda|sort of)\b"
)
_INTENT_TO_ANSWER = {"affirm": "yes", "deny": "no", "dont_know": "unknown"}


def interpret_yes_no(text: Optional[str], intent: Optional[str] = None) -> Optional[str]:
    """ "yes" | "no" | "unknown" (not sure) | None (could not tell). A recognised intent wins over words."""
    if intent in _INTENT_TO_ANSWER:
        return _INTENT_TO_ANSWER[intent]
    raw = _lower(text)
    payload = re.fullmatch(r"/(affirm|deny|dont_know)\b.*", raw)
    if payload:
        return _INTENT_TO_ANSWER[payload.group(1)]
    choice = payload_choice(raw)
    if choice in ("yes", "no", "unknown"):
        return choice
    if choice in ("not_sure", "dont_know"):
        return "unknown"
    words = raw.strip(" .!?,;:")
    if not words:
        return None
    if words in _YES:
        return "yes"
    if words in _NO:
        return "no"
    if _UNSURE_RE.search(words):
        return "unknown"
    # Leading word decides a longer answer: "yes he pushed me", "no it was a sheriff", "nope, never"
    first = re.split(r"[\s,.!;:]+", words, maxsplit=1)[0]
    if first in {"yes", "yeah", "yep", "yup", "yea", "ya", "sure", "ok", "okay", "correct", "absolutely", "definitely"}:
        return "yes"
    if first in {"no", "nope", "nah", "naw", "never"}:
        return "no"
    return None


# ----------------------------------------------------------------------------------- complaint number

_NO_NUMBER_RE = re.compile(
    r"^(none|no|nope|nah|n/?a|na|not applicable|skip|no number|i don'?t have (one|it|a number)|"
    r"don'?t have (one|it|a number)|dont have (one|it)|i do not have (one|it)|not yet|haven'?t filed( yet)?|"
    r"i haven'?t filed( one)?( yet)?|no complaint number|not sure|i don'?t know|idk|dunno|don'?t know|"
    r"i didn'?t get one|didn'?t get one|i never got one)$"
)
_COMPLAINT_PREFIX = re.compile(
    r"^(my\s+)?(occ\s+)?(complaint\s+)?(number|no\.?|#|num)\s*(is|:)?\s*|^(it'?s|its|it is)\s+", re.I
)


def check_complaint_number(text: Optional[str]) -> Checked:
    """Optional OCC complaint number. "none" / "don't have one" → Checked(None, None)."""
    raw = one_line(text)
    low = raw.lower().replace("\u2019", "'").strip(" .!,")
    if not low:
        return Checked(None, say("invalid.complaint_number_empty"))
    if _NO_NUMBER_RE.match(low):
        return Checked(None, None)
    value = raw.strip(" .!,")
    for _ in range(2):
        value = _COMPLAINT_PREFIX.sub("", value).strip(" .!,")
    if not any(ch.isdigit() for ch in value):
        return Checked(None, say("invalid.complaint_number_no_digits"))
    if len(value) > 40:
        return Checked(None, say("invalid.complaint_number_too_long"))
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 #./_-]*", value):
        return Checked(None, say("invalid.complaint_number_characters"))
    return Checked(value.upper())


__all__ = [
    "Checked",
    "strip_control",
    "one_line",
    "normalize_phone",
    "normalize_email",
    "check_name",
    "check_description",
    "check_short_text",
    "parse_contact_method",
    "parse_language",
    "interpret_yes_no",
    "check_complaint_number",
]
