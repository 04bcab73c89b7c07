"""Screening: verdicts, reasons in Korean and English, missing answers, "don't know", derived answers.

Most tests use the fixture manual tests/data/manuals/core; a few smoke tests use the shipped manual
and only the eight programmes it has had from the start.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from knowledge.engine import Status, Verdict, effective_answers, screen, show_value
from knowledge.loader import load_manual
from knowledge.manual import Manual
from knowledge.rules import Tri

CORE = Path(__file__).resolve().parent.parent / "data" / "manuals" / "core"
ON = dt.date(2026, 6, 1)
EIGHT = (
    "livelihood_benefit", "medical_aid", "housing_benefit", "education_benefit",
    "basic_pension", "child_allowance", "single_parent_child_allowance", "emergency_welfare",
)  # fmt: skip


@pytest.fixture(scope="module")
def core() -> Manual:
    return load_manual(CORE, today=dt.date(2026, 11, 24))[0]


def verdict(core: Manual, program: str, on: dt.date = ON, **answers: Any) -> Verdict:
    return screen(core, answers, on, [program])[program]


def texts(v: Verdict, lang: str, outcome: Tri | None = None) -> list[str]:
    return [text for out, text in v.explained(lang) if outcome is None or out == outcome]


# ---------------------------------------------------------------- screen()


def test_screen_gives_every_programme_in_manual_order(core: Manual) -> None:
    verdicts = screen(core, {}, ON)
    assert list(verdicts) == list(core.programs)
    assert all(v.status == Status.UNKNOWN for v in verdicts.values())
    assert all(v.program == pid for pid, v in verdicts.items())


def test_manual_order_follows_domains(core: Manual) -> None:
    domains = list(core.domains)
    ranks = [domains.index(core.programs[pid].domain) for pid in screen(core, {}, ON)]
    assert ranks == sorted(ranks)
    assert [core.programs[pid].order for pid in core.programs] == list(range(len(core.programs)))


def test_screen_a_subset_in_the_order_asked(core: Manual) -> None:
    verdicts = screen(core, {}, ON, ["medical_aid", "livelihood_benefit"])
    assert list(verdicts) == ["medical_aid", "livelihood_benefit"]


def test_screen_does_not_change_the_answers(core: Manual) -> None:
    answers: dict[str, Any] = {"household_size": 1}
    screen(core, answers, ON)
    assert answers == {"household_size": 1}


def test_statuses_are_the_fixed_strings(core: Manual) -> None:
    assert {s.value for s in Status} == {"eligible", "ineligible", "unknown"}


def test_a_typical_household(core: Manual) -> None:
    answers = {
        "age": 78, "household_size": 1, "household_income": 600_000, "assets": 30_000_000,
        "welfare_status": [], "housing_type": "monthly_rent", "monthly_rent": 250_000, "region": "seoul",
        "crisis": [],
    }  # fmt: skip
    statuses = {pid: v.status.value for pid, v in screen(core, answers, ON).items()}
    assert statuses == {
        "livelihood_benefit": "eligible",
        "basic_pension": "eligible",
        "emergency_welfare": "ineligible",
        "senior_care": "eligible",
        "rent_support": "eligible",
        "tenant_help": "eligible",
        "medical_aid": "eligible",
        "child_allowance": "ineligible",  # household of one: no children (implied), ages [] (not asked)
        "single_parent_allowance": "ineligible",
        "large_family": "ineligible",
    }


# ---------------------------------------------------------------- reasons: text


def test_income_reason_in_korean_and_english(core: Manual) -> None:
    v = verdict(core, "livelihood_benefit", household_size=1, household_income=800_000)
    assert v.status == Status.ELIGIBLE
    assert texts(v, "ko") == ["가구 소득인정액 월 800,000원 ≤ 1인 기준 중위소득 32% 820,556원"]
    assert texts(v, "en") == [
        "Household recognised income KRW 800,000 ≤ 32% of standard median income for 1 person KRW 820,556"
    ]


def test_income_reason_when_over_the_line(core: Manual) -> None:
    v = verdict(core, "livelihood_benefit", household_size=1, household_income=820_557, welfare_status=[])
    assert v.status == Status.INELIGIBLE
    assert "가구 소득인정액 월 820,557원 > 1인 기준 중위소득 32% 820,556원" in texts(v, "ko", Tri.NO)
    assert (
        "Household recognised income KRW 820,557 > 32% of standard median income for 1 person KRW 820,556"
        in texts(v, "en", Tri.NO)
    )


def test_income_reason_for_larger_households_in_english_is_plural(core: Manual) -> None:
    v = verdict(core, "livelihood_benefit", household_size=4, household_income=2_000_000)
    assert texts(v, "ko") == ["가구 소득인정액 월 2,000,000원 ≤ 4인 기준 중위소득 32% 2,078,316원"]
    assert texts(v, "en") == [
        "Household recognised income KRW 2,000,000 ≤ 32% of standard median income for 4 people KRW 2,078,316"
    ]


def test_threshold_reason_names_the_figure(core: Manual) -> None:
    v = verdict(core, "basic_pension", age=70, household_income=2_000_000, has_spouse=False)
    assert texts(v, "ko") == [
        "나이 70세 ≥ 65세",
        "가구 소득인정액 2,000,000원 ≤ 기초연금 선정기준액 2,470,000원",
    ]
    assert texts(v, "en") == [
        "Age 70 years ≥ 65 years",
        "Household recognised income KRW 2,000,000 ≤ basic pension income threshold KRW 2,470,000",
    ]


def test_failed_numeric_reason_states_what_holds(core: Manual) -> None:
    v = verdict(core, "basic_pension", age=64, household_income=0, has_spouse=False)
    assert v.status == Status.INELIGIBLE
    assert texts(v, "ko", Tri.NO) == ["나이 64세 < 65세"]
    assert texts(v, "en", Tri.NO) == ["Age 64 years < 65 years"]


def test_not_renders_as_a_plain_statement(core: Manual) -> None:
    # tenant_help: not housing_type = owner; not welfare_status has_any [housing]
    ok = verdict(
        core, "tenant_help", housing_type="jeonse", welfare_status=[], household_size=1,
        household_income=0, region="seoul",
    )  # fmt: skip
    assert ok.status == Status.ELIGIBLE
    assert texts(ok, "ko")[:2] == ["주거 형태: 전세", "받고 있는 급여: 없음 (주거급여 해당 없음)"]
    assert texts(ok, "en")[:2] == [
        "Housing: Jeonse",
        "Benefits already received: none (none of Housing benefit)",
    ]
    owner = verdict(core, "tenant_help", housing_type="owner", welfare_status=["housing", "medical"])
    assert owner.status == Status.INELIGIBLE
    assert texts(owner, "ko", Tri.NO) == [
        "주거 형태: 자기 집 — 기준: 자기 집 아님",
        "받고 있는 급여: 주거급여, 의료급여 — 기준: 주거급여 해당 없음",
    ]
    assert texts(owner, "en", Tri.NO) == [
        "Housing: Own home — needs not Own home",
        "Benefits already received: Housing benefit, Medical aid — needs none of Housing benefit",
    ]
    for text in texts(ok, "ko") + texts(owner, "ko") + texts(ok, "en") + texts(owner, "en"):
        assert "not(" not in text and "not:" not in text


def test_not_of_a_number_comparison_flips_the_symbol_not_the_words(core: Manual) -> None:
    from knowledge.engine import Evaluation
    from knowledge.rules import evaluate, parse_rule

    rule = parse_rule({"not": {"answer": "age", "ge": 65}})
    young = evaluate(rule, Evaluation(core, {"age": 60}, ON))
    old = evaluate(rule, Evaluation(core, {"age": 70}, ON))
    assert (young.tri, young.reasons[0].text("ko"), young.reasons[0].text("en")) == (
        Tri.YES, "나이 60세 < 65세", "Age 60 years < 65 years",
    )  # fmt: skip
    assert (old.tri, old.reasons[0].text("ko")) == (Tri.NO, "나이 70세 ≥ 65세")


def test_not_of_income_states_the_comparison(core: Manual) -> None:
    from knowledge.engine import Evaluation
    from knowledge.rules import evaluate, parse_rule

    rule = parse_rule({"not": {"income_at_most": {"percent": 32}}})
    result = evaluate(rule, Evaluation(core, {"household_size": 1, "household_income": 900_000}, ON))
    assert result.tri == Tri.YES
    assert result.reasons[0].text("ko") == "가구 소득인정액 월 900,000원 > 1인 기준 중위소득 32% 820,556원"


def test_some_and_set_reasons(core: Manual) -> None:
    v = verdict(core, "child_allowance", children_ages=[3, 10])
    assert texts(v, "ko") == ["자녀 나이: 3세, 10세 (< 9세인 경우가 있음)"]
    assert texts(v, "en") == ["Children's ages: 3 years, 10 years (at least one < 9 years)"]
    older = verdict(core, "child_allowance", children_ages=[10])
    assert texts(older, "ko") == ["자녀 나이: 10세 — 기준: < 9세인 경우가 있음"]
    assert texts(older, "en") == ["Children's ages: 10 years — needs at least one < 9 years"]


def test_count_reasons(core: Manual) -> None:
    v = verdict(core, "large_family", children_ages=[3, 10])
    assert texts(v, "ko") == ["자녀 나이: 3세, 10세 — 기준: ≥ 3명"]
    assert texts(v, "en") == ["Children's ages: 3 years, 10 years — needs ≥ 3"]


def test_eligible_reasons(core: Manual) -> None:
    v = verdict(core, "senior_care", age=70, household_income=1_000_000, has_spouse=False)
    assert texts(v, "ko") == ["나이 70세 ≥ 65세", "기초연금: 받을 수 있음"]
    assert texts(v, "en") == ["Age 70 years ≥ 65 years", "Basic pension: eligible"]
    unknown = verdict(core, "senior_care", age=70)
    assert "기초연금: 확인 필요" in texts(unknown, "ko", Tri.UNKNOWN)
    assert "Basic pension: to be checked" in texts(unknown, "en", Tri.UNKNOWN)


def test_unknown_reasons_say_what_is_needed(core: Manual) -> None:
    v = verdict(core, "basic_pension")
    assert texts(v, "ko") == [
        "나이: 모름 — 기준: ≥ 65세",
        "가구 소득인정액: 모름 — 기준: ≤ 기초연금 선정기준액 (배우자와 함께 삶에 따라)",
    ]
    assert texts(v, "en") == [
        "Age: unknown — needs ≥ 65 years",
        "Household recognised income: unknown — needs ≤ basic pension income threshold "
        "(depends on lives with a spouse)",
    ]
    income = verdict(core, "livelihood_benefit", welfare_status=[])
    assert texts(income, "ko", Tri.UNKNOWN) == ["가구 소득인정액: 모름 — 기준: ≤ 기준 중위소득 32%"]
    assert texts(income, "en", Tri.UNKNOWN) == [
        "Household recognised income: unknown — needs ≤ standard median income 32%"
    ]


def test_unknown_reason_shows_a_known_answer(core: Manual) -> None:
    # the answer is given; only the key of the figure (region) or the household size is missing
    rent = verdict(core, "rent_support", housing_type="monthly_rent", monthly_rent=369_001)
    assert texts(rent, "ko", Tri.UNKNOWN)[0] == "월세: 369,001원 — 기준: ≤ 월세 지원 상한 (사는 지역에 따라)"
    assert texts(rent, "en", Tri.UNKNOWN)[0] == (
        "Monthly rent: KRW 369,001 — needs ≤ rent support cap (depends on region)"
    )
    income = verdict(core, "livelihood_benefit", welfare_status=[], household_income=820_556)
    assert texts(income, "ko", Tri.UNKNOWN) == ["가구 소득인정액: 820,556원 — 기준: ≤ 기준 중위소득 32%"]
    assert income.missing == ("household_size",)


def test_every_reason_has_text_in_both_languages(core: Manual) -> None:
    households: list[dict[str, Any]] = [
        {},
        {"age": 70, "household_size": 2, "household_income": 3_000_000, "has_children": True},
        {"household_size": 3, "has_children": True, "children_ages": [1, 7, 12], "single_parent": True,
         "housing_type": "monthly_rent", "monthly_rent": 500_000, "region": "other", "crisis": ["job_loss"],
         "welfare_status": ["near_poor"], "household_income": 1_000_000, "assets": 0, "age": 35},
    ]  # fmt: skip
    for answers in households:
        for v in screen(core, answers, ON).values():
            assert v.reasons, v.program
            for reason in v.reasons:
                ko, en = reason.text("ko"), reason.text("en")
                assert ko and en and ko != en
                assert any("\uac00" <= ch <= "\ud7a3" for ch in ko), ko
                assert not any("\uac00" <= ch <= "\ud7a3" for ch in en.replace("(", "")), en


# ---------------------------------------------------------------- reasons: passed / failed / unknown


def _partition(v: Verdict) -> None:
    parts = v.passed() + v.failed() + v.unknown()
    assert sorted(map(id, parts)) == sorted(map(id, v.reasons))
    assert all(r.outcome == Tri.YES for r in v.passed())
    assert all(r.outcome == Tri.NO for r in v.failed())
    assert all(r.outcome == Tri.UNKNOWN for r in v.unknown())


def test_eligible_by_any_keeps_only_what_passed(core: Manual) -> None:
    v = verdict(core, "livelihood_benefit", household_size=1, household_income=0)  # welfare_status unknown
    _partition(v)
    assert v.status == Status.ELIGIBLE
    assert (len(v.passed()), len(v.failed()), len(v.unknown())) == (1, 0, 0)


def test_ineligible_by_all_keeps_passed_and_failed(core: Manual) -> None:
    v = verdict(core, "basic_pension", age=40, household_income=100, has_spouse=False)
    _partition(v)
    assert v.status == Status.INELIGIBLE
    assert texts(v, "ko", Tri.YES) == ["가구 소득인정액 100원 ≤ 기초연금 선정기준액 2,470,000원"]
    assert texts(v, "ko", Tri.NO) == ["나이 40세 < 65세"]
    assert v.unknown() == []


def test_ineligible_drops_the_unknowns_that_did_not_matter(core: Manual) -> None:
    v = verdict(core, "basic_pension", age=40)
    _partition(v)
    assert v.status == Status.INELIGIBLE
    assert (len(v.passed()), len(v.failed()), len(v.unknown())) == (0, 1, 0)


def test_unknown_keeps_all_three_kinds(core: Manual) -> None:
    v = verdict(
        core, "rent_support", housing_type="monthly_rent", monthly_rent=100_000, region="seoul",
        household_size=2,
    )  # fmt: skip
    _partition(v)
    assert v.status == Status.UNKNOWN
    assert len(v.passed()) == 2 and len(v.unknown()) == 1 and v.failed() == []
    unsure = verdict(core, "livelihood_benefit", household_size=1, household_income=900_000)
    _partition(unsure)
    assert unsure.status == Status.UNKNOWN
    assert (len(unsure.passed()), len(unsure.failed()), len(unsure.unknown())) == (0, 1, 1)


def test_explained_says_each_reason_once(core: Manual) -> None:
    from knowledge.engine import Evaluation
    from knowledge.rules import evaluate, parse_rule

    rule = parse_rule(
        {"any": [{"all": [{"answer": "age", "ge": 65}]}, {"all": [{"answer": "age", "ge": 65}]}]}
    )
    result = evaluate(rule, Evaluation(core, {"age": 70}, ON))
    v = Verdict("x", Status.ELIGIBLE, result.reasons, result.missing)
    assert len(v.reasons) == 2
    assert v.explained("ko") == [(Tri.YES, "나이 70세 ≥ 65세")]


# ---------------------------------------------------------------- missing


def test_missing_only_lists_what_could_change_the_outcome(core: Manual) -> None:
    # income is over the line, but already receiving livelihood would still make it eligible
    v = verdict(core, "livelihood_benefit", household_size=1, household_income=900_000)
    assert v.status == Status.UNKNOWN
    assert v.missing == ("welfare_status",)


def test_decided_verdicts_have_no_missing(core: Manual) -> None:
    assert verdict(core, "basic_pension", age=40).missing == ()
    assert verdict(core, "rent_support", housing_type="owner").missing == ()
    assert verdict(core, "livelihood_benefit", welfare_status=["livelihood"]).missing == ()


def test_missing_through_eligible_and_keyed_parameters(core: Manual) -> None:
    v = verdict(core, "senior_care", age=70, welfare_status=[])
    assert v.status == Status.UNKNOWN
    assert set(v.missing) == {"household_income", "has_spouse"}
    assert verdict(core, "senior_care", age=70, welfare_status=["near_poor"]).missing == ()


def test_missing_for_an_empty_answer_set(core: Manual) -> None:
    verdicts = screen(core, {}, ON)
    assert set(verdicts["livelihood_benefit"].missing) == {
        "welfare_status",
        "household_income",
        "household_size",
    }
    assert set(verdicts["rent_support"].missing) == {
        "housing_type", "monthly_rent", "region", "household_income", "household_size",
    }  # fmt: skip
    assert verdicts["child_allowance"].missing == ("children_ages",)


def test_missing_never_contains_answered_questions(core: Manual) -> None:
    answers = {"age": 70, "household_size": 2, "housing_type": "monthly_rent", "welfare_status": []}
    for v in screen(core, answers, ON).values():
        assert not set(v.missing) & set(answers), v.program


# ---------------------------------------------------------------- derived answers and "don't know"


def test_implied_answers(core: Manual) -> None:
    alone = effective_answers(core, {"household_size": 1}, ON)
    assert alone["lives_alone"] is True
    assert alone["has_spouse"] is False
    assert alone["has_children"] is False
    assert alone["children_ages"] == []  # has_children false → children_ages not asked → []
    assert alone["single_parent"] is False
    family = effective_answers(core, {"household_size": 3}, ON)
    assert family["lives_alone"] is False
    assert "has_spouse" not in family and "has_children" not in family


def test_given_answers_beat_implied_ones(core: Manual) -> None:
    out = effective_answers(core, {"household_size": 1, "has_children": True, "children_ages": [4]}, ON)
    assert out["has_children"] is True
    assert out["children_ages"] == [4]
    assert "single_parent" not in out


def test_when_not_asked_fills_skipped_questions(core: Manual) -> None:
    out = effective_answers(core, {"housing_type": "jeonse"}, ON)
    assert out["monthly_rent"] == 0
    assert "monthly_rent" not in effective_answers(core, {"housing_type": "monthly_rent"}, ON)
    assert "monthly_rent" not in effective_answers(core, {}, ON)


def test_dont_know_keeps_dependents_unknown(core: Manual) -> None:
    out = effective_answers(core, {"household_size": None, "has_children": None}, ON)
    assert "lives_alone" not in out and "has_spouse" not in out
    assert "children_ages" not in out and "single_parent" not in out
    verdicts = screen(core, {"household_size": None, "has_children": None, "household_income": 0}, ON)
    assert verdicts["child_allowance"].status == Status.UNKNOWN
    assert verdicts["livelihood_benefit"].status == Status.UNKNOWN
    assert "household_size" in verdicts["livelihood_benefit"].missing


def test_dont_know_equals_not_answered_for_verdicts(core: Manual) -> None:
    base = {"age": 70, "household_size": 2, "household_income": 3_000_000}
    with_none = screen(core, {**base, "has_spouse": None}, ON)
    without = screen(core, base, ON)
    assert {p: v.status for p, v in with_none.items()} == {p: v.status for p, v in without.items()}
    assert {p: v.missing for p, v in with_none.items()} == {p: v.missing for p, v in without.items()}


# ---------------------------------------------------------------- show_value


@pytest.mark.parametrize(
    ("qid", "value", "ko", "en"),
    [
        ("household_income", 820_556, "820,556원", "KRW 820,556"),
        ("age", 72, "72세", "72 years"),
        ("household_size", 1, "1명", "1 people"),
        ("has_spouse", True, "예", "yes"),
        ("has_spouse", False, "아니요", "no"),
        ("housing_type", "monthly_rent", "월세", "Monthly rent"),
        ("welfare_status", ["livelihood", "near_poor"], "생계급여, 차상위계층",
         "Livelihood benefit, Near-poor certificate"),
        ("welfare_status", [], "없음", "none"),
        ("children_ages", [0, 7], "0세, 7세", "0 years, 7 years"),
        ("age", None, "모름", "don't know"),
    ],
)  # fmt: skip
def test_show_value(core: Manual, qid: str, value: Any, ko: str, en: str) -> None:
    assert show_value(core, qid, value, "ko") == ko
    assert show_value(core, qid, value, "en") == en


# ---------------------------------------------------------------- smoke: the shipped manual's first eight


def test_shipped_livelihood_boundary(manual: Manual, today: dt.date) -> None:
    at = screen(
        manual, {"household_size": 1, "household_income": 820_556, "welfare_status": []}, today, EIGHT
    )
    over = screen(
        manual, {"household_size": 1, "household_income": 820_557, "welfare_status": []}, today, EIGHT
    )
    assert at["livelihood_benefit"].status == Status.ELIGIBLE
    assert over["livelihood_benefit"].status == Status.INELIGIBLE
    assert "가구 소득인정액 월 820,556원 ≤ 1인 기준 중위소득 32% 820,556원" in texts(
        at["livelihood_benefit"], "ko"
    )


def test_shipped_eight_programmes_reach_definite_verdicts(manual: Manual, today: dt.date) -> None:
    answers = {
        "age": 34, "household_size": 3, "household_income": 2_500_000, "assets": 10_000_000,
        "welfare_status": [], "has_spouse": False, "has_children": True, "children_ages": [3, 10],
        "single_parent": True, "housing_type": "jeonse", "region": "other", "crisis": ["job_loss"],
        "student_level": "none",
    }  # fmt: skip
    verdicts = screen(manual, answers, today, EIGHT)
    assert all(v.status != Status.UNKNOWN for v in verdicts.values()), {
        p: v.missing for p, v in verdicts.items() if v.status == Status.UNKNOWN
    }
    assert verdicts["child_allowance"].status == Status.ELIGIBLE
    assert verdicts["basic_pension"].status == Status.INELIGIBLE
    assert verdicts["livelihood_benefit"].status == Status.INELIGIBLE


def test_shipped_empty_answers_are_all_unknown(manual: Manual, today: dt.date) -> None:
    verdicts = screen(manual, {}, today, EIGHT)
    assert all(v.status == Status.UNKNOWN and v.missing for v in verdicts.values())
