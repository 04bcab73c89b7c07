"""Deciding (outcome and missing answers, no reasons) agrees exactly with evaluate().

Questioning decides every programme, gate and `implied` condition at each step through rules compiled
once per manual (rules.compile_decider, Manual.decider); evaluate() builds the reasons people read.
Both must give the same outcome and the same missing answers in the same order, or the next question
would not follow from what the verdicts explain. Answer sets come from bench/profiles.yaml: whole
households, seeded random parts of them with some "don't know"s, and every step of a consultation.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bench import CONSULT_DATE, load_profiles
from knowledge.engine import Evaluation, effective_answers
from knowledge.loader import load_manual
from knowledge.manual import Manual
from knowledge.model import Parameter, Question
from knowledge.questioning import candidates, next_question
from knowledge.rules import Decision, Rule, Tri, decide, evaluate, parse_rule
from knowledge.text import Text

DATA = Path(__file__).resolve().parent.parent / "data" / "manuals"
# The consultation date, a date some 2026 figures are not yet in force, and one before every figure.
DATES = (CONSULT_DATE, dt.date(2025, 3, 1), dt.date(2019, 1, 1))
Shipped = tuple[Manual, list[dict[str, Any]]]  # a shipped manual and the answer sets drawn for it


def answer_sets(manual: Manual, parts_per_profile: int = 3) -> list[dict[str, Any]]:
    rng = random.Random(20261124)
    sets: list[dict[str, Any]] = [{}]
    for profile in load_profiles():
        truth = profile.answers
        sets.append(dict(truth))
        keys = sorted(truth)
        for _ in range(parts_per_profile):
            part = {k: truth[k] for k in rng.sample(keys, rng.randint(1, len(keys)))}
            sets.append({k: (None if rng.random() < 0.15 else v) for k, v in part.items()})
        answers: dict[str, Any] = {}
        while (qid := next_question(manual, answers, CONSULT_DATE)) is not None:
            answers[qid] = truth.get(qid)
            sets.append(dict(answers))
    return sets


@pytest.fixture(scope="module", params=["manual", "manual_with_local"])
def shipped(request: pytest.FixtureRequest) -> Shipped:
    manual: Manual = request.getfixturevalue(request.param)
    return manual, answer_sets(manual)


def expected(rule: Rule, manual: Manual, answers: Mapping[str, Any], on: dt.date, negate: bool) -> Decision:
    result = evaluate(rule, Evaluation(manual, answers, on), negate)
    return (result.tri, result.missing)


def test_programme_decisions_equal_evaluate(shipped: Shipped) -> None:
    manual, sets = shipped
    checked = set()
    for n, raw in enumerate(sets):
        on = DATES[n % len(DATES)]
        # Raw answers leave gates open; effective ones (implied values added) are what questioning decides on.
        answers = raw if n % 2 else effective_answers(manual, raw, on)
        fast, slow = Evaluation(manual, answers, on), Evaluation(manual, answers, on)
        for pid in manual.programs:
            verdict = slow.verdict(pid)
            assert fast.decision(pid) == (verdict.tri, verdict.missing), (pid, answers, on)
            checked.add(verdict.tri)
    assert checked == set(Tri)  # the sets reach every outcome


def test_gates_and_implied_conditions_equal_evaluate(shipped: Shipped) -> None:
    manual, sets = shipped
    rules = list(manual.ask_if.values()) + [cond for conds in manual.implied.values() for cond, _ in conds]
    for n, answers in enumerate(sets):
        on = DATES[n % len(DATES)]
        ev = Evaluation(manual, answers, on)
        for rule, negate in itertools.product(rules, (False, True)):
            want = expected(rule, manual, answers, on, negate)
            assert decide(rule, ev, negate) == want, (rule, negate, answers)
            if not negate:
                assert ev.decide(rule) == want, (rule, answers)


# ---------------------------------------------------------------- every rule form, both polarities

FORMS: list[Any] = [
    {"answer": "age", "eq": 65},
    {"answer": "age", "ne": 65},
    {"answer": "age", "lt": 65},
    {"answer": "age", "le": 65},
    {"answer": "age", "gt": 65},
    {"answer": "age", "ge": {"param": "pension_age"}},
    {"answer": "household_income", "le": {"param": "pension_threshold"}},  # keyed by has_spouse
    {"answer": "monthly_rent", "le": {"param": "rent_limit"}},  # keyed by region
    {"answer": "region", "in": ["seoul", "capital_area"]},
    {"answer": "region", "not_in": ["seoul"]},
    {"answer": "welfare_status", "has_any": ["livelihood", "near_poor"]},
    {"answer": "welfare_status", "has_none": ["livelihood"]},
    {"answer": "children_ages", "count": {"ge": 2}},
    {"answer": "children_ages", "count": {"eq": 0}},
    {"answer": "children_ages", "some": {"ge": 6, "le": 18}},
    {"answer": "children_ages", "some": {"lt": {"param": "child_age_limit"}}},
    {"income_at_most": {"percent": 50}},
    {"income_at_most": {"percent": {"param": "livelihood_rate"}}},
    {"income_at_most": {"percent": {"param": "regional_rate"}}},  # keyed percent: needs region
    {"income_at_most": {"percent": 100, "of": "median_short"}},  # no figure beyond two people
    {"eligible": "basic_pension"},
    {"all": [{"answer": "age", "ge": 18}, {"answer": "age", "le": 64}]},  # the same answer twice
    {"all": [{"answer": "has_spouse", "eq": True}]},  # one item
    {
        "any": [
            {"not": {"all": [{"answer": "age", "ge": 65}, {"answer": "has_spouse", "eq": True}]}},
            {"not": {"not": {"income_at_most": {"percent": {"param": "regional_rate"}}}}},
            {"all": [{"answer": "region", "eq": "seoul"}, {"eligible": "basic_pension"}]},
        ]
    },
]
GRID: list[dict[str, Any]] = [
    {},
    {"age": 70, "has_spouse": False, "household_size": 1, "household_income": 600_000},
    {"age": 65, "has_spouse": True, "household_size": 3, "household_income": 2_500_000, "region": "seoul"},
    {"age": 40, "household_size": 4, "household_income": None, "region": "other", "monthly_rent": 250_000},
    {"age": None, "household_size": None, "household_income": 0, "region": "capital_area"},
    {"welfare_status": [], "children_ages": [], "has_spouse": None, "monthly_rent": 400_000},
    {"welfare_status": ["near_poor"], "children_ages": [3, 10], "region": None, "age": 30},
    {"welfare_status": ["housing"], "children_ages": [19, 20, 21], "household_size": 2},
]


@pytest.mark.parametrize("raw", FORMS, ids=[str(i) for i in range(len(FORMS))])
def test_every_rule_form_decides_as_evaluate(raw: Any) -> None:
    core = load_manual(DATA / "core", today=CONSULT_DATE)[0]
    rule = parse_rule(raw)
    outcomes = set()
    for answers, on, negate in itertools.product(GRID, (dt.date(2026, 6, 1), DATES[2]), (False, True)):
        want = expected(rule, core, answers, on, negate)
        assert decide(rule, Evaluation(core, answers, on), negate) == want, (answers, on, negate)
        outcomes.add(want[0])
    assert Tri.UNKNOWN in outcomes and len(outcomes) >= 2  # the grid tells the form's outcomes apart


# ---------------------------------------------------------------- questioning as it was built on evaluate()


def reference_effective(manual: Manual, answers: Mapping[str, Any], on: dt.date) -> dict[str, Any]:
    out = dict(answers)
    for qid, conds in manual.implied.items():
        if qid in out:
            continue
        for cond, value in conds:
            if evaluate(cond, Evaluation(manual, out, on)).tri == Tri.YES:
                out[qid] = value
                break
    for qid, gate in manual.ask_if.items():
        question = manual.questions[qid]
        if qid in out or question.when_not_asked is None:
            continue
        if evaluate(gate, Evaluation(manual, out, on)).tri == Tri.NO:
            out[qid] = question.when_not_asked
    return out


def reference_askable(
    manual: Manual, qid: str, answers: Mapping[str, Any], on: dt.date, depth: int
) -> list[str]:
    if qid in answers or depth > 5:
        return []
    gate = manual.ask_if.get(qid)
    if gate is None:
        return [qid]
    result = evaluate(gate, Evaluation(manual, answers, on))
    if result.tri != Tri.UNKNOWN:
        return [qid] if result.tri == Tri.YES else []
    return [q for need in result.missing for q in reference_askable(manual, need, answers, on, depth + 1)]


def reference_candidates(manual: Manual, answers: Mapping[str, Any], on: dt.date) -> dict[str, float]:
    effective = reference_effective(manual, answers, on)
    ev = Evaluation(manual, effective, on)
    scores: dict[str, float] = {}
    for pid in manual.programs:
        result = ev.verdict(pid)
        if result.tri != Tri.UNKNOWN:
            continue
        informs = {q for need in result.missing for q in reference_askable(manual, need, effective, on, 0)}
        for qid in informs:
            scores[qid] = scores.get(qid, 0.0) + 1.0 / len(informs)
    return scores


def reference_next(manual: Manual, answers: Mapping[str, Any], on: dt.date) -> str | None:
    scores = reference_candidates(manual, answers, on)
    order = {qid: i for i, qid in enumerate(manual.questions)}
    return max(scores, key=lambda q: (round(scores[q], 9), -order[q])) if scores else None


def test_questioning_equals_the_evaluate_based_reference(shipped: Shipped) -> None:
    manual, sets = shipped
    asked = set()
    # The reference evaluates with reasons, gate by gate: a third of the sets keeps this test quick.
    for n, answers in enumerate(sets[::3]):
        on = DATES[n % len(DATES)]
        assert effective_answers(manual, answers, on) == reference_effective(manual, answers, on)
        # Exact float equality: the same contributions are added in the same order.
        assert candidates(manual, answers, on) == reference_candidates(manual, answers, on), answers
        asked.add(want := reference_next(manual, answers, on))
        assert next_question(manual, answers, on) == want, answers
    assert None in asked and len(asked) > 10


@pytest.mark.parametrize("fixture", ["core", "gates"])
def test_fixture_manual_questioning_equals_the_reference(fixture: str) -> None:
    manual = load_manual(DATA / fixture, today=CONSULT_DATE)[0]
    for n, answers in enumerate(answer_sets(manual)):
        on = DATES[n % len(DATES)]
        assert candidates(manual, answers, on) == reference_candidates(manual, answers, on), answers
        assert next_question(manual, answers, on) == reference_next(manual, answers, on), answers


def test_an_answer_that_follows_is_seen_by_later_conditions() -> None:
    """effective_answers shares one Evaluation between conditions until an answer is added.

    Here `tier` follows from household_size, and the rent gate compares with a figure keyed by `tier`.
    The `discount` condition, read first, looks that figure up while `tier` is still unknown; the
    gate must not reuse that lookup once `tier` is known.
    """
    text = Text(ko="시험", en="test")

    def question(qid: str, kind: str, **extra: Any) -> Question:
        return Question.model_validate({"id": qid, "type": kind, "text": text, "short": text, **extra})

    limit = Parameter.model_validate(
        {
            "id": "rent_cap", "label": text, "unit": "KRW/month", "by": "tier",
            "values": {dt.date(2026, 1, 1): {"low": 300_000, "high": 500_000}},
            "sources": [{"title": "test", "as_of": dt.date(2026, 1, 1)}],
        }
    )  # fmt: skip
    under_cap = parse_rule({"answer": "monthly_rent", "le": {"param": "rent_cap"}})
    manual = Manual(
        questions={
            "household_size": question("household_size", "int"),
            "monthly_rent": question("monthly_rent", "money"),
            "discount": question("discount", "bool"),
            "tier": question("tier", "int"),
            "rent_help": question("rent_help", "bool", when_not_asked=False),
        },
        parameters={"rent_cap": limit},
        implied={
            "discount": [(under_cap, True)],
            "tier": [(parse_rule({"answer": "household_size", "eq": 1}), "low")],
        },
        ask_if={"rent_help": under_cap},
    )
    answers = {"household_size": 1, "monthly_rent": 400_000}
    want = {**answers, "tier": "low", "rent_help": False}
    assert reference_effective(manual, answers, CONSULT_DATE) == want
    assert effective_answers(manual, answers, CONSULT_DATE) == want


# ---------------------------------------------------------------- the manual's caches


def test_figures_are_the_parameters_lookup(manual: Manual) -> None:
    for pid, parameter in manual.parameters.items():
        keys: list[str | None] = [None, "1", "3", "9", "true", "false", "seoul", "other", "nowhere"]
        for on, key in itertools.product(DATES, keys):
            assert manual.figure(pid, on, key) == parameter.lookup(on, key), (pid, on, key)
            assert manual.figure(pid, on, key) == parameter.lookup(on, key)  # and again, remembered


def test_a_rule_is_compiled_once_per_manual(manual: Manual) -> None:
    rule = manual.rules["basic_pension"]
    assert manual.decider(rule) is manual.decider(rule)


def test_the_figure_cache_stays_bounded_over_years_of_consultation_dates(manual: Manual) -> None:
    from knowledge.manual import FIGURE_CACHE_SIZE

    pid = next(iter(manual.parameters))
    start = dt.date(2026, 1, 1)
    for day in range(FIGURE_CACHE_SIZE * 2):
        on = start + dt.timedelta(days=day % 3000)
        assert manual.figure(pid, on, None) == manual.parameters[pid].lookup(on, None)
        assert len(manual._figures) <= FIGURE_CACHE_SIZE


def test_a_decision_is_remembered_by_every_answer_it_reads_even_through_another() -> None:
    core = load_manual(DATA / "core", today=CONSULT_DATE)[0]
    # senior_care reads age and welfare_status itself, and through `eligible: basic_pension` also
    # household_income and has_spouse, the key of basic_pension's threshold.
    assert core.reads("senior_care") == ("age", "has_spouse", "household_income", "welfare_status")
    base = {"age": 70, "household_income": 3_000_000, "welfare_status": []}
    seen = []
    for answers in (
        base,
        {**base, "has_spouse": False},  # single: 3,000,000 is over 2,470,000
        {**base, "has_spouse": True},  # couple: under 3,952,000
        {**base, "has_spouse": True, "region": "seoul"},  # an answer it does not read
        {**base, "has_spouse": False, "welfare_status": ["near_poor"]},
    ):
        got = Evaluation(core, answers, CONSULT_DATE).decision("senior_care")
        assert got == expected(core.rules["senior_care"], core, answers, CONSULT_DATE, False), answers
        seen.append(got[0])
    assert seen == [Tri.UNKNOWN, Tri.NO, Tri.YES, Tri.YES, Tri.YES]
    # The answer it does not read was served from memory: one entry per distinct read answers.
    assert sum(1 for key in core._decided if key[0] == "senior_care") == 4
    # A later date is another key: figures in force then may differ.
    Evaluation(core, base, dt.date(2025, 3, 1)).decision("senior_care")
    assert sum(1 for key in core._decided if key[0] == "senior_care") == 5


def test_list_answers_are_keyed_by_value_and_odd_values_are_decided_afresh() -> None:
    core = load_manual(DATA / "core", today=CONSULT_DATE)[0]
    answers: dict[str, Any] = {"age": 70, "welfare_status": ["near_poor"]}
    first = Evaluation(core, answers, CONSULT_DATE).decision("senior_care")
    assert first == (Tri.YES, ())
    answers["welfare_status"] = ["housing"]  # the same list object, changed: its value is the key
    assert Evaluation(core, answers, CONSULT_DATE).decision("senior_care") == expected(
        core.rules["senior_care"], core, answers, CONSULT_DATE, False
    )
    size = len(core._decided)
    odd = {"age": 70, "welfare_status": {"livelihood": True}}  # not a list: unhashable, not remembered
    assert Evaluation(core, odd, CONSULT_DATE).decision("senior_care") == expected(
        core.rules["senior_care"], core, odd, CONSULT_DATE, False
    )
    assert len(core._decided) == size


def test_decision_cache_info_counts_hits_and_misses() -> None:
    core = load_manual(DATA / "core", today=CONSULT_DATE)[0]
    answers = {"age": 70, "has_spouse": True, "household_income": 1_000_000}
    for _ in range(3):
        assert Evaluation(core, answers, CONSULT_DATE).decision("basic_pension") == (Tri.YES, ())
    assert core.decision_cache_info() == {"hits": 2, "misses": 1, "size": 1}


def test_a_full_decision_cache_drops_its_oldest_entries_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.manual

    monkeypatch.setattr(knowledge.manual, "DECISION_CACHE_SIZE", 8)
    core = load_manual(DATA / "core", today=CONSULT_DATE)[0]
    for age in range(60, 69):  # nine different keys for one programme
        Evaluation(core, {"age": age}, CONSULT_DATE).decision("basic_pension")
    kept = sorted(key[2] for key in core._decided)  # reads are (age, has_spouse, household_income)
    assert kept == [62, 63, 64, 65, 66, 67, 68]  # the first two went when the ninth came


def test_the_decision_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.manual

    monkeypatch.setattr(knowledge.manual, "DECISION_CACHE_SIZE", 50)
    core = load_manual(DATA / "core", today=CONSULT_DATE)[0]
    for income in range(0, 4_000_000, 20_000):
        answers = {"age": 70, "has_spouse": True, "household_income": income, "household_size": 2}
        ev = Evaluation(core, answers, CONSULT_DATE)
        for pid in core.programs:
            assert ev.decision(pid) == expected(core.rules[pid], core, answers, CONSULT_DATE, False)
            assert len(core._decided) <= 50
