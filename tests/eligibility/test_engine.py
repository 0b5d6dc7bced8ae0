"""The eligibility engine on the packaged policy: every rule and answer, the window boundaries, time zones,
unknown answers, asking order, interpretation of replies and the outcome messages."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.conversation.catalogue import catalogue
from bot.eligibility import (
    LIKELY,
    NOT_ELIGIBLE,
    PASS,
    REVIEW,
    buttons_for,
    evaluate,
    extract_answers,
    format_outcome,
    interpret_answer,
    load_policy,
    questions_to_ask,
)
from bot.eligibility.engine import Outcome, Reason
from bot.eligibility.policy import PACKAGED_POLICY
from tests.support.speech import text as said

TODAY = date(2026, 11, 27)  # a Friday
NOW = datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)  # 10:00 in Chicago

CAT = catalogue()


@pytest.fixture(scope="module")
def policy():
    return load_policy(PACKAGED_POLICY)


def days_ago(n: int, today: date = TODAY) -> str:
    return (today - timedelta(days=n)).isoformat()


ALL_PASS = {
    "elig_department_member": "yes",
    "elig_involvement": "self",
    "elig_complaint_filed": "filed",
    "elig_incident_date": days_ago(12),
    "elig_injury": "no",
    "elig_criminal_allegation": "no",
    "elig_pending_case": "no",
    "elig_age": "adult",
    "elig_good_faith": "yes",
}

# (rule, answer) -> the result that answer gives. Written out by hand from the issue and the research notes,
# NOT read from policy.yml, so a wrong edit to the policy fails here.
EXPECTED = {
    ("department_member", "yes"): PASS,
    ("department_member", "no"): NOT_ELIGIBLE,
    ("department_member", "unknown"): REVIEW,
    ("involvement", "self"): PASS,
    ("involvement", "guardian"): PASS,
    ("involvement", "third_party"): NOT_ELIGIBLE,
    ("complaint_filed", "filed"): PASS,
    ("complaint_filed", "will_file"): PASS,
    ("complaint_filed", "no"): REVIEW,
    ("complaint_filed", "unknown"): REVIEW,
    ("incident_date", "in_window"): PASS,
    ("incident_date", "out_of_window"): NOT_ELIGIBLE,
    ("incident_date", "unknown"): REVIEW,
    ("injury", "no"): PASS,
    ("injury", "yes"): REVIEW,
    ("injury", "unknown"): REVIEW,
    ("criminal_allegation", "no"): PASS,
    ("criminal_allegation", "yes"): NOT_ELIGIBLE,
    ("criminal_allegation", "unknown"): REVIEW,
    ("pending_case", "no"): PASS,
    ("pending_case", "yes"): REVIEW,
    ("pending_case", "unknown"): REVIEW,
    ("age", "adult"): PASS,
    ("age", "minor_with_guardian"): PASS,
    ("age", "minor_alone"): REVIEW,
    ("good_faith", "yes"): PASS,
    ("good_faith", "no"): NOT_ELIGIBLE,
    ("good_faith", "unknown"): REVIEW,
}
OVERALL = {PASS: LIKELY, REVIEW: REVIEW, NOT_ELIGIBLE: NOT_ELIGIBLE}
STORED = {"in_window": days_ago(12), "out_of_window": days_ago(200)}


def test_every_answer_in_the_policy_has_an_expectation(policy):
    in_policy = {(r.id, v) for r in policy.rules for v in r.answer_values}
    assert in_policy == set(EXPECTED)


@pytest.mark.parametrize("rule_id, answer", sorted(EXPECTED), ids=[f"{r}={a}" for r, a in sorted(EXPECTED)])
def test_each_answer_alone(policy, rule_id, answer):
    answers = dict(ALL_PASS)
    answers[f"elig_{rule_id}"] = STORED.get(answer, answer)
    if rule_id == "incident_date":  # with a complaint already filed an old date is an override (tested below)
        answers["elig_complaint_filed"] = "will_file"
    outcome = evaluate(policy, answers, today=TODAY)
    expected = EXPECTED[(rule_id, answer)]
    reason = next(r for r in outcome.reasons if r.rule_id == rule_id)
    assert reason.result == expected
    assert said(reason.text) and len(said(reason.text)) <= 320
    assert outcome.result == OVERALL[expected]
    others = [r for r in outcome.reasons if r.rule_id != rule_id]
    assert all(r.result == PASS for r in others)
    if expected != PASS:
        assert said(reason.text) not in " ".join(said(r.text) for r in others)


def test_worst_result_wins(policy):
    answers = dict(ALL_PASS, elig_injury="yes", elig_criminal_allegation="yes", elig_good_faith="unknown")
    outcome = evaluate(policy, answers, today=TODAY)
    assert outcome.result == NOT_ELIGIBLE
    assert {r.rule_id: r.result for r in outcome.reasons if r.result != PASS} == {
        "injury": REVIEW,
        "criminal_allegation": NOT_ELIGIBLE,
        "good_faith": REVIEW,
    }


def test_all_pass_is_likely_eligible_with_the_date_reason(policy):
    outcome = evaluate(policy, ALL_PASS, today=TODAY)
    assert outcome.result == LIKELY
    assert [r.rule_id for r in outcome.reasons] == [r.id for r in policy.rules]
    texts = [said(r.text) for r in outcome.reasons]
    assert "It happened 12 days ago, inside the 90-day window." in texts
    assert said(outcome.headline) == policy.outcome_texts[LIKELY].headline
    assert said(outcome.next_steps[-1]) == policy.outcome_texts[LIKELY].next_step


# --- the filing window -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "days, expected, text",
    [
        (0, PASS, "It happened today, inside the 90-day window."),
        (1, PASS, "It happened yesterday, inside the 90-day window."),
        (89, PASS, "It happened 89 days ago, inside the 90-day window."),
        (90, PASS, "It happened 90 days ago, inside the 90-day window."),
        (91, NOT_ELIGIBLE, "It happened 91 days ago."),
        (400, NOT_ELIGIBLE, "It happened 400 days ago."),
    ],
)
def test_day_90_is_in_and_day_91_is_out(policy, days, expected, text):
    answers = dict(ALL_PASS, elig_complaint_filed="will_file", elig_incident_date=days_ago(days))
    outcome = evaluate(policy, answers, today=TODAY)
    reason = next(r for r in outcome.reasons if r.rule_id == "incident_date")
    assert reason.result == expected
    assert said(reason.text).startswith(text)
    if expected == NOT_ELIGIBLE:
        assert "90 days" in said(reason.text) and "(816) 889-6646" in said(reason.next_step)


def test_an_old_incident_with_a_complaint_already_filed_goes_to_staff(policy):
    answers = dict(ALL_PASS, elig_complaint_filed="filed", elig_incident_date=days_ago(120))
    outcome = evaluate(policy, answers, today=TODAY)
    reason = next(r for r in outcome.reasons if r.rule_id == "incident_date")
    assert (outcome.result, reason.result) == (REVIEW, REVIEW)
    assert "already filed" in said(reason.text)


@pytest.mark.parametrize(
    "now, expected",
    [
        # 03:00 UTC on the 28th is still 21:00 on the 27th in Chicago: day 90, inside
        (datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc), PASS),
        (datetime(2026, 11, 28, 5, 59, tzinfo=timezone.utc), PASS),
        # 06:00 UTC is midnight in Chicago (CST): now it is day 91
        (datetime(2026, 11, 28, 6, 0, tzinfo=timezone.utc), NOT_ELIGIBLE),
        (datetime(2026, 11, 27, 23, 0, tzinfo=timezone.utc), PASS),
    ],
)
def test_midnight_in_chicago_not_utc_decides_the_day(policy, now, expected):
    incident = date(2026, 11, 27) - timedelta(days=90)
    answers = dict(ALL_PASS, elig_complaint_filed="will_file", elig_incident_date=incident.isoformat())
    outcome = evaluate(policy, answers, now=now)
    assert next(r for r in outcome.reasons if r.rule_id == "incident_date").result == expected


def test_the_utc_day_would_have_given_the_wrong_answer(policy):
    incident = date(2026, 11, 27) - timedelta(days=90)
    answers = dict(ALL_PASS, elig_complaint_filed="will_file", elig_incident_date=incident.isoformat())
    evening = datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc)  # 21:00 on the 27th in Chicago
    assert evaluate(policy, answers, now=evening).result == LIKELY
    assert evaluate(policy, answers, today=evening.date()).result == NOT_ELIGIBLE  # the UTC date: day 91


def test_summer_time_midnight(policy):
    incident = date(2026, 6, 30) - timedelta(days=90)
    answers = dict(ALL_PASS, elig_complaint_filed="will_file", elig_incident_date=incident.isoformat())
    before = evaluate(policy, answers, now=datetime(2026, 7, 1, 4, 59, tzinfo=timezone.utc))  # 23:59 CDT
    after = evaluate(policy, answers, now=datetime(2026, 7, 1, 5, 0, tzinfo=timezone.utc))  # 00:00 CDT
    assert (before.result, after.result) == (LIKELY, NOT_ELIGIBLE)


def test_window_of_60_days_in_a_copied_policy_changes_the_outcome(policy, tmp_path):
    text = PACKAGED_POLICY.read_text()
    assert "filing_window_days: 90" in text
    copy = tmp_path / "policy.yml"
    copy.write_text(text.replace("filing_window_days: 90", "filing_window_days: 60"))
    sixty = load_policy(copy)
    answers = dict(ALL_PASS, elig_complaint_filed="will_file", elig_incident_date=days_ago(75))
    assert evaluate(policy, answers, today=TODAY).result == LIKELY
    changed = evaluate(sixty, answers, today=TODAY)
    assert changed.result == NOT_ELIGIBLE
    assert "within 60 days" in next(said(r.text) for r in changed.reasons if r.rule_id == "incident_date")
    for days, result in ((60, LIKELY), (61, NOT_ELIGIBLE)):
        answers["elig_incident_date"] = days_ago(days)
        assert evaluate(sixty, answers, today=TODAY).result == result


# --- unknowns and odd stored values -----------------------------------------------------------------


@pytest.mark.parametrize(
    "slot, value",
    [
        ("elig_involvement", "alien"),
        ("elig_injury", "maybe"),
        ("elig_incident_date", "someday"),
        ("elig_incident_date", days_ago(-3)),  # a future date should never be stored
        ("elig_age", "  "),  # blank counts as unanswered
    ],
)
def test_unusable_stored_answers_go_to_staff_never_crash(policy, slot, value):
    answers = dict(ALL_PASS, **{slot: value})
    outcome = evaluate(policy, answers, today=TODAY)
    assert outcome.result == REVIEW
    reason = next(r for r in outcome.reasons if r.rule_id == slot[5:])
    assert reason.result == REVIEW and "OCC staff" in said(reason.text)


def test_all_unknown(policy):
    answers = {slot: "unknown" for slot in policy.slots}
    answers["elig_involvement"] = "self"
    answers["elig_age"] = "adult"
    outcome = evaluate(policy, answers, today=TODAY)
    assert outcome.result == REVIEW
    assert all(r.result == REVIEW for r in outcome.reasons if r.rule_id not in ("involvement", "age"))
    assert all(len(m) <= 320 for m in format_outcome(outcome, CAT))


def test_answers_may_be_keyed_by_rule_id(policy):
    by_id = {slot[5:]: value for slot, value in ALL_PASS.items()}
    assert evaluate(policy, by_id, today=TODAY).result == LIKELY


def test_a_check_cut_short_is_not_likely_eligible(policy):
    answers = {k: v for k, v in ALL_PASS.items() if k != "elig_good_faith"}
    outcome = evaluate(policy, answers, today=TODAY)
    assert outcome.result == REVIEW
    assert any(r.rule_id == "good_faith" and "didn't get an answer" in said(r.text) for r in outcome.reasons)


# --- what to ask ---------------------------------------------------------------------------------------


def test_questions_in_order_and_age_only_for_self(policy):
    assert [r.id for r in questions_to_ask(policy, {}, today=TODAY)] == [
        "department_member",
        "involvement",
        "complaint_filed",
        "incident_date",
        "injury",
        "criminal_allegation",
        "pending_case",
        "good_faith",
    ]
    asked = [r.id for r in questions_to_ask(policy, {"elig_involvement": "self"}, today=TODAY)]
    assert "age" in asked and asked.index("age") == asked.index("pending_case") + 1
    asked = [r.id for r in questions_to_ask(policy, {"elig_involvement": "guardian"}, today=TODAY)]
    assert "age" not in asked


def test_guardian_skips_age_and_ignores_a_stale_age_answer(policy):
    answers = dict(ALL_PASS, elig_involvement="guardian", elig_age="minor_alone")
    outcome = evaluate(policy, answers, today=TODAY)
    assert outcome.result == LIKELY
    assert "age" not in [r.rule_id for r in outcome.reasons]


def test_a_date_already_known_is_not_asked(policy):
    known = extract_answers(policy, "can i get mediation for a traffic stop last friday", now=NOW)
    assert known == {"elig_incident_date": "2026-11-20"}
    assert "incident_date" not in [r.id for r in questions_to_ask(policy, known, now=NOW)]


@pytest.mark.parametrize(
    "text",
    ["am i eligible", "it will happen next friday", "", None, "i was stopped 🙂"],
)
def test_nothing_is_extracted_without_a_past_date(policy, text):
    assert extract_answers(policy, text, now=NOW) == {}


@pytest.mark.parametrize(
    "answers, remaining",
    [
        ({"elig_department_member": "no"}, []),
        ({"elig_department_member": "yes", "elig_involvement": "third_party"}, []),
        ({"elig_department_member": "unknown"}, ["involvement", "complaint_filed"]),
        (
            {
                "elig_department_member": "yes",
                "elig_involvement": "self",
                "elig_complaint_filed": "no",
                "elig_incident_date": days_ago(91),
            },
            [],
        ),
        (
            {
                "elig_department_member": "yes",
                "elig_involvement": "self",
                "elig_complaint_filed": "filed",
                "elig_incident_date": days_ago(91),
            },
            ["injury", "criminal_allegation"],
        ),
        (dict(ALL_PASS), []),
    ],
)
def test_asking_stops_once_not_eligible_is_known(policy, answers, remaining):
    asked = [r.id for r in questions_to_ask(policy, answers, today=TODAY)]
    assert asked[: len(remaining)] == remaining
    if not remaining:
        assert asked == []


def test_an_old_prefilled_date_does_not_stop_before_asking_about_the_complaint(policy):
    answers = {"elig_incident_date": days_ago(120)}
    assert [r.id for r in questions_to_ask(policy, answers, today=TODAY)][:3] == [
        "department_member",
        "involvement",
        "complaint_filed",
    ]
    answers.update(elig_department_member="yes", elig_involvement="self", elig_complaint_filed="will_file")
    assert questions_to_ask(policy, answers, today=TODAY) == []
    answers["elig_complaint_filed"] = "filed"
    assert questions_to_ask(policy, answers, today=TODAY)[0].id == "injury"


def test_outcome_after_an_early_stop_lists_only_what_was_asked(policy):
    outcome = evaluate(policy, {"elig_department_member": "no"}, today=TODAY)
    assert outcome.result == NOT_ELIGIBLE
    assert [r.rule_id for r in outcome.reasons] == ["department_member"]
    assert "KCPD" in said(outcome.reasons[0].text) and outcome.reasons[0].next_step


# --- interpreting replies ----------------------------------------------------------------------------


def _rule(policy, rule_id):
    return policy.rule(rule_id)


CHOOSE = '/choose{{"choice":"{}"}}'.format

INTERPRET = [
    # rule, text, intent, entities, expected value (None = re-ask)
    ("department_member", "yeah", None, None, "yes"),
    ("department_member", "nope it was a sheriff", None, None, "no"),
    ("department_member", "not sure", None, None, "unknown"),
    ("department_member", "hmm", "dont_know", None, "unknown"),
    ("department_member", "whatever", "affirm", None, "yes"),
    ("department_member", CHOOSE("no"), "choose", [{"entity": "choice", "value": "no"}], "no"),
    ("department_member", CHOOSE("unknown"), None, None, "unknown"),
    ("department_member", "1", None, None, "yes"),
    ("department_member", "3", None, None, "unknown"),
    ("department_member", "banana", None, None, None),
    ("department_member", "🙂", None, None, None),
    ("department_member", "", None, None, None),
    ("involvement", "it was me", None, None, "self"),
    ("involvement", "It was me", None, None, "self"),
    ("involvement", "my son was stopped", None, None, "guardian"),
    ("involvement", "i saw it happen to my neighbor", None, None, "third_party"),
    ("involvement", "2", None, None, "guardian"),
    ("involvement", "x", "choose", [{"entity": "choice", "value": "third_party"}], "third_party"),
    ("involvement", "purple", None, None, None),
    ("complaint_filed", "yes i filed last week", None, None, "filed"),
    ("complaint_filed", "not yet but i will", None, None, "will_file"),
    ("complaint_filed", "i haven't yet", None, None, "will_file"),
    ("complaint_filed", "no", None, None, "no"),
    ("complaint_filed", "nah", "deny", None, "no"),
    ("complaint_filed", "yep", "affirm", None, "filed"),
    ("complaint_filed", "idk", None, None, "unknown"),
    ("complaint_filed", "hmm", "dont_know", None, "unknown"),
    ("complaint_filed", "Not yet, but I will", None, None, "will_file"),
    ("age", "i'm 34", None, None, "adult"),
    ("age", "17", None, None, "adult"),
    ("age", "15 and my mom is coming", None, None, "minor_with_guardian"),
    ("age", "16, by myself", None, None, "minor_alone"),
    ("age", "15", None, None, None),
    ("age", "17 or older", None, None, "adult"),
    ("age", "Under 17 with a parent", None, None, "minor_with_guardian"),
    ("incident_date", "3 weeks ago", None, None, "2026-11-06"),
    ("incident_date", "it happened last friday at a traffic stop", None, None, "2026-11-20"),
    ("incident_date", "Oct 3rd", None, None, "2026-10-03"),
    ("incident_date", "10/3", None, None, "2026-10-03"),
    ("incident_date", "i don't know", None, None, "unknown"),
    ("incident_date", "hmm", "dont_know", None, "unknown"),
    ("incident_date", CHOOSE("unknown"), "choose", [{"entity": "choice", "value": "unknown"}], "unknown"),
    ("incident_date", "tomorrow", None, None, None),
    ("incident_date", "blah", None, None, None),
    ("good_faith", "yes of course", None, None, "yes"),
    ("good_faith", "maybe", None, None, "unknown"),
]


@pytest.mark.parametrize(
    "rule_id, text, intent, entities, expected", INTERPRET, ids=[f"{c[0]}:{c[1] or c[2]}" for c in INTERPRET]
)
def test_interpret_answer(policy, rule_id, text, intent, entities, expected):
    rule = _rule(policy, rule_id)
    result = interpret_answer(rule, text, intent=intent, entities=entities, now=NOW)
    assert result.value == expected
    if expected is None:
        assert said(result.error) and len(said(result.error)) <= 320
        assert not result.ok
    else:
        assert result.error is None and result.ok
        assert expected in rule.answer_values or rule.kind == "date"


def test_reask_messages_are_specific(policy):
    assert said(interpret_answer(_rule(policy, "injury"), "purple").error) == (
        "Sorry, I didn't catch that. Please answer yes, no or not sure."
    )
    error = said(interpret_answer(_rule(policy, "involvement"), "purple").error)
    assert '"It was me"' in error and '"Someone else"' in error
    future = said(interpret_answer(_rule(policy, "incident_date"), "next friday", now=NOW).error)
    assert "future" in future and "'last Friday' or '10/3'" in future
    nonsense = said(interpret_answer(_rule(policy, "incident_date"), "blah", now=NOW).error)
    assert "'last Friday' or '10/3'" in nonsense


def test_interpreted_dates_are_judged_in_chicago(policy):
    rule = _rule(policy, "incident_date")
    late = datetime(2026, 11, 28, 5, 30, tzinfo=timezone.utc)  # 23:30 on the 27th in Chicago
    assert interpret_answer(rule, "yesterday", now=late).value == "2026-11-26"


def test_buttons(policy):
    assert buttons_for(_rule(policy, "injury")) == [
        {"title": "Yes", "payload": '/choose{"choice":"yes"}'},
        {"title": "No", "payload": '/choose{"choice":"no"}'},
        {"title": "Not sure", "payload": '/choose{"choice":"unknown"}'},
    ]
    assert [b["title"] for b in buttons_for(_rule(policy, "involvement"))] == [
        "It was me",
        "My child (under 17)",
        "Someone else",
    ]
    [not_sure] = buttons_for(_rule(policy, "incident_date"))
    assert (said(not_sure["title"]), not_sure["payload"]) == ("Not sure", '/choose{"choice":"unknown"}')
    for rule in policy.rules:  # every button's payload is understood by interpret_answer
        for button in buttons_for(rule):
            value = button["payload"].split('"')[3]
            assert interpret_answer(rule, button["payload"], now=NOW).value == value


# --- messages -----------------------------------------------------------------------------------------


def test_formatted_outcomes_fit_in_sms_sized_messages(policy):
    # every single deviation from all-pass, plus pairs of non-pass answers
    variants = [dict(ALL_PASS)]
    deviations = [(r, a) for (r, a), res in EXPECTED.items() if res != PASS]
    for (r1, a1), (r2, a2) in itertools.combinations(deviations, 2):
        answers = dict(ALL_PASS)
        answers[f"elig_{r1}"] = STORED.get(a1, a1)
        answers[f"elig_{r2}"] = STORED.get(a2, a2)
        variants.append(answers)
    seen = set()
    for answers in variants:
        outcome = evaluate(policy, answers, today=TODAY)
        seen.add(outcome.result)
        messages = format_outcome(outcome, CAT)
        assert messages and all(0 < len(m) <= 320 for m in messages)
        assert messages[0] == said(outcome.headline)
        joined = "\n".join(messages)
        for reason in outcome.reasons:
            if outcome.result == LIKELY or reason.result != PASS:
                assert said(reason.text) in joined
    assert seen == {LIKELY, REVIEW, NOT_ELIGIBLE}


def test_format_likely_eligible(policy):
    messages = format_outcome(evaluate(policy, dict(ALL_PASS), today=TODAY), CAT)
    joined = "\n".join(messages)
    assert "OCC makes the decision" in joined and "everyone involved agrees" in joined
    assert "inside the 90-day window" in joined
    assert "start a mediation request" in messages[-1]


def test_format_not_eligible_offers_the_alternatives_without_judgement(policy):
    outcome = evaluate(policy, dict(ALL_PASS, elig_criminal_allegation="yes"), today=TODAY)
    messages = format_outcome(outcome, CAT)
    joined = "\n".join(messages)
    assert "investigation" in joined and "(816) 889-6646" in joined
    assert "You're not saying" not in joined  # passing answers are not repeated for a "no"
    assert said(outcome.next_steps[-1]) == policy.outcome_texts[NOT_ELIGIBLE].next_step


def test_format_splits_long_content():
    reasons = [Reason(f"r{i}", REVIEW, "word " * 60) for i in range(5)]
    outcome = Outcome(REVIEW, reasons, "Headline " * 50, ["Step " * 70])
    messages = format_outcome(outcome, CAT)
    assert all(len(m) <= 320 for m in messages)
    assert "".join(messages).count("word") == 300


def test_records_for_the_database(policy):
    records = evaluate(policy, dict(ALL_PASS, elig_injury="yes"), today=TODAY).as_records(CAT)
    assert records[4] == {
        "rule": "injury",
        "result": REVIEW,
        "reason": next(o.outcome.reason for o in policy.rule("injury").options if o.value == "yes"),
    }
    assert set(records[0]) == {"rule", "result", "reason"}
