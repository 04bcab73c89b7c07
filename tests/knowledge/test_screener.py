"""The Screener on a small manual written for these tests: verdicts, reasons, units, exclusions, questions.

The manual below is built in a temporary directory with the shipped facts vocabulary and units, so the
tests pin the engine's semantics and not the figures of the real manual (tests/cases pin those).
"""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from knowledge.explain import explain
from knowledge.loader import load_manual
from knowledge.manual import DEFAULT_DIR
from knowledge.questioning import candidates, next_question
from knowledge.screener import Screener, Status, Verdict

AS_OF = dt.date(2026, 6, 1)
SOURCE = "sources: [{title: test, as_of: 2026-11-01}]"

FILES = {
    "domains.yaml": """
        domains:
          - {id: income, name: {ko: 소득, en: Income}}
        groups:
          - {id: all, name: {ko: 모두, en: Everyone}}
    """,
    "parameters.yaml": f"""
        parameters:
          - id: median
            label: {{ko: 기준 중위소득, en: median income}}
            unit: KRW/month
            by: household size
            extend_by_last_step: true
            values:
              2026-01-01: {{1: 2000000, 2: 3000000, 3: 4000000}}
            {SOURCE}
          - id: low_rate
            label: {{ko: 선정 비율, en: selection rate}}
            unit: percent
            values: {{2026-01-01: 50}}
            {SOURCE}
          - id: pension_age
            label: {{ko: 연금 나이, en: pension age}}
            unit: years
            values: {{2026-01-01: 65}}
            {SOURCE}
          - id: couple_line
            label: {{ko: 부부 기준액, en: couple line}}
            unit: KRW/month
            by: couple
            values: {{2026-01-01: {{"false": 1000000, "true": 1600000}}}}
            {SOURCE}
          - id: regional_allowance
            label: {{ko: 지역 공제, en: regional allowance}}
            unit: KRW
            by: region
            values:
              2026-01-01:
                {{seoul: 100, gyeonggi: 80, incheon: 80, metro_city: 70, sejong: 70,
                  other_city: 50, county: 50}}
            {SOURCE}
    """,
    "computed.yaml": """
        computed:
          - id: size
            label: {ko: 가구원 수, en: household size}
            unit: people
            formula: "count(household)"
          - id: household_income
            label: {ko: 가구 소득, en: household income}
            formula: "sum(household, earned_income + other_income)"
          - id: couple_income
            label: {ko: 부부 소득, en: couple income}
            formula: "sum(couple, earned_income + other_income)"
            explain: {ko: "본인·배우자 소득 {couple_income}", en: "the couple's income {couple_income}"}
          - id: wage_deduction
            per: person
            label: {ko: 근로공제, en: wage deduction}
            formula: "min(earned_income, 500000)"
          - id: assessed
            label: {ko: 평가액, en: assessed}
            formula: "max(0, household_income - sum(household, wage_deduction))"
          - id: is_couple
            label: {ko: 부부, en: couple}
            unit: yes/no
            formula: "count(spouse) == 1"
          - id: low_line
            label: {ko: 선정기준액, en: selection line}
            formula: "round(median(size) * low_rate)"
    """,
    "questions.yaml": """
        questions:
          - id: age
            type: int
            short: {ko: 나이, en: Age}
            text: {ko: "나이는?", en: "Age?"}
            min: 0
            max: 120
          - id: members
            type: members
            short: {ko: 함께 사는 사람, en: Members}
            text: {ko: "누구와?", en: "Who?"}
            choices:
              - {value: spouse, label: {ko: 배우자, en: Spouse}}
              - {value: child, label: {ko: 자녀, en: Child}}
          - id: household_size
            type: int
            short: {ko: 가구원 수, en: Size}
            text: {ko: "몇 명?", en: "How many?"}
            min: 1
            max: 20
          - id: household_income
            type: money
            short: {ko: 가구 소득, en: Household income}
            text: {ko: "가구 소득?", en: "Household income?"}
          - id: self_income
            type: money
            fact: self.income
            short: {ko: 본인 소득, en: Own income}
            text: {ko: "본인 소득?", en: "Own income?"}
            ask_if: "count(household) > 1"
          - id: household_earned_income
            type: money
            fact: household.earned_income
            short: {ko: 근로소득, en: Earnings}
            text: {ko: "그중 근로소득?", en: "Earnings?"}
          - id: region
            type: choice
            short: {ko: 지역, en: Region}
            text: {ko: "지역?", en: "Region?"}
            choices:
              - {value: seoul, label: {ko: 서울, en: Seoul}}
              - {value: capital_area, label: {ko: 경기·인천, en: Gyeonggi or Incheon}}
              - {value: other, label: {ko: 그 밖, en: Elsewhere}}
          - id: pregnant
            type: bool
            short: {ko: 임신, en: Pregnant}
            text: {ko: "임신?", en: "Pregnant?"}
            ask_if: "self.age >= 15 and self.age <= 49"
            when_not_asked: false
          - id: welfare_status
            type: multi_choice
            short: {ko: 수급, en: Benefits}
            text: {ko: "받는 급여?", en: "Benefits?"}
            choices:
              - {value: livelihood, label: {ko: 생계급여, en: Livelihood}}
              - {value: medical, label: {ko: 의료급여, en: Medical}}
    """,
    "programs.yaml": """
        programs:
          - id: livelihood_benefit
            <<: &common
              domain: income
              groups: [all]
              summary: {ko: 요약, en: summary}
              benefit: {ko: 혜택, en: benefit}
              apply: {where: {ko: 동, en: centre}}
              sources: [{title: test, as_of: 2026-11-01}]
            name: {ko: 생계급여, en: Livelihood}
            rule: "assessed <= low_line"
          - id: medical_aid
            <<: *common
            name: {ko: 의료급여, en: Medical aid}
            rule: "assessed <= round(median(size) * 60%)"
          - id: ceiling
            <<: *common
            name: {ko: 상한제, en: Ceiling}
            replaced_by: [medical_aid]
            rule: "self.age >= 0"
          - id: pension
            <<: *common
            name: {ko: 연금, en: Pension}
            rule:
              all:
                - "self.age >= pension_age"
                - "couple_income <= couple_line(is_couple)"
          - id: mothers
            <<: *common
            name: {ko: 산모, en: Mothers}
            rule: "self.pregnant"
          - id: regional
            <<: *common
            name: {ko: 지역, en: Regional}
            rule: "regional_allowance(region) >= 80"
          - id: follows_pension
            <<: *common
            name: {ko: 연금 따라, en: Follows pension}
            rule:
              test: "eligible(pension)"
              label: {ko: 연금 대상, en: Pension holder}
    """,
}


