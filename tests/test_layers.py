"""The layers of bot/ hold: pure rules at the bottom, the data API above persistence, nothing imports the apps.

Why a test: layering that is only described drifts. This walks every import (module level and inside
functions) of bot/ and actions/ and fails with the offending module and import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support import ROOT

BASE = ("bot.settings", "bot.text")  # the foundations every layer may use
RASA = ("rasa", "rasa_sdk")
WEB = ("flask", "flask_login", "flask_wtf", "werkzeug", "wtforms")  # the staff app's stack
DATABASE = ("sqlalchemy", "alembic", "psycopg2")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    found = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


MODULES = {module_name(p): imports(p) for d in ("bot", "actions") for p in (ROOT / d).rglob("*.py")}

# layer → (who it applies to, what it may import from bot/actions, outside packages it must not import)
RULES = {
    "pure rules": (
        ("bot.conversation", "bot.eligibility", "bot.nlp"),
        ("bot.conversation", "bot.eligibility", "bot.nlp", *BASE),
        (*RASA, *WEB, *DATABASE, "sanic"),
    ),
    "data API": (
        ("bot.requests",),
        ("bot.requests", "bot.db", "bot.conversation", "bot.eligibility", *BASE),
        (*RASA, *WEB, "sanic"),
    ),
    "persistence": (("bot.db",), ("bot.db", *BASE), (*RASA, *WEB, "sanic")),
    "actions": (
        ("actions",),
        ("actions", "bot.conversation", "bot.eligibility", "bot.requests", *BASE),
        (*WEB, *DATABASE),
    ),
    "rasa plug-ins": (
        ("bot.rasa_plugins",),
        ("bot.rasa_plugins", "bot.conversation", "bot.eligibility", "bot.requests", "bot.nlp", *BASE),
        (*WEB, *DATABASE),
    ),
}


@pytest.mark.parametrize("layer", RULES)
def test_layer_imports(layer):
    members, allowed, forbidden = RULES[layer]
    problems = []
    for module, names in MODULES.items():
        if not within(module, members):
            continue
        for name in sorted(names):
            ours = within(name, ("bot", "actions"))
            if (ours and not within(name, allowed)) or within(name, forbidden):
                problems.append(f"{module} imports {name}")
    assert problems == []


def test_nothing_imports_the_apps():
    """staff/, cli/ and widget/ sit on top: nothing below them (or in actions/) imports them."""
    problems = [
        f"{module} imports {name}"
        for module, names in MODULES.items()
        for name in names
        if within(name, ("bot.staff", "bot.cli"))
        and not within(module, ("bot.staff", "bot.cli"))
        or within(name, ("bot.widget",))
        and not within(module, ("bot.widget", "bot.staff"))
    ]
    assert problems == []


def test_no_import_cycles_between_modules():
    graph = {m: {n for n in names if n in MODULES and n != m} for m, names in MODULES.items()}
    # A package's __init__ re-exporting its own modules is not a cycle worth reporting.
    for module, deps in graph.items():
        graph[module] = {d for d in deps if not module.startswith(d + ".")}
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_scan_sees_the_code():
    assert "bot.requests.submit" in MODULES and "bot.requests.outbox" in MODULES["bot.requests.submit"]
