"""The eligibility policy file: the packaged one is sound, and every kind of mistake names file and line."""

from __future__ import annotations

import os
import textwrap
import time

import pytest

from bot.eligibility.policy import PACKAGED_POLICY, PolicyError, current_policy, load_policy
from bot.settings import Settings

# A small, valid policy. Each bad variant below changes it and marks the line the error must name with "#!".
GOOD = textwrap.dedent(
    """\
    version: 1
    timezone: America/Chicago
    filing_window_days: 90
    outcome_texts:
      likely_eligible:
        headline: Looks possible. OCC decides and everyone must agree.
        next_step: I can help you start a request.
      needs_staff_review:
        headline: Staff need to look.
        next_step: Call OCC at (816) 889-6646.
      not_eligible:
        headline: Probably not mediation.
        next_step: File a complaint for investigation.
    rules:
      - id: member
        slot: elig_member
        kind: yes_no
        question: Was it a KCPD member?
        options:
          - value: "yes"
            label: "Yes"
            outcome:
              result: pass
              reason: It was a KCPD member.
          - value: "no"
            label: "No"
            outcome:
              result: not_eligible
              reason: OCC handles KCPD only.
      - id: who
        slot: elig_who
        kind: choice
        question: Who was involved?
        options:
          - value: self
            label: Me
            keywords: [me]
            outcome:
              result: pass
              reason: You were involved.
          - value: other
            label: Someone else
            outcome:
              result: not_eligible
              reason: Only the people involved can mediate.
      - id: when
        slot: elig_when
        kind: date
        question: When did it happen?
        ask_when: {who: self}
        outcomes:
          in_window:
            result: pass
            reason: It happened {ago}, inside the {window}-day window.
          out_of_window:
            result: not_eligible
            reason: It happened {ago}.
          unknown:
            result: needs_staff_review
            reason: Date unknown.
    """
)


def _replace(old: str, new: str, count: int = 1):
    def apply(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)

    return apply


def _append(extra: str):
    return lambda text: text + textwrap.dedent(extra)


def _delete_line(line: str):
    def apply(text: str) -> str:
        lines = text.splitlines(keepends=True)
        index = next(i for i, text_line in enumerate(lines) if text_line.strip() == line)
        return "".join(lines[:index] + lines[index + 1 :])

    return apply


