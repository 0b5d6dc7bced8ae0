"""Load and validate the eligibility policy (`policy.yml`) that staff edit.

Why: the rules change when OCC's practice changes (a longer filing window, a new exclusion), and the people
who know are not programmers. So the rules are data, and a typo must never silently change what residents
are told: anything unexpected stops loading with a `PolicyError` that names the file and the line, e.g.
``policy.yml, line 42: rule 'injury', option 'yes': unknown result 'maybe' (use pass, needs_staff_review or
not_eligible)``.

ruamel.yaml (round-trip mode) is used because it keeps the line of every key and value, rejects duplicate
keys, and reads `yes`/`no` as text (YAML 1.2) rather than booleans.
"""

from __future__ import annotations

import re
import string
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, NoReturn, Optional
from zoneinfo import ZoneInfo

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

RESULTS = ("pass", "needs_staff_review", "not_eligible")
OUTCOME_NAMES = ("likely_eligible", "needs_staff_review", "not_eligible")
KINDS = ("yes_no", "choice", "date")
YES_NO_VALUES = ("yes", "no", "unknown")
DATE_VALUES = ("in_window", "out_of_window", "unknown")
UNKNOWN = "unknown"
MAX_TEXT = 320
MAX_LABEL = 40
DATE_FIELDS = frozenset({"ago", "days", "date", "window"})
COMMON_FIELDS = frozenset({"window"})

PACKAGED_POLICY = Path(__file__).with_name("policy.yml")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_VALUE_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,39}$")
_INTENT_RE = re.compile(r"^[A-Za-z0-9_]+$")


class PolicyError(ValueError):
    """The policy file cannot be used. `str(error)` names the file and, when known, the line."""

    def __init__(self, path: str, line: Optional[int], problem: str):
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}, line {line}" if line else self.path
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class RuleOutcome:
    """What one answer to one rule means."""

    result: str
    reason: str
    next_step: Optional[str] = None


@dataclass(frozen=True)
class Option:
    """A button the resident can press (and the words that mean the same)."""

    value: str
    label: str
    outcome: RuleOutcome
    keywords: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    numbers: Optional[tuple[int, int]] = None


@dataclass(frozen=True)
class Override:
    """Different outcomes for some answers of a rule when earlier answers match `when`."""

    when: Mapping[str, tuple[str, ...]]
    outcomes: Mapping[str, RuleOutcome]


@dataclass(frozen=True)
class Rule:
    id: str
    slot: str
    kind: str
    question: str
    topic: str
    options: tuple[Option, ...] = ()
    outcomes: Mapping[str, RuleOutcome] = field(default_factory=dict)  # answer value -> outcome (all kinds)
    ask_when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    timezone: str = "America/Chicago"
    line: Optional[int] = None

    def option(self, value: str) -> Optional[Option]:
        return next((o for o in self.options if o.value == value), None)

    @property
    def answer_values(self) -> tuple[str, ...]:
        return tuple(self.outcomes)

    @property
    def accepts_unknown(self) -> bool:
        return UNKNOWN in self.outcomes


@dataclass(frozen=True)
class OutcomeText:
    headline: str
    next_step: str


@dataclass(frozen=True)
class Policy:
    version: Any
    timezone: str
    filing_window_days: int
    outcome_texts: Mapping[str, OutcomeText]
    rules: tuple[Rule, ...]
    source: str = "<memory>"

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def rule_for_slot(self, slot: str) -> Optional[Rule]:
        return next((r for r in self.rules if r.slot == slot), None)

    @property
    def slots(self) -> list[str]:
        return [r.slot for r in self.rules]

    def with_window(self, days: int) -> "Policy":
        """A copy with another filing window (tests, what-if checks)."""
        return replace(self, filing_window_days=days)


# ------------------------------------------------------------------------------------------- loading


def default_policy_path() -> Path:
    """The packaged policy; an edited one is passed in by the caller (settings.policy_file)."""
    return PACKAGED_POLICY