@pytest.fixture(scope="module")
def screener(tmp_path_factory: pytest.TempPathFactory) -> Screener:
    root: Path = tmp_path_factory.mktemp("manual")
    for name in ("facts.yaml", "units.yaml"):
        shutil.copy(DEFAULT_DIR / name, root / name)
    for name, text in FILES.items():
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    manual, _ = load_manual(root, today=AS_OF)
    return Screener(manual)


def verdict(screener: Screener, facts: dict[str, Any], pid: str) -> Verdict:
    return screener.screen(facts, AS_OF, [pid])[pid]


def texts(v: Verdict) -> list[str]:
    return [text for _, text in v.explained("ko")]


# ---------------------------------------------------------------- the law's unit


def test_a_household_total_bounds_the_couple_and_settles_when_low_enough(screener: Screener) -> None:
    # 3 people, 900,000 in all: whatever the couple's share, it is within the 1,000,000 line
    low = verdict(
        screener,
        {"age": 70, "household_size": 3, "has_spouse": False, "household_income": 900_000},
        "pension",
    )
    assert low.status == Status.ELIGIBLE


def test_a_wider_household_is_never_guessed_from_its_total(screener: Screener) -> None:
    facts = {"age": 74, "members": ["child"], "household_income": 4_000_000}
    v = verdict(screener, facts, "pension")
    assert v.status == Status.UNKNOWN
    assert set(v.missing) == {"self.earned_income", "self.other_income"}
    assert "self_income" in v.questions
    own = verdict(screener, {**facts, "self_income": 0}, "pension")
    assert own.status == Status.ELIGIBLE


def test_version_2_people_count_only_the_couple(screener: Screener) -> None:
    people = [
        {"relation": "self", "age": 74, "earned_income": 0, "other_income": 300_000},
        {"relation": "child", "age": 45, "earned_income": 4_000_000, "other_income": 0},
    ]
    assert verdict(screener, {"people": people}, "pension").status == Status.ELIGIBLE
    assert verdict(screener, {"people": people}, "livelihood_benefit").status == Status.INELIGIBLE


def test_wage_deduction_per_person_and_the_total_minus_deduction_range(screener: Screener) -> None:
    # one person, 1,100,000 in wages: assessed 600,000 ≤ 1,000,000 (50% of 2,000,000)
    wages = verdict(
        screener,
        {"people": [{"relation": "self", "age": 40, "earned_income": 1_100_000, "other_income": 0}]},
        "livelihood_benefit",
    )
    assert wages.status == Status.ELIGIBLE
    # 1,300,000 in all, wage share unknown: 800,000 to 1,300,000 — straddles the line, waits for the split
    split = verdict(screener, {"age": 40, "members": [], "household_income": 1_300_000}, "livelihood_benefit")
    assert split.status == Status.UNKNOWN
    assert "household_earned_income" in split.questions
    assert any("800,000원~1,300,000원" in t for t in texts(split))
    # below 1,000,000 whatever the split
    assert (
        verdict(
            screener, {"age": 40, "members": [], "household_income": 990_000}, "livelihood_benefit"
        ).status
        == Status.ELIGIBLE
    )


def test_a_keyed_parameter_with_a_partly_known_key(screener: Screener) -> None:
    # version 1 capital_area is Gyeonggi or Incheon: both 80, so the verdict is definite
    assert verdict(screener, {"region": "capital_area"}, "regional").status == Status.ELIGIBLE
    assert verdict(screener, {"region": "other"}, "regional").status == Status.INELIGIBLE
    unknown = verdict(screener, {}, "regional")
    assert unknown.status == Status.UNKNOWN and unknown.missing == ("region",)