BAD = [
    # (id, mutation, words that must be in the message)
    ("unknown-top-key", _append("colour: blue  #!\n"), ["unknown key 'colour'"]),
    (
        "unknown-rule-key",
        _replace("    question: Who was involved?", "    questoin: Who?  #!\n    question: Who was involved?"),
        ["unknown key 'questoin'"],
    ),
    (
        "unknown-option-key",
        _replace("        keywords: [me]", "        keywords: [me]\n        colour: red  #!"),
        ["unknown key 'colour'"],
    ),
    (
        "unknown-outcome-key",
        _replace("        reason: Date unknown.", "        reason: Date unknown.\n        nextstep: x  #!"),
        ["unknown key 'nextstep'"],
    ),
    (
        "window-not-a-number",
        _replace("filing_window_days: 90", "filing_window_days: ninety  #!"),
        ["filing_window_days", "whole number"],
    ),
    ("window-zero", _replace("filing_window_days: 90", "filing_window_days: 0  #!"), ["between 1 and 3650"]),
    ("window-decimal", _replace("filing_window_days: 90", "filing_window_days: 90.5  #!"), ["whole number"]),
    (
        "question-is-a-list",
        _replace("    question: Was it a KCPD member?", "    question: [a, b]  #!"),
        ["'question' must be text"],
    ),
    ("value-is-a-boolean", _replace('      - value: "yes"', "      - value: true  #!"), ["'value' must be text"]),
    (
        "keywords-not-a-list",
        _replace("        keywords: [me]", "        keywords: me  #!"),
        ["'keywords' must be a list"],
    ),
    ("bad-timezone", _replace("timezone: America/Chicago", "timezone: Mars/Olympus  #!"), ["not a known time zone"]),
    ("rules-not-a-list", lambda t: t.split("rules:")[0] + "rules: nothing  #!\n", ["'rules' must be a non-empty list"]),
    (
        "missing-next-step-text",
        _replace("    next_step: Call OCC at (816) 889-6646.\n", ""),
        ["outcome_texts.needs_staff_review: missing 'next_step'"],
    ),
    (
        "missing-outcome-texts",
        _replace(
            "  not_eligible:\n    headline: Probably not mediation.\n    next_step: File a complaint for investigation.\n",
            "",
        ),
        ["outcome_texts: missing 'not_eligible'"],
    ),
    ("missing-reason", _delete_line("reason: You were involved."), ["missing 'reason'"]),
    ("missing-question", _delete_line("question: Who was involved?"), ["rule 2 ('who'): missing 'question'"]),
    ("empty-reason", _replace("reason: Date unknown.", 'reason: ""  #!'), ["'reason' is empty"]),
    ("reason-too-long", _replace("reason: Date unknown.", "reason: " + "x" * 321 + "  #!"), ["321 characters", "320"]),
    ("unknown-result", _replace("result: needs_staff_review", "result: maybe  #!"), ["unknown result 'maybe'"]),
    ("unknown-kind", _replace("kind: choice", "kind: multiple  #!"), ["unknown kind 'multiple'"]),
    (
        "duplicate-id",
        _replace("  - id: who\n    slot: elig_who", "  - id: member  #!\n    slot: elig_member"),
        ["duplicate rule id 'member'"],
    ),
    ("bad-slot", _replace("slot: elig_who", "slot: who_slot  #!"), ["'slot' must be 'elig_who'"]),
    (
        "duplicate-option",
        _replace("      - value: other", "      - value: self  #!"),
        ["duplicate option value 'self'"],
    ),
    (
        "missing-outcome-for-option",
        _replace(
            "      - value: other\n        label: Someone else\n        outcome:\n          result: not_eligible\n"
            "          reason: Only the people involved can mediate.\n",
            "      - value: other  #!\n        label: Someone else\n",
        ),
        ["option 'other': missing 'outcome'"],
    ),
    (
        "yes-no-without-no",
        _replace(
            '      - value: "no"\n        label: "No"\n        outcome:\n          result: not_eligible\n'
            "          reason: OCC handles KCPD only.\n",
            "",
        ),
        ["needs a 'no' option"],
    ),
    (
        "yes-no-odd-value",
        _replace('      - value: "no"', '      - value: "perhaps"  #!'),
        ["yes_no rule's option values are yes, no and unknown"],
    ),
    (
        "date-missing-out-of-window",
        _replace("      out_of_window:\n        result: not_eligible\n        reason: It happened {ago}.\n", ""),
        ["missing outcome for 'out_of_window'"],
    ),
    ("date-unknown-answer", _replace("      unknown:\n", "      someday:  #!\n"), ["unknown answer 'someday'"]),
    (
        "bad-placeholder",
        _replace("reason: It happened {ago}.", "reason: It happened {when_it_was}.  #!"),
        ["{when_it_was}", "not available"],
    ),
    (
        "date-placeholder-outside-date-rule",
        _replace("reason: You were involved.", "reason: You were involved {ago}.  #!"),
        ["{ago}"],
    ),
    ("unbalanced-brace", _replace("reason: Date unknown.", "reason: Date { unknown.  #!"), ["unmatched"]),
    (
        "ask-when-unknown-rule",
        _replace("    ask_when: {who: self}", "    ask_when: {whom: self}  #!"),
        ["'whom', which is not an earlier rule"],
    ),
    (
        "ask-when-unknown-value",
        _replace("    ask_when: {who: self}", "    ask_when: {who: alien}  #!"),
        ["'alien' is not an answer of 'who'"],
    ),
    (
        "options-on-date-rule",
        _replace("    ask_when: {who: self}", "    ask_when: {who: self}\n    options: []  #!"),
        ["a date rule has 'outcomes'"],
    ),
    (
        "yaml-syntax",
        _replace("    question: Who was involved?", "    question: Who: was involved?  #!"),
        ["not valid YAML"],
    ),
    ("yaml-duplicate-key", _replace("version: 1", "version: 1\nversion: 2  #!"), ["not valid YAML", "duplicate key"]),
]


def _expected_line(text: str) -> int:
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line.rstrip().endswith("#!")]
    assert len(lines) == 1, "mark exactly one line with #!"
    return lines[0]


def test_the_small_good_policy_loads(tmp_path):
    path = tmp_path / "policy.yml"
    path.write_text(GOOD)
    policy = load_policy(path)
    assert [r.id for r in policy.rules] == ["member", "who", "when"]
    assert policy.rule("when").ask_when == {"who": ("self",)}