def load_policy(path: Optional[Path | str] = None) -> Policy:
    """Read and validate a policy file (default: the packaged policy.yml)."""

    path = Path(path) if path else default_policy_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(str(path), None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(path), None, f"cannot read the file ({exc})") from None
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise PolicyError(str(path), line, f"not valid YAML: {problem}") from None
    except YAMLError as exc:
        raise PolicyError(str(path), None, f"not valid YAML: {exc}") from None
    return _Validator(str(path)).policy(data)


_lock = threading.Lock()
_cached: dict[str, tuple[float, Policy]] = {}


def current_policy(path: Optional[Path | str] = None) -> Policy:
    """`load_policy`, cached per file and reloaded when the file's modification time changes."""
    path = Path(path) if path else default_policy_path()
    key = str(path.resolve())
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = -1.0
    with _lock:
        hit = _cached.get(key)
        if hit and hit[0] == mtime:
            return hit[1]
    policy = load_policy(path)
    with _lock:
        _cached[key] = (mtime, policy)
    return policy


# ---------------------------------------------------------------------------------------- validation


def _line_of_key(node: Any, key: Any) -> Optional[int]:
    try:
        return node.lc.key(key)[0] + 1
    except Exception:
        return _line_of(node)


def _line_of_value(node: Any, key: Any) -> Optional[int]:
    try:
        return node.lc.value(key)[0] + 1
    except Exception:
        return _line_of_key(node, key)


def _line_of_item(node: Any, index: int) -> Optional[int]:
    try:
        return node.lc.item(index)[0] + 1
    except Exception:
        return _line_of(node)


def _line_of(node: Any) -> Optional[int]:
    try:
        return node.lc.line + 1
    except Exception:
        return None


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _freeze(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))


