"""Adaptive questioning: which question comes next, and that the loop ends with definite verdicts.

Fixture manuals: tests/data/manuals/core (ten programmes, fifteen questions) and
tests/data/manuals/gates (a chain of ask_if gates and two programmes that tie). Smoke tests use the
shipped manual's first eight programmes.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from knowledge.engine import Status, screen
from knowledge.loader import load_manual
from knowledge.manual import Manual
from knowledge.questioning import candidates, next_question, questions_for

DATA = Path(__file__).resolve().parent.parent / "data" / "manuals"
ON = dt.date(2026, 6, 1)
TODAY = dt.date(2026, 11, 24)
EIGHT = (
    "livelihood_benefit", "medical_aid", "housing_benefit", "education_benefit",
    "basic_pension", "child_allowance", "single_parent_child_allowance", "emergency_welfare",
)  # fmt: skip

# Complete households for the core manual: every question has an answer.
ELDER_ALONE: dict[str, Any] = {
    "age": 78, "household_size": 1, "household_income": 600_000, "assets": 30_000_000,
    "welfare_status": [], "has_spouse": False, "lives_alone": True, "disability": "none",
    "has_children": False, "children_ages": [], "single_parent": False, "housing_type": "monthly_rent",
    "monthly_rent": 250_000, "region": "seoul", "crisis": [],
}  # fmt: skip
SINGLE_PARENT: dict[str, Any] = {
    **ELDER_ALONE, "age": 34, "household_size": 3, "household_income": 2_500_000, "assets": 10_000_000,
    "welfare_status": ["near_poor"], "lives_alone": False, "has_children": True, "children_ages": [3, 10],
    "single_parent": True, "housing_type": "jeonse", "monthly_rent": 0, "region": "other",
    "crisis": ["job_loss"],
}  # fmt: skip
COUPLE_OWNERS: dict[str, Any] = {
    **ELDER_ALONE, "age": 50, "household_size": 4, "household_income": 9_000_000, "assets": 900_000_000,
    "has_spouse": True, "lives_alone": False, "has_children": True, "children_ages": [15, 17, 20],
    "housing_type": "owner", "monthly_rent": 0,
}  # fmt: skip
RENTING_COUPLE: dict[str, Any] = {
    **ELDER_ALONE, "age": 68, "household_size": 2, "household_income": 3_000_000, "has_spouse": True,
    "lives_alone": False, "has_children": False, "housing_type": "monthly_rent", "monthly_rent": 400_000,
    "region": "capital_area", "welfare_status": ["housing"],
}  # fmt: skip
HOUSEHOLDS = {
    "elder_alone": ELDER_ALONE,
    "single_parent": SINGLE_PARENT,
    "couple_owners": COUPLE_OWNERS,
    "renting_couple": RENTING_COUPLE,
}


@pytest.fixture(scope="module")
def core() -> Manual:
    return load_manual(DATA / "core", today=TODAY)[0]


@pytest.fixture(scope="module")
def gates() -> Manual:
    return load_manual(DATA / "gates", today=TODAY)[0]


def consult(
    manual: Manual,
    truth: Mapping[str, Any],
    programs: Iterable[str] | None = None,
    start: Mapping[str, Any] | None = None,
    on: dt.date = ON,
) -> tuple[list[str], dict[str, Any]]:
    """Ask until next_question gives up, answering from `truth`; returns the questions and answers."""
    scope = list(programs) if programs is not None else None
    answers = dict(start or {})
    asked: list[str] = []
    while (qid := next_question(manual, answers, on, scope)) is not None:
        assert qid not in answers, f"{qid} asked again"
        assert len(asked) <= len(manual.questions), asked
        asked.append(qid)
        answers[qid] = truth.get(qid)
    return asked, answers


# ---------------------------------------------------------------- the loop reaches full verdicts


@pytest.mark.parametrize("name", list(HOUSEHOLDS))
def test_loop_reaches_full_verdicts_with_fewer_questions(core: Manual, name: str) -> None:
    truth = HOUSEHOLDS[name]
    asked, answers = consult(core, truth)
    verdicts = screen(core, answers, ON)
    assert {p: v.missing for p, v in verdicts.items() if v.status == Status.UNKNOWN} == {}
    assert len(asked) < len(core.questions), asked
    assert "disability" not in asked  # no programme of the core manual needs it
    # asking less must not change any verdict
    assert {p: v.status for p, v in verdicts.items()} == {
        p: v.status for p, v in screen(core, truth, ON).items()
    }


def test_loop_asks_the_key_of_a_keyed_percent(core: Manual) -> None:
    # tenant_help: income_at_most {percent: {param: regional_rate}}, and regional_rate is keyed by region
    # 3인 2,500,000원: over 45% (other, 2,411,566원), under 60% (seoul, 3,215,422원)
    for region, status in (("other", Status.INELIGIBLE), ("seoul", Status.ELIGIBLE)):
        asked, answers = consult(core, {**SINGLE_PARENT, "region": region}, ["tenant_help"])
        assert "region" in asked
        assert screen(core, answers, ON, ["tenant_help"])["tenant_help"].status == status


def test_loop_for_the_shipped_eight_programmes(manual: Manual, today: dt.date) -> None:
    truth = {
        "age": 78, "household_size": 1, "household_income": 600_000, "assets": 30_000_000,
        "welfare_status": [], "has_spouse": False, "lives_alone": True, "living_with_parents": False,
        "disability": "none", "has_children": False, "children_ages": [], "single_parent": False,
        "pregnant": False, "housing_type": "monthly_rent", "monthly_rent": 250_000, "region": "seoul",
        "employment": "not_working", "student_level": "none", "crisis": [], "long_term_care_grade": False,
        "chronic_or_rare_disease": False, "medical_expenses_annual": 0,
    }  # fmt: skip
    for household in (truth, {**truth, **{k: SINGLE_PARENT[k] for k in SINGLE_PARENT if k in truth}}):
        asked, answers = consult(manual, household, EIGHT, on=today)
        verdicts = screen(manual, answers, today, EIGHT)
        assert all(v.status != Status.UNKNOWN for v in verdicts.values()), {
            p: v.missing for p, v in verdicts.items() if v.status == Status.UNKNOWN
        }
        assert len(asked) < len(manual.questions)
        assert {p: v.status for p, v in verdicts.items()} == {
            p: v.status for p, v in screen(manual, household, today, EIGHT).items()
        }


def test_first_question_settles_the_most(core: Manual) -> None:
    scores = candidates(core, {}, ON)
    first = next_question(core, {}, ON)
    assert first is not None
    assert scores[first] == max(scores.values())


def test_candidates_are_only_unanswered_and_askable(core: Manual) -> None:
    answers = {"household_size": 2, "age": 70, "has_children": False}
    scores = candidates(core, answers, ON)
    assert scores
    assert not set(scores) & set(answers)
    assert "children_ages" not in scores and "single_parent" not in scores
    assert "lives_alone" not in scores  # implied by household_size 2


def test_nothing_to_ask_once_everything_is_settled(core: Manual) -> None:
    assert next_question(core, ELDER_ALONE, ON) is None
    assert candidates(core, ELDER_ALONE, ON) == {}


# ---------------------------------------------------------------- ask_if


def test_children_ages_never_asked_after_no_children(core: Manual) -> None:
    programs = ["child_allowance", "large_family", "single_parent_allowance"]
    assert next_question(core, {}, ON, ["child_allowance"]) == "has_children"
    assert next_question(core, {"has_children": False}, ON, ["child_allowance"]) is None
    asked, _ = consult(core, {**COUPLE_OWNERS, "has_children": False}, programs, start={"household_size": 4})
    assert "children_ages" not in asked and "single_parent" not in asked
    assert asked == ["has_children"]


def test_children_ages_asked_after_yes(core: Manual) -> None:
    assert next_question(core, {"has_children": True}, ON, ["child_allowance"]) == "children_ages"


def test_monthly_rent_only_after_monthly_rent_housing(core: Manual) -> None:
    poor_renter = {**RENTING_COUPLE, "household_income": 1_000_000, "monthly_rent": 200_000}
    asked, answers = consult(core, poor_renter, ["rent_support"])
    assert "housing_type" in asked and "monthly_rent" in asked
    assert asked.index("housing_type") < asked.index("monthly_rent")
    assert screen(core, answers, ON, ["rent_support"])["rent_support"].status == Status.ELIGIBLE
    jeonse, _ = consult(core, {**poor_renter, "housing_type": "jeonse"}, ["rent_support"])
    assert "housing_type" in jeonse and "monthly_rent" not in jeonse
    for housing in ("owner", "jeonse", "public_rental"):
        assert next_question(core, {"housing_type": housing}, ON, ["rent_support"]) is None


@pytest.mark.parametrize("name", list(HOUSEHOLDS))
def test_gated_questions_are_never_asked_before_their_gate_opens(core: Manual, name: str) -> None:
    truth = HOUSEHOLDS[name]
    answers: dict[str, Any] = {}
    while (qid := next_question(core, answers, ON)) is not None:
        if qid == "monthly_rent":
            assert answers.get("housing_type") == "monthly_rent"
        if qid in ("children_ages", "single_parent"):
            assert answers.get("has_children") is True
        answers[qid] = truth[qid]


def test_gate_of_a_gate_is_asked_first(gates: Manual) -> None:
    assert next_question(gates, {}, ON, ["child_allowance"]) == "age"
    assert next_question(gates, {"age": 30}, ON, ["child_allowance"]) == "has_children"
    assert next_question(gates, {"age": 30, "has_children": True}, ON, ["child_allowance"]) == "children_ages"
    assert next_question(gates, {"age": 10}, ON, ["child_allowance"]) is None  # no children under 18s


# ---------------------------------------------------------------- implied answers


def test_implied_answers_are_not_asked(core: Manual) -> None:
    asked, _ = consult(core, ELDER_ALONE, start={"household_size": 1})
    for implied in ("lives_alone", "has_spouse", "has_children", "children_ages", "single_parent"):
        assert implied not in asked
    full, _ = consult(core, ELDER_ALONE)
    assert "has_spouse" not in full and "lives_alone" not in full
    scores = candidates(core, {"household_size": 1, "age": 70, "household_income": 2_400_000}, ON)
    assert "has_spouse" not in scores


def test_spouse_asked_when_not_implied(core: Manual) -> None:
    answers = {"household_size": 2, "age": 70, "household_income": 3_000_000}
    assert next_question(core, answers, ON, ["basic_pension"]) == "has_spouse"
    assert next_question(core, {**answers, "household_size": 1}, ON, ["basic_pension"]) is None


# ---------------------------------------------------------------- ties and manual order


def test_ties_go_to_the_earlier_question(gates: Manual) -> None:
    scores = candidates(gates, {}, ON, ["bike_help", "car_help"])
    assert scores == {"owns_car": 1.0, "owns_bike": 1.0}
    assert next_question(gates, {}, ON, ["bike_help", "car_help"]) == "owns_car"


def test_reordering_the_manual_reorders_ties(tmp_path: Path) -> None:
    copy = tmp_path / "gates"
    shutil.copytree(DATA / "gates", copy)
    questions = (copy / "questions.yaml").read_text(encoding="utf-8")
    car = questions.index("  - id: owns_car")
    bike = questions.index("  - id: owns_bike")
    swapped = questions[:car] + questions[bike:] + "\n" + questions[car:bike]
    (copy / "questions.yaml").write_text(swapped, encoding="utf-8")
    reordered = load_manual(copy, today=TODAY)[0]
    assert list(reordered.questions)[-2:] == ["owns_bike", "owns_car"]
    assert next_question(reordered, {}, ON, ["car_help", "bike_help"]) == "owns_bike"


def test_a_question_that_settles_a_programme_alone_beats_one_of_several(core: Manual) -> None:
    # child_allowance needs only children_ages (via has_children); livelihood needs three answers
    answers = {"household_size": 3}
    scores = candidates(core, answers, ON, ["child_allowance", "livelihood_benefit"])
    assert scores["has_children"] == 1.0
    assert scores["welfare_status"] == pytest.approx(0.5)
    assert next_question(core, answers, ON, ["child_allowance", "livelihood_benefit"]) == "has_children"


# ---------------------------------------------------------------- don't know and dead ends


def test_dont_know_is_not_asked_again(core: Manual) -> None:
    first = next_question(core, {}, ON)
    assert first is not None
    second = next_question(core, {first: None}, ON)
    assert second is not None and second != first
    asked, answers = consult(core, {}, None)  # answer "don't know" to everything
    assert len(asked) == len(set(asked))
    assert all(v is None for v in answers.values())


def test_dont_know_gate_keeps_its_questions_unasked(core: Manual) -> None:
    asked, answers = consult(core, {"has_children": None}, ["child_allowance"])
    assert asked == ["has_children"]
    assert screen(core, answers, ON, ["child_allowance"])["child_allowance"].status == Status.UNKNOWN


def test_dont_know_household_size_keeps_implied_questions_askable(core: Manual) -> None:
    answers = {"household_size": None, "age": 70, "household_income": 2_400_000}
    assert next_question(core, answers, ON, ["basic_pension"]) == "has_spouse"


def test_none_when_all_answers_are_dont_know(core: Manual) -> None:
    everything = dict.fromkeys(core.questions)
    assert next_question(core, everything, ON) is None
    assert all(v.status == Status.UNKNOWN for v in screen(core, everything, ON).values())


def test_none_when_no_answer_could_help(core: Manual) -> None:
    # before 2025 no median income is in force: livelihood cannot be settled by asking anything more
    answers = {"household_size": 1, "household_income": 0, "welfare_status": []}
    before = dt.date(2024, 12, 31)
    assert (
        screen(core, answers, before, ["livelihood_benefit"])["livelihood_benefit"].status == Status.UNKNOWN
    )
    assert next_question(core, answers, before, ["livelihood_benefit"]) is None


def test_none_for_an_empty_scope(core: Manual) -> None:
    assert next_question(core, {}, ON, []) is None


# ---------------------------------------------------------------- scope and questions_for


def test_questions_for(core: Manual) -> None:
    assert questions_for(core, ["child_allowance"]) == {"children_ages", "has_children"}
    assert questions_for(core, ["livelihood_benefit"]) == {
        "welfare_status",
        "household_income",
        "household_size",
    }
    # eligible: pulls in the other programme's questions
    assert {"age", "household_income"} <= questions_for(core, ["senior_care"])
    assert questions_for(core, []) == set()


def test_questions_for_includes_the_keys_of_keyed_parameters(core: Manual) -> None:
    assert "has_spouse" in questions_for(core, ["basic_pension"])
    assert "region" in questions_for(core, ["rent_support"])
    assert "has_spouse" in questions_for(core, ["senior_care"])


@pytest.mark.parametrize(
    "programs",
    [
        ["livelihood_benefit", "medical_aid"],
        ["child_allowance", "large_family"],
        ["single_parent_allowance"],
        ["basic_pension"],
        ["senior_care"],
        ["rent_support"],
        ["emergency_welfare", "child_allowance"],
    ],
)
@pytest.mark.parametrize("name", list(HOUSEHOLDS))
def test_a_scoped_consultation_asks_only_what_its_programmes_need(
    core: Manual, programs: list[str], name: str
) -> None:
    asked, answers = consult(core, HOUSEHOLDS[name], programs)
    assert set(asked) <= questions_for(core, programs)
    verdicts = screen(core, answers, ON, programs)
    assert all(v.status != Status.UNKNOWN for v in verdicts.values())


def test_scoped_consultation_is_shorter_than_the_full_one(core: Manual) -> None:
    full, _ = consult(core, SINGLE_PARENT)
    scoped, _ = consult(core, SINGLE_PARENT, ["child_allowance"])
    assert scoped == ["has_children", "children_ages"]
    assert len(scoped) < len(full)


def test_questions_for_follows_gates_of_gates(gates: Manual) -> None:
    needed = questions_for(gates, ["child_allowance"])
    asked, _ = consult(gates, {"age": 30, "has_children": True, "children_ages": [4]}, ["child_allowance"])
    assert asked == ["age", "has_children", "children_ages"]
    assert set(asked) <= needed


def test_shipped_scope_asks_only_what_the_eight_need(manual: Manual, today: dt.date) -> None:
    truth = {
        "age": 45, "household_size": 2, "household_income": 1_500_000, "assets": 5_000_000,
        "welfare_status": [], "has_spouse": False, "has_children": True, "children_ages": [12],
        "single_parent": True, "housing_type": "monthly_rent", "monthly_rent": 300_000, "region": "seoul",
        "student_level": "none", "crisis": ["job_loss"],
    }  # fmt: skip
    asked, answers = consult(manual, truth, EIGHT, on=today)
    assert set(asked) <= questions_for(manual, EIGHT)
    assert all(v.status != Status.UNKNOWN for v in screen(manual, answers, today, EIGHT).values())
