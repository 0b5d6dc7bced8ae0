"""Text helpers shared by every channel.

Why: answers must read well on a phone (<= 320 characters a message) and SMS has its own limits, so
splitting and cleaning text lives in one place instead of in each channel.
"""

from __future__ import annotations

import re
import unicodedata

MAX_MESSAGE_CHARS = 320

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}
_KEEP_FORMAT = {"\u200d", "\ufe0f"}  # zero-width joiner and variation selector keep emoji intact


def clean_text(text: str | None) -> str:
    """Drop control characters (but keep emoji and newlines-as-spaces) and trim."""
    if not text:
        return ""
    out = []
    for ch in str(text):
        if ch in "\n\t\r":
            out.append(" ")
        elif unicodedata.category(ch) in _CONTROL and ch not in _KEEP_FORMAT:
            continue
        else:
            out.append(ch)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def split_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split text into chunks of at most `limit` characters, at sentence, then word boundaries."""
    text = (text or "").strip()
    if not text:
        return []
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        pieces += (
            [sentence] if len(sentence) <= limit else _join_within(_hard_cut(sentence.split(" "), limit), limit, " ")
        )
    return _join_within(pieces, limit, " ")


def pack_lines(lines, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Join lines with newlines into as few messages as possible, none longer than `limit` (lists, summaries)."""
    return _join_within([piece for line in lines for piece in split_message(line, limit)], limit, "\n")


def _join_within(pieces: list[str], limit: int, separator: str) -> list[str]:
    """Greedily join pieces (each at most `limit` long) with `separator` into chunks of at most `limit`."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        if not piece:
            continue
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def _hard_cut(words: list[str], limit: int) -> list[str]:
    """Words longer than `limit` (a pasted URL, a row of emoji) are cut into `limit`-sized pieces."""
    return [word[i : i + limit] for word in words for i in range(0, max(len(word), 1), limit)]


_QUESTION_WORDS = {
    "what",
    "who",
    "how",
    "is",
    "are",
    "can",
    "do",
    "does",
    "will",
    "would",
    "where",
    "when",
    "why",
    "should",
    "could",
    "may",
    "wat",
    "whats",
    "what's",
    "hw",
    "r",
}
QUESTION_MAX_CHARS = 120


def looks_like_question(text: str | None) -> bool:
    """A short message that asks something: a question mark, or a question word first.

    Used where a form expects free text (a name, a description): only a short question is treated as the
    resident asking us something; anything longer is their answer, even if it mentions a program topic.
    """
    text = clean_text(text)
    if not text or len(text) > QUESTION_MAX_CHARS:
        return False
    return "?" in text or text.split(" ", 1)[0].lower() in _QUESTION_WORDS


def truncate(text: str, limit: int) -> str:
    """Shorten for display (summaries), marking the cut with an ellipsis."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
