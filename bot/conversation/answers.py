"""The program's answers, loaded from `bot/content/en/answers.yml` and checked on load.

Why: facts about the program (and the honest "OCC staff will confirm" wording of what the program page does
not say) must live in one reviewable file that staff can edit; a bad edit should fail loudly at start-up,
naming the file, rather than produce a wrong or overlong answer to a resident.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import yaml

from bot.text import MAX_MESSAGE_CHARS

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "content" / "en" / "answers.yml"
SOURCES = {"program_page", "kc_rule", "general"}
_CONFIRM_WORDS = ("staff will confirm", "occ staff will confirm")


class AnswersError(ValueError):
    """answers.yml is invalid; the message names the file and the entry."""


@dataclass(frozen=True)
class Answer:
    key: str
    source: str
    messages: tuple[str, ...]


@dataclass(frozen=True)
class Answers:
    contact: Mapping[str, str]
    answers: Mapping[str, Answer]

    def get(self, key: str) -> Answer | None:
        return self.answers.get(key)

    def messages(self, key: str) -> list[str]:
        answer = self.answers.get(key)
        return list(answer.messages) if answer else []

    @property
    def phone(self) -> str:
        return self.contact["phone"]


def load_answers(path: str | os.PathLike | None = None) -> Answers:
    path = Path(path or DEFAULT_PATH)
    where = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AnswersError(f"{where}: cannot read answers: {exc}") from exc
    if not isinstance(raw, dict):
        raise AnswersError(f"{where}: expected a mapping with 'contact' and 'answers'")
    unknown = set(raw) - {"version", "contact", "answers"}
    if unknown:
        raise AnswersError(f"{where}: unknown top-level keys: {', '.join(sorted(unknown))}")
    contact = raw.get("contact")
    if not isinstance(contact, dict) or not {"office", "person", "phone"} <= set(contact):
        raise AnswersError(f"{where}: 'contact' needs office, person and phone")
    contact = {k: str(v) for k, v in contact.items()}
    entries = raw.get("answers")
    if not isinstance(entries, dict) or not entries:
        raise AnswersError(f"{where}: 'answers' must be a non-empty mapping")

    answers: dict[str, Answer] = {}
    for key, entry in entries.items():
        label = f"{where}: answers.{key}"
        if not isinstance(entry, dict):
            raise AnswersError(f"{label}: expected a mapping with source and messages")
        extra = set(entry) - {"source", "messages"}
        if extra:
            raise AnswersError(f"{label}: unknown keys: {', '.join(sorted(extra))}")
        source = entry.get("source")
        if source not in SOURCES:
            raise AnswersError(f"{label}: source must be one of {sorted(SOURCES)} (got {source!r})")
        messages = entry.get("messages")
        if not isinstance(messages, list) or not messages or not all(isinstance(m, str) for m in messages):
            raise AnswersError(f"{label}: messages must be a non-empty list of text")
        try:
            filled = tuple(m.strip().format(**contact) for m in messages)
        except KeyError as exc:
            raise AnswersError(f"{label}: unknown placeholder {exc}") from exc
        for i, message in enumerate(filled, 1):
            if len(message) > MAX_MESSAGE_CHARS:
                raise AnswersError(
                    f"{label}: message {i} is {len(message)} characters; the limit is {MAX_MESSAGE_CHARS}"
                )
        if source == "general" and not any(w in " ".join(filled).lower() for w in _CONFIRM_WORDS):
            raise AnswersError(
                f"{label}: a 'general' answer is not Kansas City policy and must say OCC staff will confirm"
            )
        answers[key] = Answer(key=key, source=source, messages=filled)
    return Answers(contact=contact, answers=answers)


@functools.lru_cache(maxsize=1)
def default_answers() -> Answers:
    """The packaged answers, read once per process."""
    return load_answers()
