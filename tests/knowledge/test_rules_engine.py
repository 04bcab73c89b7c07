"""The rule language and screening, against the small `engine` fixture manual (one programme per form)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from knowledge.engine import Status, Verdict, effective_answers, screen
from knowledge.loader import load_manual
from knowledge.manual import Manual
from knowledge.rules import Tri

ENGINE_DIR = Path(__file__).resolve().parent.parent / "data" / "fixture_manuals" / "engine"
ON = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def fx() -> Manual:
    manual, warnings = load_manual(ENGINE_DIR, today=ON)
    assert warnings == []
    return manual


def verdict(manual: Manual, pid: str, answers: dict[str, Any], on: dt.date = ON) -> Verdict:
    return screen(manual, answers, on, [pid])[pid]


def texts(v: Verdict, lang: str = "ko") -> list[str]:
    return [text for _, text in v.explained(lang)]


# ---------------------------------------------------------------- every rule form


@pytest.mark.parametrize(
    ("pid", "age", "expected"),
    [
        ("cmp_eq", 65, Status.ELIGIBLE),
        ("cmp_eq", 66, Status.INELIGIBLE),
        ("cmp_ne", 65, Status.INELIGIBLE),
        ("cmp_ne", 64, Status.ELIGIBLE),
        ("cmp_lt", 64, Status.ELIGIBLE),
        ("cmp_lt", 65, Status.INELIGIBLE),
        ("cmp_le", 65, Status.ELIGIBLE),
        ("cmp_le", 66, Status.INELIGIBLE),
        ("cmp_gt", 66, Status.ELIGIBLE),
        ("cmp_gt", 65, Status.INELIGIBLE),
        ("cmp_ge", 65, Status.ELIGIBLE),
        ("cmp_ge", 64, Status.INELIGIBLE),
    ],
)
def test_numeric_comparisons_at_their_edges(fx: Manual, pid: str, age: int, expected: Status) -> None:
    assert verdict(fx, pid, {"age": age}).status == expected


@pytest.mark.parametrize(
    ("pid", "answers", "expected"),
    [
        ("cmp_in", {"disability": "severe"}, Status.ELIGIBLE),
        ("cmp_in", {"disability": "none"}, Status.INELIGIBLE),
        ("cmp_not_in", {"disability": "none"}, Status.ELIGIBLE),
        ("cmp_not_in", {"disability": "mild"}, Status.INELIGIBLE),
        ("cmp_has_any", {"welfare_status": ["near_poor", "medical"]}, Status.ELIGIBLE),
        ("cmp_has_any", {"welfare_status": ["near_poor"]}, Status.INELIGIBLE),
        ("cmp_has_any", {"welfare_status": []}, Status.INELIGIBLE),
        ("cmp_has_none", {"welfare_status": []}, Status.ELIGIBLE),
        ("cmp_has_none", {"welfare_status": ["near_poor"]}, Status.ELIGIBLE),
        ("cmp_has_none", {"welfare_status": ["livelihood"]}, Status.INELIGIBLE),
    ],
)
def test_set_comparisons(fx: Manual, pid: str, answers: dict[str, Any], expected: Status) -> None:
    assert verdict(fx, pid, answers).status == expected


@pytest.mark.parametrize("pid", ["cmp_eq", "cmp_in", "cmp_has_any", "cmp_has_none", "some_two", "count_two"])
def test_every_comparison_is_unknown_without_its_answer(fx: Manual, pid: str) -> None:
    v = verdict(fx, pid, {})
    assert v.status == Status.UNKNOWN
    assert len(v.missing) == 1


@pytest.mark.parametrize(
    ("ages", "expected"),
    [([3], Status.ELIGIBLE), ([9], Status.INELIGIBLE), ([12, 8], Status.ELIGIBLE), ([], Status.INELIGIBLE)],
)
def test_some_with_one_condition_from_a_parameter(fx: Manual, ages: list[int], expected: Status) -> None:
    # some: {lt: {param: child_age_limit}}, the limit being 9 in 2026
    assert verdict(fx, "some_one", {"children_ages": ages}).status == expected


@pytest.mark.parametrize(
    ("ages", "expected"),
    [
        ([6], Status.ELIGIBLE),
        ([18], Status.ELIGIBLE),
        ([5, 19], Status.INELIGIBLE),  # one is too young, the other too old: no single child fits both
        ([2, 10, 25], Status.ELIGIBLE),
        ([], Status.INELIGIBLE),
    ],
)
def test_some_with_two_conditions_needs_one_element_meeting_both(
    fx: Manual, ages: list[int], expected: Status
) -> None:
    assert verdict(fx, "some_two", {"children_ages": ages}).status == expected


@pytest.mark.parametrize(
    ("ages", "expected"), [([1, 2], Status.ELIGIBLE), ([1, 2, 3], Status.ELIGIBLE), ([4], Status.INELIGIBLE)]
)
def test_count(fx: Manual, ages: list[int], expected: Status) -> None:
    assert verdict(fx, "count_two", {"children_ages": ages}).status == expected


def test_count_reason_names_the_needed_number(fx: Manual) -> None:
    v = verdict(fx, "count_two", {"children_ages": [8]})
    assert texts(v) == ["자녀 나이: 8세 — 기준: ≥ 2명"]
    assert texts(v, "en") == ["Children's ages: 8 years — needs ≥ 2"]


@pytest.mark.parametrize("pid", ["income_num", "income_param"])
@pytest.mark.parametrize(
    ("size", "income", "expected"),
    [
        (1, 820_556, Status.ELIGIBLE),  # exactly 32% of 2,564,238 (820,556.16 rounded)
        (1, 820_557, Status.INELIGIBLE),
        (2, 1_343_773, Status.ELIGIBLE),  # 32% of 4,199,292 = 1,343,773.44
        (2, 1_343_774, Status.INELIGIBLE),
        (1, 0, Status.ELIGIBLE),
    ],
)
def test_income_at_most_with_number_and_with_param(
    fx: Manual, pid: str, size: int, income: int, expected: Status
) -> None:
    answers = {"household_size": size, "household_income": income}
    assert verdict(fx, pid, answers).status == expected


def test_income_at_most_uses_the_table_in_force(fx: Manual) -> None:
    # 2025: 32% of 2,392,013 = 765,444.16 — 800,000 is over the 2025 line but under the 2026 one.
    answers = {"household_size": 1, "household_income": 800_000}
    assert verdict(fx, "income_num", answers, dt.date(2025, 6, 1)).status == Status.INELIGIBLE
    assert verdict(fx, "income_num", answers, dt.date(2026, 1, 1)).status == Status.ELIGIBLE
    at_2025_line = {**answers, "household_income": 765_444}
    assert verdict(fx, "income_num", at_2025_line, dt.date(2025, 6, 1)).status == Status.ELIGIBLE


def test_eligible_refers_to_another_programmes_verdict(fx: Manual) -> None:
    poor_old = {"household_size": 1, "household_income": 500_000, "age": 70}
    assert verdict(fx, "elig_dep", poor_old).status == Status.ELIGIBLE
    assert verdict(fx, "elig_dep", {**poor_old, "household_income": 900_000}).status == Status.INELIGIBLE
    assert verdict(fx, "elig_not", poor_old).status == Status.INELIGIBLE
    assert verdict(fx, "elig_not", {**poor_old, "household_income": 900_000}).status == Status.ELIGIBLE


def test_eligible_reason_in_both_languages(fx: Manual) -> None:
    v = verdict(fx, "elig_dep", {"household_size": 1, "household_income": 900_000, "age": 70})
    assert v.explained("ko") == [(Tri.NO, "생계급여: 해당하지 않음"), (Tri.YES, "나이 70세 ≥ 65세")]
    assert v.explained("en")[0] == (Tri.NO, "Income param: not eligible")


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"has_spouse": False, "household_income": 2_470_000}, Status.ELIGIBLE),
        ({"has_spouse": False, "household_income": 2_470_001}, Status.INELIGIBLE),
        ({"has_spouse": True, "household_income": 3_952_000}, Status.ELIGIBLE),
        ({"has_spouse": True, "household_income": 3_952_001}, Status.INELIGIBLE),
        # has_spouse follows from living alone: the single line applies without asking.
        ({"household_size": 1, "household_income": 2_470_001}, Status.INELIGIBLE),
        ({"household_income": 2_000_000}, Status.UNKNOWN),
    ],
)
def test_param_value_keyed_by_an_answer(fx: Manual, answers: dict[str, Any], expected: Status) -> None:
    assert verdict(fx, "pension", {"age": 70, **answers}).status == expected


def test_keyed_param_without_its_key_is_unknown_and_asks_for_the_key(fx: Manual) -> None:
    v = verdict(fx, "pension", {"age": 70, "household_income": 2_000_000})
    assert v.missing == ("has_spouse",)
    v = verdict(fx, "assets_keyed", {"assets": 150_000_000})
    assert (v.status, v.missing) == (Status.UNKNOWN, ("region",))
    assert verdict(fx, "assets_keyed", {"assets": 150_000_000, "region": "seoul"}).status == Status.ELIGIBLE
    assert verdict(fx, "assets_keyed", {"assets": 150_000_000, "region": "other"}).status == Status.INELIGIBLE


def test_keyed_param_reason_names_the_figure(fx: Manual) -> None:
    v = verdict(fx, "pension", {"age": 70, "has_spouse": True, "household_income": 3_000_000})
    assert texts(v) == ["나이 70세 ≥ 65세", "가구 소득인정액 3,000,000원 ≤ 선정기준액 3,952,000원"]
    assert texts(v, "en")[1] == "Household recognised income KRW 3,000,000 ≤ selection line KRW 3,952,000"


# ---------------------------------------------------------------- Kleene logic

# Unknown is written two ways: an explicit None ("don't know") and an absent answer.
VALUES: dict[str, Any] = {"Y": True, "N": False}
STATUS = {"Y": Status.ELIGIBLE, "N": Status.INELIGIBLE, "U": Status.UNKNOWN}
AND = {
    ("Y", "Y"): "Y", ("Y", "N"): "N", ("Y", "U"): "U",
    ("N", "Y"): "N", ("N", "N"): "N", ("N", "U"): "N",
    ("U", "Y"): "U", ("U", "N"): "N", ("U", "U"): "U",
}  # fmt: skip
OR = {
    ("Y", "Y"): "Y", ("Y", "N"): "Y", ("Y", "U"): "Y",
    ("N", "Y"): "Y", ("N", "N"): "N", ("N", "U"): "U",
    ("U", "Y"): "Y", ("U", "N"): "U", ("U", "U"): "U",
}  # fmt: skip
NOT = {"Y": "N", "N": "Y", "U": "U"}


def _answers(unknown_as: str, **values: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for qid, v in values.items():
        if v in VALUES:
            out[qid] = VALUES[v]
        elif unknown_as == "none":
            out[qid] = None
    return out


@pytest.mark.parametrize("unknown_as", ["none", "absent"])
@pytest.mark.parametrize(("a", "b"), list(AND))
def test_kleene_and(fx: Manual, unknown_as: str, a: str, b: str) -> None:
    v = verdict(fx, "p_all", _answers(unknown_as, flag_a=a, flag_b=b))
    assert v.status == STATUS[AND[(a, b)]]


@pytest.mark.parametrize("unknown_as", ["none", "absent"])
@pytest.mark.parametrize(("a", "b"), list(OR))
def test_kleene_or(fx: Manual, unknown_as: str, a: str, b: str) -> None:
    v = verdict(fx, "p_any", _answers(unknown_as, flag_a=a, flag_b=b))
    assert v.status == STATUS[OR[(a, b)]]


@pytest.mark.parametrize("unknown_as", ["none", "absent"])
@pytest.mark.parametrize("a", list(NOT))
def test_kleene_not(fx: Manual, unknown_as: str, a: str) -> None:
    assert verdict(fx, "p_not_a", _answers(unknown_as, flag_a=a)).status == STATUS[NOT[a]]


@pytest.mark.parametrize(
    ("age", "flag_a", "expected"),
    [
        (70, True, Status.INELIGIBLE),
        (70, False, Status.ELIGIBLE),
        (60, True, Status.ELIGIBLE),
        (70, None, Status.UNKNOWN),
        (60, None, Status.ELIGIBLE),  # not(all) = any(not …): one failing part settles it
    ],
)
def test_not_over_all_follows_de_morgan(fx: Manual, age: int, flag_a: bool | None, expected: Status) -> None:
    assert verdict(fx, "not_all", {"age": age, "flag_a": flag_a}).status == expected


# ---------------------------------------------------------------- reasons


def test_income_reason_exact_text_in_korean_and_english(fx: Manual) -> None:
    v = verdict(fx, "income_param", {"household_size": 1, "household_income": 800_000})
    assert v.explained("ko") == [(Tri.YES, "가구 소득인정액 월 800,000원 ≤ 1인 기준 중위소득 32% 820,556원")]
    assert v.explained("en") == [
        (
            Tri.YES,
            "Household recognised income KRW 800,000 ≤ 32% of standard median income"
            " for 1 person KRW 820,556",
        )
    ]


def test_income_reason_when_over_the_line(fx: Manual) -> None:
    v = verdict(fx, "income_num", {"household_size": 2, "household_income": 1_343_774})
    assert texts(v) == ["가구 소득인정액 월 1,343,774원 > 2인 기준 중위소득 32% 1,343,773원"]
    assert texts(v, "en") == [
        "Household recognised income KRW 1,343,774 > 32% of standard median income for 2 people KRW 1,343,773"
    ]


def test_reasons_partition_into_passed_failed_unknown(fx: Manual) -> None:
    v = verdict(fx, "pension", {"age": 70})
    assert v.status == Status.UNKNOWN
    assert [r.text("ko") for r in v.passed()] == ["나이 70세 ≥ 65세"]
    assert v.failed() == []
    assert len(v.unknown()) == 1
    assert v.unknown()[0].text("ko").startswith("가구 소득인정액: 모름")
    assert sorted(v.passed() + v.failed() + v.unknown(), key=v.reasons.index) == list(v.reasons)

    v = verdict(fx, "elig_dep", {"household_size": 1, "household_income": 900_000, "age": 70})
    assert [r.outcome for r in v.failed()] == [Tri.NO]
    assert [r.outcome for r in v.passed()] == [Tri.YES]
    assert v.unknown() == []


def test_failed_and_reasons_ignore_unknown_parts(fx: Manual) -> None:
    # AND is settled by the failing part; an unanswered question does not clutter the explanation.
    v = verdict(fx, "p_all", {"flag_a": False})
    assert v.explained("ko") == [(Tri.NO, "조건 A: 아니요 — 기준: 예")]
    assert v.explained("en") == [(Tri.NO, "Condition A: no — needs yes")]


def test_not_renders_as_a_plain_statement(fx: Manual) -> None:
    # not: {age ≥ 65} with age 70 fails, and says what holds, not "not less than".
    v = verdict(fx, "not_age", {"age": 70})
    assert v.explained("ko") == [(Tri.NO, "나이 70세 ≥ 65세")]
    assert v.explained("en") == [(Tri.NO, "Age 70 years ≥ 65 years")]
    v = verdict(fx, "not_age", {"age": 60})
    assert v.explained("ko") == [(Tri.YES, "나이 60세 < 65세")]
    v = verdict(fx, "p_not_a", {"flag_a": False})
    assert v.explained("ko") == [(Tri.YES, "조건 A: 아니요")]
    assert v.explained("en") == [(Tri.YES, "Condition A: no")]
    # not over all: only the part that decides is shown, as a plain fact.
    v = verdict(fx, "not_all", {"age": 70, "flag_a": False})
    assert v.explained("en") == [(Tri.YES, "Condition A: no")]
    for _, text in v.explained("en") + verdict(fx, "not_age", {"age": 70}).explained("en"):
        assert "not not" not in text and "not" not in text.split()[:1]


def test_set_reasons_in_both_languages(fx: Manual) -> None:
    v = verdict(fx, "cmp_in", {"disability": "mild"})
    assert texts(v) == ["장애 정도: 심하지 않은 장애 (심하지 않은 장애, 심한 장애 중 하나)"]
    assert texts(v, "en") == ["Registered disability: Mild (one of Mild, Severe)"]
    v = verdict(fx, "cmp_has_none", {"welfare_status": ["medical"]})
    assert texts(v) == ["받고 있는 급여: 의료급여 — 기준: 생계급여, 의료급여 해당 없음"]
    assert texts(v, "en") == [
        "Benefits already received: Medical aid — needs none of Livelihood benefit, Medical aid"
    ]


def test_some_reason_shows_the_condition(fx: Manual) -> None:
    v = verdict(fx, "some_two", {"children_ages": [8, 3]})
    assert texts(v) == ["자녀 나이: 8세, 3세 (≥ 6세, ≤ 18세인 경우가 있음)"]
    assert texts(v, "en") == ["Children's ages: 8 years, 3 years (at least one ≥ 6 years, ≤ 18 years)"]


def test_explained_says_each_reason_once(fx: Manual) -> None:
    v = verdict(fx, "twice", {"age": 70})
    assert len(v.reasons) == 2  # both branches checked age …
    assert v.explained("ko") == [(Tri.YES, "나이 70세 ≥ 65세")]  # … and it is said once


def test_every_reason_renders_in_both_languages(fx: Manual) -> None:
    profiles: list[dict[str, Any]] = [
        {},
        {"age": 70, "household_size": 1, "household_income": 500_000, "flag_a": True, "flag_b": None},
        {"age": 30, "household_size": 3, "has_children": True, "children_ages": [1, 7], "assets": 1},
    ]
    for answers in profiles:
        for v in screen(fx, answers, ON).values():
            for reason in v.reasons:
                ko, en = reason.text("ko"), reason.text("en")
                assert ko and en and ko != en, (v.program, ko)
                assert not any("\uac00" <= ch <= "\ud7a3" for ch in en), (v.program, en)


# ---------------------------------------------------------------- missing and "don't know"


def test_missing_lists_only_questions_that_can_change_the_outcome(fx: Manual) -> None:
    # Settled: nothing is missing, even though flag_b was never answered.
    assert verdict(fx, "p_all", {"flag_a": False}).missing == ()
    assert verdict(fx, "p_any", {"flag_a": True}).missing == ()
    # Undecided: only the unanswered question, not the one already answered.
    assert verdict(fx, "p_all", {"flag_a": True}).missing == ("flag_b",)
    assert set(verdict(fx, "p_all", {}).missing) == {"flag_a", "flag_b"}
    # Income known, household size not: only the size is missing.
    assert verdict(fx, "income_num", {"household_income": 800_000}).missing == ("household_size",)
    # A failing age makes the unknown income irrelevant.
    assert verdict(fx, "elig_dep", {"age": 60}).missing == ()
    assert set(verdict(fx, "elig_dep", {"age": 70}).missing) == {"household_income", "household_size"}


def test_dont_know_keeps_dependents_unknown(fx: Manual) -> None:
    answers = {"household_size": 1, "household_income": None, "age": 70}
    base = verdict(fx, "income_param", answers)
    assert (base.status, base.missing) == (Status.UNKNOWN, ("household_income",))
    dependent = verdict(fx, "elig_dep", answers)
    assert dependent.status == Status.UNKNOWN
    assert dependent.missing == ("household_income",)
    assert texts(dependent) == ["생계급여: 확인 필요", "나이 70세 ≥ 65세"]
    assert texts(dependent, "en")[0] == "Income param: to be checked"
    assert verdict(fx, "elig_not", answers).status == Status.UNKNOWN


def test_dont_know_on_a_gate_does_not_fill_in_the_skipped_default(fx: Manual) -> None:
    # has_children unknown: children_ages is neither asked nor assumed empty.
    assert "children_ages" not in effective_answers(fx, {"has_children": None}, ON)
    assert effective_answers(fx, {"has_children": False}, ON)["children_ages"] == []
    assert verdict(fx, "some_two", {"has_children": None}).status == Status.UNKNOWN
    assert verdict(fx, "some_two", {"has_children": False}).status == Status.INELIGIBLE


def test_implied_answers(fx: Manual) -> None:
    eff = effective_answers(fx, {"household_size": 1}, ON)
    assert eff["lives_alone"] is True and eff["has_spouse"] is False
    eff = effective_answers(fx, {"household_size": 3}, ON)
    assert eff["lives_alone"] is False and "has_spouse" not in eff
    # An explicit answer wins over an implication.
    assert effective_answers(fx, {"household_size": 1, "lives_alone": False}, ON)["lives_alone"] is False
    assert verdict(fx, "alone", {"household_size": 1}).status == Status.ELIGIBLE


def test_screen_returns_every_programme_in_manual_order(fx: Manual) -> None:
    verdicts = screen(fx, {}, ON)
    assert list(verdicts) == list(fx.programs)
    assert all(v.status == Status.UNKNOWN for v in verdicts.values())


# ---------------------------------------------------------------- known bugs


def test_unknown_keyed_figure_does_not_call_a_known_answer_unknown(fx: Manual) -> None:
    v = verdict(fx, "assets_keyed", {"assets": 150_000_000})
    (text,) = texts(v)
    assert "모름" not in text.split("—")[0]
    assert "150,000,000원" in text


def test_unknown_household_size_does_not_call_a_known_income_unknown(fx: Manual) -> None:
    v = verdict(fx, "income_num", {"household_income": 800_000})
    (text,) = texts(v)
    assert "800,000원" in text


# ---------------------------------------------------------------- shipped manual smoke tests


def test_shipped_manual_livelihood_boundary(manual: Manual) -> None:
    answers = {"household_size": 1, "household_income": 820_556, "welfare_status": []}
    pid = "livelihood_benefit"
    at = screen(manual, answers, ON, [pid])[pid]
    over = screen(manual, {**answers, "household_income": 820_557}, ON, [pid])[pid]
    assert over.status == Status.INELIGIBLE
    assert at.status == Status.ELIGIBLE
    assert "가구 소득인정액 월 820,556원 ≤ 1인 기준 중위소득 32% 820,556원" in texts(at)


def test_shipped_manual_screens_every_programme(manual: Manual) -> None:
    verdicts = screen(manual, {"age": 78, "household_size": 1, "household_income": 950_000}, ON)
    assert len(verdicts) >= 40
    assert verdicts["basic_pension"].status in (Status.ELIGIBLE, Status.UNKNOWN)