class _Validator:
    def __init__(self, path: str):
        self.path = path

    def fail(self, line: Optional[int], problem: str) -> NoReturn:
        raise PolicyError(self.path, line, problem)

    # --- generic shapes -------------------------------------------------------------------------

    def mapping(self, node: Any, where: str, line: Optional[int], *, required: tuple, optional: tuple = ()) -> Mapping:
        if not isinstance(node, Mapping):
            self.fail(line, f"{where} must be a mapping of keys to values, not {_type_name(node)}")
        allowed = set(required) | set(optional)
        for key in node:
            if key not in allowed:
                hint = ", ".join(sorted(allowed))
                self.fail(_line_of_key(node, key), f"{where}: unknown key '{key}' (allowed: {hint})")
        for key in required:
            if key not in node:
                self.fail(_line_of(node) or line, f"{where}: missing '{key}'")
        return node

    def text(
        self,
        node: Mapping,
        key: str,
        where: str,
        *,
        limit: int = MAX_TEXT,
        fields: frozenset = COMMON_FIELDS,
        required: bool = True,
    ) -> Optional[str]:
        if key not in node or node[key] is None:
            if required:
                self.fail(
                    _line_of_value(node, key) if key in node else _line_of(node), f"{where}: missing text '{key}'"
                )
            return None
        value = node[key]
        line = _line_of_value(node, key)
        if not isinstance(value, str):
            self.fail(line, f"{where}: '{key}' must be text, not {_type_name(value)} (put it in quotes)")
        value = " ".join(value.split())
        if not value:
            self.fail(line, f"{where}: '{key}' is empty")
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        except ValueError:
            self.fail(line, f"{where}: '{key}' has an unmatched {{ or }} (write {{{{ or }}}} for a literal brace)")
        for name in names:
            if name not in fields:
                allowed = ", ".join("{" + f + "}" for f in sorted(fields))
                self.fail(line, f"{where}: '{key}' uses {{{name}}}, which is not available here (allowed: {allowed})")
        if len(value) > limit:
            self.fail(line, f"{where}: '{key}' is {len(value)} characters; keep it to {limit} or fewer")
        return value

    def required_text(self, node: Mapping, key: str, where: str, **kwargs: Any) -> str:
        """`text` for a key that must be present (fails loading otherwise)."""
        value = self.text(node, key, where, required=True, **kwargs)
        if value is None:  # pragma: no cover - text() has already failed
            self.fail(_line_of(node), f"{where}: missing text '{key}'")
        return value

    def string_list(self, node: Mapping, key: str, where: str, pattern: Optional[re.Pattern] = None) -> tuple[str, ...]:
        if key not in node:
            return ()
        items = node[key]
        if not isinstance(items, list):
            self.fail(_line_of_value(node, key), f"{where}: '{key}' must be a list, not {_type_name(items)}")
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                self.fail(
                    _line_of_item(items, i),
                    f"{where}: '{key}' item {i + 1} must be non-empty text, not {_type_name(item)}",
                )
            if pattern is not None and not pattern.match(item):
                self.fail(_line_of_item(items, i), f"{where}: '{key}' item '{item}' is not a valid name")
            out.append(" ".join(item.lower().split()) if pattern is None else item)
        return tuple(out)

    # --- the policy -----------------------------------------------------------------------------

    def policy(self, data: Any) -> Policy:
        if data is None:
            self.fail(1, "the file is empty")
        top = self.mapping(
            data, "policy", 1, required=("version", "timezone", "filing_window_days", "outcome_texts", "rules")
        )
        version = top["version"]
        if isinstance(version, bool) or not isinstance(version, (int, str)) or version == "":
            self.fail(_line_of_value(top, "version"), f"'version' must be a number or text, not {_type_name(version)}")

        tz = top["timezone"]
        if not isinstance(tz, str):
            self.fail(
                _line_of_value(top, "timezone"), f"'timezone' must be text like America/Chicago, not {_type_name(tz)}"
            )
        try:
            ZoneInfo(tz)
        except Exception:
            self.fail(
                _line_of_value(top, "timezone"), f"'timezone' {tz!r} is not a known time zone (e.g. America/Chicago)"
            )

        window = top["filing_window_days"]
        if isinstance(window, bool) or not isinstance(window, int):
            self.fail(
                _line_of_value(top, "filing_window_days"),
                f"'filing_window_days' must be a whole number of days, not {_type_name(window)}",
            )
        if not 1 <= window <= 3650:
            self.fail(_line_of_value(top, "filing_window_days"), "'filing_window_days' must be between 1 and 3650")

        texts_node = self.mapping(
            top["outcome_texts"], "outcome_texts", _line_of_value(top, "outcome_texts"), required=OUTCOME_NAMES
        )
        outcome_texts = {}
        for name in OUTCOME_NAMES:
            node = self.mapping(
                texts_node[name],
                f"outcome_texts.{name}",
                _line_of_value(texts_node, name),
                required=("headline", "next_step"),
            )
            outcome_texts[name] = OutcomeText(
                headline=self.required_text(node, "headline", f"outcome_texts.{name}"),
                next_step=self.required_text(node, "next_step", f"outcome_texts.{name}"),
            )

        rules_node = top["rules"]
        if not isinstance(rules_node, list) or not rules_node:
            self.fail(_line_of_value(top, "rules"), "'rules' must be a non-empty list of rules")
        rules: list[Rule] = []
        for i, node in enumerate(rules_node):
            rules.append(self.rule(node, i, rules_node, rules, tz))
        return Policy(
            version=version,
            timezone=tz,
            filing_window_days=window,
            outcome_texts=_freeze(outcome_texts),
            rules=tuple(rules),
            source=self.path,
        )

    def rule(self, node: Any, index: int, seq: list, earlier: list[Rule], tz: str) -> Rule:
        line = _line_of_item(seq, index)
        where = f"rule {index + 1}"
        if isinstance(node, Mapping) and isinstance(node.get("id"), str):
            where = f"rule {index + 1} ('{node['id']}')"
        node = self.mapping(
            node,
            where,
            line,
            required=("id", "slot", "kind", "question"),
            optional=("topic", "options", "outcomes", "ask_when", "overrides"),
        )
        rule_id = node["id"]
        if not isinstance(rule_id, str) or not _ID_RE.match(rule_id):
            self.fail(
                _line_of_value(node, "id"),
                f"{where}: 'id' must be lower-case letters, digits and _ (starting with a letter), got {rule_id!r}",
            )
        if any(r.id == rule_id for r in earlier):
            self.fail(_line_of_value(node, "id"), f"{where}: duplicate rule id '{rule_id}'")
        where = f"rule '{rule_id}'"
        slot = node["slot"]
        if slot != f"elig_{rule_id}":
            self.fail(
                _line_of_value(node, "slot"), f"{where}: 'slot' must be 'elig_{rule_id}' (the Rasa slot), got {slot!r}"
            )
        kind = node["kind"]
        if kind not in KINDS:
            self.fail(_line_of_value(node, "kind"), f"{where}: unknown kind {kind!r} (use yes_no, choice or date)")
        question = self.required_text(node, "question", where)
        topic = self.text(node, "topic", where, limit=80, required=False) or rule_id.replace("_", " ")
        fields = DATE_FIELDS if kind == "date" else COMMON_FIELDS

        options: tuple[Option, ...] = ()
        if kind == "date":
            if "options" in node:
                self.fail(
                    _line_of_key(node, "options"),
                    f"{where}: a date rule has 'outcomes' ({', '.join(DATE_VALUES)}), not 'options'",
                )
            if "outcomes" not in node:
                self.fail(_line_of(node), f"{where}: missing 'outcomes' (in_window, out_of_window, unknown)")
            outcomes = self.outcome_map(
                node["outcomes"], where, _line_of_value(node, "outcomes"), fields, allowed=DATE_VALUES
            )
            for needed in ("in_window", "out_of_window"):
                if needed not in outcomes:
                    self.fail(_line_of_value(node, "outcomes"), f"{where}: missing outcome for '{needed}'")
        else:
            if "outcomes" in node:
                self.fail(
                    _line_of_key(node, "outcomes"),
                    f"{where}: put each answer's 'outcome' under its option; 'outcomes' is only for date rules",
                )
            if "options" not in node:
                self.fail(_line_of(node), f"{where}: missing 'options'")
            options = self.options(node["options"], where, _line_of_value(node, "options"), kind, fields)
            outcomes = {o.value: o.outcome for o in options}

        values_of = {r.id: r for r in earlier}
        ask_when = self.condition(node, "ask_when", where, values_of) if "ask_when" in node else {}
        overrides: list[Override] = []
        if "overrides" in node:
            items = node["overrides"]
            if not isinstance(items, list):
                self.fail(_line_of_value(node, "overrides"), f"{where}: 'overrides' must be a list")
            for j, item in enumerate(items):
                owhere = f"{where}, override {j + 1}"
                item = self.mapping(item, owhere, _line_of_item(items, j), required=("when", "outcomes"))
                when = self.condition(item, "when", owhere, values_of)
                allowed = tuple(outcomes)
                o = self.outcome_map(
                    item["outcomes"], owhere, _line_of_value(item, "outcomes"), fields, allowed=allowed
                )
                overrides.append(Override(when=_freeze(when), outcomes=_freeze(o)))

        return Rule(
            id=rule_id,
            slot=slot,
            kind=kind,
            question=question,
            topic=topic,
            options=options,
            outcomes=_freeze(outcomes),
            ask_when=_freeze(ask_when),
            overrides=tuple(overrides),
            timezone=tz,
            line=line,
        )

    def options(self, items: Any, where: str, line: Optional[int], kind: str, fields: frozenset) -> tuple[Option, ...]:
        if not isinstance(items, list) or not items:
            self.fail(line, f"{where}: 'options' must be a non-empty list")
        out: list[Option] = []
        for i, node in enumerate(items):
            oline = _line_of_item(items, i)
            node = self.mapping(
                node,
                f"{where}, option {i + 1}",
                oline,
                required=("value", "label"),
                optional=("outcome", "keywords", "intents", "numbers"),
            )
            value = node["value"]
            vline = _line_of_value(node, "value")
            if not isinstance(value, str):
                self.fail(
                    vline,
                    f"{where}, option {i + 1}: 'value' must be text, not {_type_name(value)} "
                    '(put it in quotes, e.g. "yes")',
                )
            if not _VALUE_RE.match(value):
                self.fail(vline, f"{where}: option value {value!r} must be lower-case letters, digits and _")
            if kind == "yes_no" and value not in YES_NO_VALUES:
                self.fail(vline, f"{where}: a yes_no rule's option values are yes, no and unknown, not {value!r}")
            if any(o.value == value for o in out):
                self.fail(vline, f"{where}: duplicate option value {value!r}")
            owhere = f"{where}, option '{value}'"
            label = self.required_text(node, "label", owhere, limit=MAX_LABEL, fields=frozenset())
            if "outcome" not in node:
                self.fail(oline, f"{owhere}: missing 'outcome' (result and reason for this answer)")
            outcome = self.outcome(node["outcome"], owhere, _line_of_value(node, "outcome"), fields)
            numbers = None
            if "numbers" in node:
                nums = node["numbers"]
                nline = _line_of_value(node, "numbers")
                if (
                    not isinstance(nums, list)
                    or len(nums) != 2
                    or any(isinstance(n, bool) or not isinstance(n, int) for n in nums)
                    or nums[0] > nums[1]
                ):
                    self.fail(nline, f"{owhere}: 'numbers' must be [lowest, highest], two whole numbers")
                numbers = (int(nums[0]), int(nums[1]))
            out.append(
                Option(
                    value=value,
                    label=label,
                    outcome=outcome,
                    keywords=self.string_list(node, "keywords", owhere),
                    intents=self.string_list(node, "intents", owhere, pattern=_INTENT_RE),
                    numbers=numbers,
                )
            )
        if kind == "yes_no":
            present = {o.value for o in out}
            for needed in ("yes", "no"):
                if needed not in present:
                    self.fail(line, f"{where}: a yes_no rule needs a '{needed}' option")
        return tuple(out)

    def outcome_map(
        self, node: Any, where: str, line: Optional[int], fields: frozenset, allowed: tuple[str, ...]
    ) -> dict[str, RuleOutcome]:
        if not isinstance(node, Mapping) or not node:
            self.fail(line, f"{where}: 'outcomes' must be a mapping of answer value to outcome")
        out = {}
        for key in node:
            if key not in allowed:
                self.fail(
                    _line_of_key(node, key),
                    f"{where}: unknown answer '{key}' in outcomes (allowed: {', '.join(allowed)})",
                )
            out[key] = self.outcome(node[key], f"{where}, outcome '{key}'", _line_of_value(node, key), fields)
        return out

    def outcome(self, node: Any, where: str, line: Optional[int], fields: frozenset) -> RuleOutcome:
        node = self.mapping(node, where, line, required=("result", "reason"), optional=("next_step",))
        result = node["result"]
        if result not in RESULTS:
            self.fail(
                _line_of_value(node, "result"),
                f"{where}: unknown result {result!r} (use pass, needs_staff_review or not_eligible)",
            )
        return RuleOutcome(
            result=result,
            reason=self.required_text(node, "reason", where, fields=fields),
            next_step=self.text(node, "next_step", where, fields=fields, required=False),
        )

    def condition(self, node: Mapping, key: str, where: str, earlier: dict[str, Rule]) -> dict[str, tuple[str, ...]]:
        cond = node[key]
        line = _line_of_value(node, key)
        if not isinstance(cond, Mapping) or not cond:
            self.fail(line, f"{where}: '{key}' must map an earlier rule id to an answer, e.g. {{involvement: self}}")
        out = {}
        for rule_id in cond:
            kline = _line_of_key(cond, rule_id)
            target = earlier.get(rule_id)
            if target is None:
                self.fail(kline, f"{where}: '{key}' refers to '{rule_id}', which is not an earlier rule")
            if target.kind == "date":
                self.fail(kline, f"{where}: '{key}' cannot depend on the date rule '{rule_id}'")
            values = cond[rule_id]
            values = list(values) if isinstance(values, list) else [values]
            for value in values:
                if not isinstance(value, str) or value not in target.outcomes:
                    self.fail(
                        kline,
                        f"{where}: '{key}': {value!r} is not an answer of '{rule_id}' "
                        f"(answers: {', '.join(target.outcomes)})",
                    )
            out[rule_id] = tuple(values)
        return out


__all__ = [
    "Policy",
    "Rule",
    "Option",
    "RuleOutcome",
    "OutcomeText",
    "Override",
    "PolicyError",
    "load_policy",
    "current_policy",
    "default_policy_path",
    "PACKAGED_POLICY",
    "RESULTS",
    "KINDS",
    "UNKNOWN",
]
