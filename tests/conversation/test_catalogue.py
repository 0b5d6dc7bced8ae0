"""The catalogue: every message the code or the domain names exists, none is unused, and bad edits are
refused with the file and line."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from bot.conversation import request_form as rf
from bot.conversation.catalogue import (
    LANGUAGES,
    CatalogueError,
    OneOf,
    Template,
    catalogue,
    check_languages,
    load_catalogue,
    say,
)
from bot.requests.lookup import RECEIVED
from bot.requests.workflow import STATUSES
from tests.support import ROOT

CODE = [p for d in ("actions", "bot") for p in (ROOT / d).rglob("*.py")]
SPEAKING_CALLS = {"say", "speak_key", "text", "buttons"}


def _calls_with_keys() -> tuple[set[str], set[str]]:
    """(literal keys, prefixes of f-string keys) passed to say()/speak_key()/cat.text()/cat.buttons()."""
    literal, prefixes = set(), set()
    for path in CODE:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name not in SPEAKING_CALLS:
                continue
            for arg in node.args[:3]:
                for part in ast.walk(arg):  # also both branches of `say("a" if x else "b")`
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        literal.add(part.value)
                    elif isinstance(part, ast.JoinedStr) and part.values and isinstance(part.values[0], ast.Constant):
                        prefixes.add(part.values[0].value)
    return literal, prefixes


def _domain_responses() -> set[str]:
    return set(yaml.safe_load((ROOT / "domain/responses.yml").read_text())["responses"])


def test_every_key_the_code_says_exists():
    cat = catalogue()
    literal, prefixes = _calls_with_keys()
    keyish = {k for k in literal if re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+|utter_[a-z_]+", k)}
    assert keyish, "found no catalogue keys in the code: the scan is broken"
    assert sorted(k for k in keyish if k not in cat) == []
    assert sorted(r for r in _domain_responses() if r not in cat) == []
    assert {"field.", "status.", "intent.", "how.", "value.", "month."} <= prefixes


def test_no_key_is_unused():
    literal, prefixes = _calls_with_keys()
    families = (
        {f"field.{f.key}" for f in rf.FIELDS}
        | {f"value.{m}" for m in rf.CONTACT_METHODS}
        | {f"how.{m}" for m in rf.CONTACT_METHODS}
        | {f"status.{s}" for s in (*STATUSES, RECEIVED)}
        | {f"month.{n}" for n in range(1, 13)}
        | {f"month_short.{n}" for n in range(1, 13)}
    )
    intents = yaml.safe_load((ROOT / "domain/conversation.yml").read_text())["intents"]
    labels = {f"intent.{i}" for i in intents}
    used = literal | families | labels | _domain_responses()
    assert all(any(k.startswith(p) for p in prefixes) for k in families | labels)
    assert sorted(k for k in catalogue().entries if k not in used) == []


def test_every_dynamic_family_is_complete():
    cat = catalogue()
    for key in [f"field.{f.key}" for f in rf.FIELDS] + [f"status.{s}" for s in (*STATUSES, RECEIVED)]:
        assert key in cat, key


def test_languages_agree():
    assert check_languages(catalogue(lang) for lang in LANGUAGES) == []


def test_rendering_nested_speech_and_the_office_phone():
    cat = catalogue()
    assert cat.text("submit.stored_next", how=say("how.text")).startswith("OCC staff will contact you by text message")
    assert "(816) 889-6646" in cat.text("fallback.final")
    assert cat.render(OneOf(("A", "B", "C"))) == "A, B or C"
    assert (
        cat.render(Template("It happened {ago}.", {"ago": say("date.days_ago", days=3)})) == "It happened 3 days ago."
    )
    with pytest.raises(CatalogueError):
        cat.text("submit.stored")  # {reference} missing: never a half-filled sentence


def _write(tmp_path, messages: str) -> Path:
    folder = tmp_path / "en"
    folder.mkdir()
    (folder / "answers.yml").write_text((ROOT / "bot/content/en/answers.yml").read_text())
    (folder / "messages.yml").write_text("version: 1\nlanguage: en\nmessages:\n" + messages)
    return tmp_path


@pytest.mark.parametrize(
    "messages,problem",
    [
        ('  a: "' + "x" * 321 + '"\n', "321 characters"),
        ("  a:\n    text: hi\n    colour: red\n", "unknown keys colour"),
        ("  a:\n    text: hi\n    buttons: [{title: Yes}]\n", "title and a payload"),
        ('  a: "Call {phone"\n', "broken {placeholder}"),
        ('  a: ""\n', "has no text"),
    ],
)
def test_bad_edits_are_refused_with_file_and_line(tmp_path, messages, problem):
    with pytest.raises(CatalogueError) as error:
        load_catalogue("en", _write(tmp_path, messages))
    assert "messages.yml, line 4" in str(error.value) and problem in str(error.value)
