"""Adaptive questioning: ask what settles the most undecided programmes; respect gates and implications."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from knowledge.engine import Status, screen
from knowledge.loader import load_manual
from knowledge.manual import Manual
from knowledge.questioning import candidates, next_question, questions_for

ROOT = Path(__file__).resolve().parent.parent.parent
ENGINE_DIR = ROOT / "tests" / "data" / "fixture_manuals" / "engine"
ON = dt.date(2026, 11, 24)

# Answers for every question a consultation might ask; gated and implied ones are left out on purpose.
PROFILE: dict[str, Any] = {
    "age": 70,
    "household_size": 1,
    "household_income": 700_000,
    "flag_a": True,
    "flag_b": False,
    "disability": "none",
    "welfare_status": [],
    "has_children": False,
    "housing_type": "owner",
    "region": "seoul",
    "assets": 5_000_000,
}


@pytest.fixture(scope="module")
def fx() -> Manual:
    return load_manual(ENGINE_DIR, today=ON)[0]


def consult(
    manual: Manual, profile: dict[str, Any], programs: list[str] | None = None, limit: int = 100
) -> dict[str, Any]:
    """Ask next_question until it gives up, answering from the profile ("don't know" when absent)."""
    answers: dict[str, Any] = {}
    for _ in range(limit):
        qid = next_question(manual, answers, ON, programs)
        if qid is None:
            return answers
        assert qid not in answers, f"{qid} asked twice"
        answers[qid] = profile.get(qid)
    raise AssertionError(f"no end after {limit} questions: {list(answers)}")


def test_loop_reaches_full_verdicts_in_fewer_questions_than_the_bank(fx: Manual) -> None:
    asked = consult(fx, PROFILE)
    assert len(asked) < len(fx.questions)
    verdicts = screen(fx, asked, ON)
    assert [p for p, v in verdicts.items() if v.status == Status.UNKNOWN] == []
    # The adaptive result is the one the whole profile gives.
    full = screen(fx, PROFILE, ON)
    assert {p: v.status for p, v in verdicts.items()} == {p: v.status for p, v in full.items()}
    # Gated and implied questions never came up for this profile.
    assert not {"lives_alone", "has_spouse", "children_ages", "monthly_rent"} & set(asked)


def test_loop_for_a_domain_slice_asks_only_that_slice(fx: Manual) -> None:
    scope = fx.programs_in("childcare")
    profile = {**PROFILE, "has_children": True, "children_ages": [4, 10]}
    asked = consult(fx, profile, scope)
    assert list(asked) == ["has_children", "children_ages"]
    assert all(v.status != Status.UNKNOWN for v in screen(fx, asked, ON, scope).values())


def test_first_question_is_the_one_that_settles_the_most(fx: Manual) -> None:
    scores = candidates(fx, {}, ON)
    assert next_question(fx, {}, ON) == "age" == max(scores, key=scores.__getitem__)


def test_weight_is_one_over_the_answers_a_programme_still_needs(fx: Manual) -> None:
    # cmp_ge needs only age (1); p_all needs flag_a and flag_b (½ each).
    assert candidates(fx, {}, ON, ["cmp_ge", "p_all"]) == {"age": 1.0, "flag_a": 0.5, "flag_b": 0.5}
    # p_all + p_not_a: flag_a settles p_not_a alone and is half of p_all.
    assert candidates(fx, {}, ON, ["p_all", "p_not_a"]) == {"flag_a": 1.5, "flag_b": 0.5}
    # Settled programmes contribute nothing.
    assert candidates(fx, {"age": 70}, ON, ["cmp_ge", "p_all"]) == {"flag_a": 0.5, "flag_b": 0.5}


def test_a_question_that_finishes_a_programme_beats_one_that_appears_more_often(fx: Manual) -> None:
    # household_income appears in both income rules but each also needs household_size;
    # age alone settles three comparisons.
    scope = ["income_num", "income_param", "cmp_eq", "cmp_lt", "cmp_gt"]
    scores = candidates(fx, {}, ON, scope)
    assert scores == {"household_income": 1.0, "household_size": 1.0, "age": 3.0}
    assert next_question(fx, {}, ON, scope) == "age"


def test_ties_go_to_the_earlier_question_in_the_manual(fx: Manual) -> None:
    # p_any names flag_b first, but flag_a comes first in questions.yaml.
    scores = candidates(fx, {}, ON, ["p_any"])
    assert scores == {"flag_a": 0.5, "flag_b": 0.5}
    assert next_question(fx, {}, ON, ["p_any"]) == "flag_a"
    # household_size precedes household_income in the manual: equal weight, so size first.
    assert candidates(fx, {}, ON, ["income_num"]) == {"household_size": 0.5, "household_income": 0.5}
    assert next_question(fx, {}, ON, ["income_num"]) == "household_size"


def test_children_ages_never_asked_after_has_children_false(fx: Manual) -> None:
    scope = ["some_one", "some_two", "count_two"]
    assert next_question(fx, {}, ON, scope) == "has_children"
    assert "children_ages" not in candidates(fx, {}, ON, scope)
    assert next_question(fx, {"has_children": False}, ON, scope) is None
    assert all(v.status == Status.INELIGIBLE for v in screen(fx, {"has_children": False}, ON, scope).values())
    assert next_question(fx, {"has_children": True}, ON, scope) == "children_ages"


def test_monthly_rent_only_after_housing_type_monthly_rent(fx: Manual) -> None:
    assert next_question(fx, {}, ON, ["rent_help"]) == "housing_type"
    assert candidates(fx, {}, ON, ["rent_help"]) == {"housing_type": 1.0}
    for other in ("owner", "jeonse"):
        assert next_question(fx, {"housing_type": other}, ON, ["rent_help"]) is None
    assert next_question(fx, {"housing_type": "monthly_rent"}, ON, ["rent_help"]) == "monthly_rent"


def test_implied_answers_are_not_asked(fx: Manual) -> None:
    scores = candidates(fx, {"household_size": 1}, ON)
    assert "lives_alone" not in scores and "has_spouse" not in scores
    assert next_question(fx, {"household_size": 1}, ON, ["alone", "pension"]) == "age"
    # With a larger household lives_alone is implied false but has_spouse is still a real question.
    scores = candidates(fx, {"household_size": 2, "age": 70, "household_income": 3_000_000}, ON)
    assert "lives_alone" not in scores and "has_spouse" in scores


def test_none_when_nothing_left_is_decidable(fx: Manual) -> None:
    assert next_question(fx, PROFILE, ON) is None  # everything is settled
    dont_know = {"flag_a": None, "flag_b": None}
    assert next_question(fx, dont_know, ON, ["p_all", "p_any"]) is None
    assert screen(fx, dont_know, ON, ["p_all"])["p_all"].status == Status.UNKNOWN
    # A "don't know" on a gate leaves the gated question unaskable too.
    assert next_question(fx, {"housing_type": None}, ON, ["rent_help"]) is None


def test_dont_know_is_not_asked_again(fx: Manual) -> None:
    assert next_question(fx, {"flag_a": None}, ON, ["p_all"]) == "flag_b"
    assert next_question(fx, {"flag_a": None, "flag_b": True}, ON, ["p_all"]) is None
    asked = consult(fx, {}, ["p_all", "p_any", "cmp_ge"])  # answers everything with "don't know"
    assert sorted(asked) == ["age", "flag_a", "flag_b"]
    assert all(v is None for v in asked.values())


def test_questions_for_a_scope_include_gates_and_dependencies(fx: Manual) -> None:
    assert questions_for(fx, fx.programs_in("childcare")) == {"children_ages", "has_children"}
    assert questions_for(fx, ["elig_dep"]) == {"age", "household_income", "household_size"}
    assert questions_for(fx, ["rent_help"]) == {"monthly_rent", "housing_type"}
    assert questions_for(fx, []) == set()


def test_shipped_questions_for_basic_pension_includes_has_spouse(manual: Manual) -> None:
    assert "has_spouse" in questions_for(manual, ["basic_pension"])


@pytest.mark.parametrize("domain", ["daily_life", "childcare"])
def test_scoped_consultation_stays_within_questions_for(fx: Manual, domain: str) -> None:
    scope = fx.programs_in(domain)
    profile = {**PROFILE, "has_children": True, "children_ages": [3], "housing_type": "monthly_rent"}
    asked = consult(fx, {**profile, "monthly_rent": 300_000}, scope)
    assert asked
    assert set(asked) <= questions_for(fx, scope)


def test_questions_for_includes_the_key_of_a_keyed_parameter(fx: Manual) -> None:
    assert "region" in questions_for(fx, ["assets_keyed"])
    assert "has_spouse" in questions_for(fx, ["pension"])
    asked = consult(fx, PROFILE | {"household_size": 2}, fx.programs_in("income"))
    assert set(asked) <= questions_for(fx, fx.programs_in("income"))


# ---------------------------------------------------------------- shipped manual


def _example(name: str) -> dict[str, Any]:
    profile: dict[str, Any] = json.loads((ROOT / "examples" / name).read_text(encoding="utf-8"))
    # The examples give ages without the gate question in front of them.
    profile.setdefault("has_children", bool(profile.get("children_ages")))
    return profile


@pytest.mark.parametrize(
    ("example", "domain"),
    [
        ("elderly-alone.json", None),
        ("elderly-alone.json", "income"),
        ("newborn-family.json", "childcare"),
        ("young-single-parent.json", "income"),
        ("job-seeker.json", "employment"),
    ],
)
def test_shipped_manual_slice_settles_like_the_full_profile(
    manual: Manual, example: str, domain: str | None
) -> None:
    profile = _example(example)
    scope = manual.programs_in(domain)
    asked = consult(manual, profile, scope)
    assert len(asked) < len(manual.questions)
    got = screen(manual, asked, ON, scope)
    full = screen(manual, profile, ON, scope)
    assert {p: v.status for p, v in got.items()} == {p: v.status for p, v in full.items()}
    assert set(asked) <= questions_for(manual, scope)


def test_shipped_manual_children_ages_not_asked_without_children(manual: Manual) -> None:
    profile = _example("elderly-alone.json")
    asked = consult(manual, {**profile, "household_size": 2, "has_children": False})
    assert "has_children" in asked
    assert "children_ages" not in asked
