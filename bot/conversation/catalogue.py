"""The catalogue: everything the assistant says to a resident, keyed, one set of files per language.

Why: residents write in English, Spanish and Vietnamese, and every sentence must be reviewable by people who
don't read Python. So code never holds a resident-facing sentence: it names a key (`say("submit.stored",
reference=...)`) and the catalogue of the conversation's language turns it into text.

A language's catalogue is `bot/content/<lang>/messages.yml` (conversation wording, buttons) plus
`bot/content/<lang>/answers.yml` (program facts with their sources, see bot.conversation.answers). Loading
checks every entry and names the file and line of a mistake: unknown keys, wrong shapes, a message over
320 characters, a {placeholder} that can't be filled. `check_languages` compares languages: same keys,
same placeholders, same button payloads.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping, NoReturn, Optional, Union

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from bot.conversation.answers import Answers, load_answers
from bot.text import MAX_MESSAGE_CHARS

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en",)


class CatalogueError(ValueError):
    """A catalogue file can't be used; the message names the file and, when known, the line."""


@dataclass(frozen=True)
class Say:
    """Something to say: a catalogue key and the values of its {placeholders}. Rendered per language."""

    key: str
    fields: Mapping[str, Any] = field(default_factory=dict)


def say(key: str, **fields: Any) -> Say:
    return Say(key, fields)


@dataclass(frozen=True)
class Template:
    """Text from another reviewed file (a policy reason) whose {placeholders} may hold catalogue speech."""

    text: str
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OneOf:
    """A list said as alternatives: "A, B or C" in the conversation's language."""

    items: tuple[Any, ...]


# What code hands to the catalogue: a key to say, a template, alternatives, or text already in the language.
Speech = Union[Say, Template, OneOf, str]


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Entry:
    key: str
    text: str
    buttons: tuple[Button, ...] = ()
    line: Optional[int] = None

    @property
    def placeholders(self) -> frozenset[str]:
        names = [n for _, n, _, _ in string.Formatter().parse(self.text) if n]
        names += [n for b in self.buttons for _, n, _, _ in string.Formatter().parse(b.title) if n]
        return frozenset(names)


def _fill(template: str, values: Mapping[str, Any], where: str) -> str:
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise CatalogueError(f"{where}: cannot fill {{{exc}}} in {template!r}") from None