@pytest.mark.parametrize("case, mutate, words", BAD, ids=[b[0] for b in BAD])
def test_policy_errors_name_the_file_and_the_line(tmp_path, case, mutate, words):
    text = mutate(GOOD)
    path = tmp_path / f"bad-{case}.yml"
    path.write_text(text)
    if "#!" in text:
        line = _expected_line(text)
    else:  # a missing key is reported at the start of the mapping that should hold it
        line = None
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert str(path) in message
    assert caught.value.path == str(path)
    if line is not None:
        assert f"line {line}:" in message, message
        assert caught.value.line == line
    else:
        assert caught.value.line is not None and f"line {caught.value.line}:" in message
    for word in words:
        assert word in message, message


@pytest.mark.parametrize(
    "case, mutate, line",
    [
        ("missing-next-step-text", _replace("    next_step: Call OCC at (816) 889-6646.\n", ""), 9),
        ("missing-reason", _delete_line("reason: You were involved."), 39),
        ("missing-question", _delete_line("question: Who was involved?"), 30),
        (
            "missing-outcome-texts",
            _replace(
                "  not_eligible:\n    headline: Probably not mediation.\n    next_step: File a complaint for investigation.\n",
                "",
            ),
            5,
        ),
    ],
)
def test_missing_keys_point_at_the_mapping_that_lacks_them(tmp_path, case, mutate, line):
    text = mutate(GOOD)
    path = tmp_path / "policy.yml"
    path.write_text(text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.line == line, str(caught.value)
    # the named line really is where the incomplete mapping starts
    assert text.splitlines()[line - 1].strip()


@pytest.mark.parametrize(
    "content, words, line",
    [
        ("", "the file is empty", 1),
        ("- just\n- a list\n", "must be a mapping", 1),
        ("version: 1\n", "missing 'timezone'", 1),
    ],
)
def test_degenerate_files(tmp_path, content, words, line):
    path = tmp_path / "policy.yml"
    path.write_text(content)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert str(path) in str(caught.value) and words in str(caught.value)
    assert caught.value.line == line


def test_missing_file_names_the_file(tmp_path):
    path = tmp_path / "nowhere.yml"
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert str(path) in str(caught.value) and "not found" in str(caught.value)


def test_packaged_policy_is_sound():
    policy = load_policy(PACKAGED_POLICY)
    assert policy.timezone == "America/Chicago"
    assert policy.filing_window_days == 90
    assert [r.id for r in policy.rules] == [
        "department_member",
        "involvement",
        "complaint_filed",
        "incident_date",
        "injury",
        "criminal_allegation",
        "pending_case",
        "age",
        "good_faith",
    ]
    for rule in policy.rules:
        assert rule.slot == f"elig_{rule.id}"
        assert 0 < len(rule.question) <= 320
        if rule.kind == "yes_no":
            assert [o.value for o in rule.options] and {o.value for o in rule.options} == {"yes", "no", "unknown"}
            assert {o.label for o in rule.options} == {"Yes", "No", "Not sure"}
    texts = policy.outcome_texts
    assert "OCC" in texts["likely_eligible"].headline and "agree" in texts["likely_eligible"].headline
    for name in ("needs_staff_review", "not_eligible"):
        assert "(816) 889-6646" in texts[name].next_step
        assert "complaint for investigation" in texts[name].next_step
    assert policy.rule("age").ask_when == {"involvement": ("self",)}


def test_env_var_selects_the_policy_file(tmp_path):
    path = tmp_path / "custom.yml"
    path.write_text(GOOD.replace("filing_window_days: 90", "filing_window_days: 45"))
    settings = Settings.from_env({"MEDIATION_POLICY_FILE": str(path), "MEDIATION_VAR_DIR": str(tmp_path)})
    assert load_policy(settings.policy_file).filing_window_days == 45
    assert load_policy(settings.policy_file).source == str(path)
    assert Settings.from_env({"MEDIATION_VAR_DIR": str(tmp_path)}).policy_file is None
    assert load_policy().filing_window_days == 90


def test_current_policy_reloads_when_the_file_changes(tmp_path):
    path = tmp_path / "policy.yml"
    path.write_text(GOOD)
    first = current_policy(path)
    assert current_policy(path) is first
    path.write_text(GOOD.replace("filing_window_days: 90", "filing_window_days: 60"))
    later = time.time() + 5
    os.utime(path, (later, later))
    assert current_policy(path).filing_window_days == 60