# ---------------------------------------------------------------- received, replaced, depending


def test_a_programme_already_received_is_shown_as_received(screener: Screener) -> None:
    v = verdict(screener, {"receiving": ["livelihood_benefit"]}, "livelihood_benefit")
    assert v.status == Status.ELIGIBLE and v.receiving
    assert texts(v) == ["이미 받고 있어요"]


def test_replaced_by_gives_instead(screener: Screener) -> None:
    facts = {"people": [{"relation": "self", "age": 40, "earned_income": 0, "other_income": 0}]}
    v = verdict(screener, facts, "ceiling")
    assert v.status == Status.INELIGIBLE and v.instead == "medical_aid"
    assert texts(v) == ["의료급여가 대신 적용돼요"]
    rich = {
        "people": [{"relation": "self", "age": 40, "earned_income": 0, "other_income": 9_000_000}],
        "receiving": [],
    }
    assert verdict(screener, rich, "ceiling").status == Status.ELIGIBLE
    # the replacing programme undecided: this one cannot be promised either
    maybe = verdict(screener, {"age": 40}, "ceiling")
    assert maybe.status == Status.UNKNOWN and maybe.instead is None


def test_eligible_of_another_programme_and_a_hand_worded_reason(screener: Screener) -> None:
    v = verdict(
        screener,
        {"people": [{"relation": "self", "age": 70, "earned_income": 0, "other_income": 0}]},
        "follows_pension",
    )
    assert v.status == Status.ELIGIBLE
    assert texts(v) == ["연금 대상"]


def test_a_question_ruled_out_by_its_gate_takes_its_assumed_answer(screener: Screener) -> None:
    assert verdict(screener, {"age": 78}, "mothers").status == Status.INELIGIBLE
    young = verdict(screener, {"age": 30}, "mothers")
    assert young.status == Status.UNKNOWN and young.missing == ("self.pregnant",)


# ---------------------------------------------------------------- reasons and explain


def test_reasons_state_what_holds_with_the_figures(screener: Screener) -> None:
    v = verdict(
        screener,
        {"people": [{"relation": "self", "age": 60, "earned_income": 0, "other_income": 0}]},
        "pension",
    )
    lines = texts(v)
    assert "나이 60세 < 연금 나이 65세" in lines
    assert v.status == Status.INELIGIBLE
    eligible = verdict(
        screener,
        {"people": [{"relation": "self", "age": 70, "earned_income": 0, "other_income": 200_000}]},
        "pension",
    )
    assert any(
        t.startswith("부부 소득 월 200,000원 (본인·배우자 소득 월 200,000원) ≤ ")
        and t.endswith("부부 기준액 (부부 아니요) 월 1,000,000원")
        for t in texts(eligible)
    ), texts(eligible)
    english = [t for _, t in eligible.explained("en")]
    assert "Age 70 years ≥ pension age 65 years" in english


def test_explain_prints_the_whole_computation(screener: Screener) -> None:
    facts = {"people": [{"relation": "self", "age": 40, "earned_income": 700_000, "other_income": 100_000}]}
    text = explain(screener, facts, AS_OF, "livelihood_benefit")
    assert "생계급여 [livelihood_benefit] — 받을 수 있어요" in text
    assert "평가액 [assessed] = 월 300,000원" in text  # 800,000 − min(700,000, 500,000)
    assert "근로공제 [wage_deduction] — 사람마다" in text
    assert "self: 월 500,000원" in text
    assert "선정 비율 [low_rate] (percent) 50" in text
    assert "식: assessed <= low_line" in text


# ---------------------------------------------------------------- questions


def test_the_first_questions_are_who_lives_there_and_the_total_before_any_breakdown(
    screener: Screener,
) -> None:
    answers: dict[str, Any] = {"age": 74}
    assert next_question(screener, answers, AS_OF) == "members"
    answers["members"] = ["child"]
    asked = next_question(screener, answers, AS_OF)
    assert asked in ("household_income", "region", "welfare_status")
    scores = candidates(screener, {**answers, "household_income": 4_000_000}, AS_OF)
    assert "self_income" in scores


def test_no_breakdown_is_asked_when_the_total_settles_everything(screener: Screener) -> None:
    answers = {"age": 70, "members": [], "household_income": 0, "region": "seoul", "welfare_status": []}
    assert next_question(screener, answers, AS_OF) is None
    for v in screener.screen(answers, AS_OF).values():
        assert v.status != Status.UNKNOWN, v.program


def test_a_dont_know_is_never_asked_again(screener: Screener) -> None:
    answers: dict[str, Any] = {
        "age": None,
        "members": [],
        "household_income": None,
        "region": None,
        "welfare_status": None,
    }
    seen = set()
    while (qid := next_question(screener, answers, AS_OF)) is not None:
        assert qid not in seen and qid not in answers
        seen.add(qid)
        answers[qid] = None


def test_contradictory_answers_stop_questioning_instead_of_guessing(screener: Screener) -> None:
    assert candidates(screener, {"household_size": 1, "members": ["spouse"]}, AS_OF) == {}