@dataclass(frozen=True)
class Catalogue:
    language: str
    entries: Mapping[str, Entry]
    answers: Answers
    source: str = "<memory>"

    def entry(self, key: str) -> Entry:
        try:
            return self.entries[key]
        except KeyError:
            raise CatalogueError(f"{self.source}: no message '{key}'") from None

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def _values(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = dict(self.answers.contact)
        for name, value in fields.items():
            values[name] = self.render(value) if isinstance(value, (Say, Template, OneOf)) else value
        return values

    def text(self, key: str, **fields: Any) -> str:
        """The message `key` in this language, its {placeholders} filled from `fields` and the office contact."""
        return _fill(self.entry(key).text, self._values(fields), f"{self.source}: {key}")

    def render(self, item: Speech) -> str:
        """Any speech as text in this language."""
        if isinstance(item, str):
            return item
        if isinstance(item, Say):
            return self.text(item.key, **item.fields)
        if isinstance(item, Template):
            return _fill(item.text, self._values(item.fields), f"{self.source}: template")
        words = [self.render(i) for i in item.items]
        if len(words) <= 1:
            return "".join(words)
        return f"{', '.join(words[:-1])} {self.text('list.or')} {words[-1]}"

    def buttons(self, key: str, **fields: Any) -> list[dict[str, str]]:
        """Rasa-style buttons of message `key` ({"title", "payload"}); payloads are never templated."""
        values = self._values(fields)
        where = f"{self.source}: {key}"
        return [{"title": _fill(b.title, values, where), "payload": b.payload} for b in self.entry(key).buttons]

    def answer(self, topic: str) -> list[str]:
        """The program answer for a topic (e.g. "faq_cost"), one string per message; [] if there is none."""
        return self.answers.messages(topic)


# -------------------------------------------------------------------------------------------- loading


def _fail(path: Path, line: Optional[int], problem: str) -> NoReturn:
    raise CatalogueError(f"{path}, line {line}: {problem}" if line else f"{path}: {problem}")


def _line(node: Any, key: Any) -> Optional[int]:
    try:
        return node.lc.key(key)[0] + 1
    except Exception:
        return None


def _entry(path: Path, key: str, node: Any, line: Optional[int], contact: Mapping[str, str]) -> Entry:
    text: Any
    raw_buttons: Any
    if isinstance(node, str):
        text, raw_buttons = node, []
    elif isinstance(node, Mapping):
        unknown = set(node) - {"text", "buttons"}
        if unknown:
            _fail(path, line, f"message '{key}': unknown keys {', '.join(sorted(unknown))} (use text, buttons)")
        text, raw_buttons = node.get("text"), node.get("buttons") or []
    else:
        _fail(path, line, f"message '{key}' must be text, or a mapping with text and buttons")
    if not isinstance(text, str) or not text.strip():
        _fail(path, line, f"message '{key}' has no text")
    if not isinstance(raw_buttons, list):
        _fail(path, line, f"message '{key}': buttons must be a list")
    buttons = []
    for button in raw_buttons:
        if not isinstance(button, Mapping) or set(button) != {"title", "payload"}:
            _fail(path, line, f"message '{key}': each button needs exactly a title and a payload")
        if not all(isinstance(button[k], str) and button[k].strip() for k in ("title", "payload")):
            _fail(path, line, f"message '{key}': button title and payload must be non-empty text")
        buttons.append(Button(button["title"].strip(), button["payload"].strip()))
    entry = Entry(key=key, text=" ".join(text.split()), buttons=tuple(buttons), line=line)
    try:
        sample = entry.text.format(**{**{n: "" for n in entry.placeholders}, **contact})
    except (ValueError, IndexError) as exc:
        _fail(path, line, f"message '{key}': broken {{placeholder}} ({exc}); write {{{{ or }}}} for a brace")
    if len(sample) > MAX_MESSAGE_CHARS:
        _fail(path, line, f"message '{key}' is {len(sample)} characters; the limit is {MAX_MESSAGE_CHARS}")
    return entry


def load_catalogue(language: str = DEFAULT_LANGUAGE, directory: Optional[Path] = None) -> Catalogue:
    """Read and check one language's catalogue (messages.yml + answers.yml)."""
    folder = Path(directory or CONTENT_DIR) / language
    path = folder / "messages.yml"
    try:
        data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        _fail(path, None, f"cannot read the catalogue ({exc})")
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        _fail(path, mark.line + 1 if mark else None, f"not valid YAML: {(exc.problem or exc.context or '').strip()}")
    if not isinstance(data, Mapping) or set(data) - {"version", "language", "messages"}:
        _fail(path, 1, "expected the keys version, language and messages")
    if data.get("language") != language:
        _fail(path, _line(data, "language"), f"'language' must be {language!r} (the folder's name)")
    messages = data.get("messages")
    if not isinstance(messages, Mapping) or not messages:
        _fail(path, _line(data, "messages"), "'messages' must be a non-empty mapping of key to message")
    answers = load_answers(folder / "answers.yml")
    entries = {
        str(key): _entry(path, str(key), node, _line(messages, key), answers.contact) for key, node in messages.items()
    }
    return Catalogue(language=language, entries=entries, answers=answers, source=str(path))


def check_languages(catalogues: Iterable[Catalogue]) -> list[str]:
    """Differences between languages that would break a conversation: keys, placeholders, payloads, answers."""
    catalogues = list(catalogues)
    if not catalogues:
        return []
    base, problems = catalogues[0], []
    for other in catalogues[1:]:
        where = f"{other.source} vs {base.source}"
        for key in sorted(set(base.entries) ^ set(other.entries)):
            problems.append(f"{where}: '{key}' is in only one of them")
        for key in sorted(set(base.entries) & set(other.entries)):
            a, b = base.entries[key], other.entries[key]
            if a.placeholders != b.placeholders:
                problems.append(f"{where}: '{key}' placeholders {sorted(b.placeholders)} != {sorted(a.placeholders)}")
            if [x.payload for x in a.buttons] != [x.payload for x in b.buttons]:
                problems.append(f"{where}: '{key}' buttons differ in payloads")
        for topic in sorted(set(base.answers.answers) ^ set(other.answers.answers)):
            problems.append(f"{where}: answer '{topic}' is in only one of them")
    return problems


@functools.lru_cache(maxsize=None)
def catalogue(language: str = DEFAULT_LANGUAGE) -> Catalogue:
    """The packaged catalogue of `language` (falls back to English for an unknown code), read once."""
    return load_catalogue(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def render_all(items: Iterable[Speech], language: str = DEFAULT_LANGUAGE) -> list[str]:
    cat = catalogue(language)
    return [cat.render(item) for item in items]


def long_date(day: date) -> Say:
    """ "October 3, 2026", in the conversation's language."""
    return say("date.long", month=say(f"month.{day.month}"), day=day.day, year=day.year)


def short_date(day: date) -> Say:
    """ "Oct 3, 2026", in the conversation's language."""
    return say("date.short", month_short=say(f"month_short.{day.month}"), day=day.day, year=day.year)
