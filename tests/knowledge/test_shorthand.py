"""Staff quick-check shorthand: one line of notes → answers, and nothing said is lost."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from knowledge.household import V1_REGION, is_fact
from knowledge.manual import Manual
from knowledge.model import Question, QuestionType
from knowledge.parsing import normalize
from knowledge.shorthand import TOKENS, Shorthand, V, parse_shorthand

RENT_ALONE = {
    "age": 72,
    "household_size": 1,
    "household_income": 800_000,
    "lives_alone": True,
    "disability": "none",
    "housing_type": "monthly_rent",
    "monthly_rent": 250_000,
}

# (typed line, answers, unparsed)
CASES = [
    ("72세 1인 월80만 독거 장애없음 월세25만", RENT_ALONE, []),
    ("72세, 1인, 월 80만원, 독거, 장애 없음, 월세 25만", RENT_ALONE, []),
    ("age 72, 1 person, income 800k, alone, no disability, rent 250k", RENT_ALONE, []),
    (
        "만72 3인가구 소득 80만 재산 5천만 부부 경증 전세 서울",
        {
            "age": 72,
            "household_size": 3,
            "household_income": 800_000,
            "assets": 50_000_000,
            "has_spouse": True,
            "disability": "mild",
            "housing_type": "jeonse",
            "region": "seoul",
        },
        [],
    ),
    (
        "자녀 3,7 한부모 의료급여 주거급여 차상위 경기",
        {
            "children_ages": [3, 7],
            "has_children": True,
            "single_parent": True,
            "welfare_status": ["medical", "housing", "near_poor"],
            "region": "gyeonggi",
        },
        [],
    ),
    (
        "아이 0세 임신 4명 월세 30만 부산",
        {
            "children_ages": [0],
            "has_children": True,
            "pregnant": True,
            "household_size": 4,
            "housing_type": "monthly_rent",
            "monthly_rent": 300_000,
            "region": "metro_city",
        },
        [],
    ),
    # 실직 is a crisis; only 구직 says the person is looking for work
    ("실직 단전 42세 2인", {"crisis": ["job_loss", "utility_cut"], "age": 42, "household_size": 2}, []),
    ("구직중 30세", {"employment": "job_seeking", "age": 30}, []),
    ("실직 구직", {"crisis": ["job_loss"], "employment": "job_seeking"}, []),
    (
        "대학생 22세 서울 부모님과 함께",
        {
            "student_level": "university",
            "employment": "student",
            "age": 22,
            "region": "seoul",
            "living_with_parents": True,
        },
        [],
    ),
    (
        "장기요양 희귀질환 의료비 300만 강원",
        {
            "long_term_care_grade": True,
            "chronic_or_rare_disease": True,
            "medical_expenses_annual": 3_000_000,
            "region": "other",
        },
        [],
    ),
    (
        "kids 3 7 single parent pregnant seoul assets 50m",
        {
            "children_ages": [3, 7],
            "has_children": True,
            "single_parent": True,
            "pregnant": True,
            "region": "seoul",
            "assets": 50_000_000,
        },
        [],
    ),
    (
        "소득 없음 재산 1억 2천만 자가",
        {"household_income": 0, "assets": 120_000_000, "housing_type": "owner"},
        [],
    ),
    ("쪽방 65세 중증", {"housing_type": "non_housing", "age": 65, "disability": "severe"}, []),
    (
        "고시원 혼자 65세 기초연금",
        {"housing_type": "non_housing", "lives_alone": True, "age": 65},
        ["기초연금"],
    ),
    (
        "생계·의료수급 무자녀",
        {"welfare_status": ["livelihood", "medical"], "children_ages": [], "has_children": False},
        [],
    ),
    ("경기 광주 3인", {"region": "gyeonggi", "household_size": 3}, []),
    ("수도권 2인", {"region": "capital_area", "household_size": 2}, []),
    (
        "세 식구 공공임대 고등학생",
        {
            "household_size": 3,
            "housing_type": "public_rental",
            "student_level": "high",
            "employment": "student",
        },
        [],
    ),
    # fragments it does not understand come back as written, runs of them together
    ("수급 장애 72 abc 1인", {"household_size": 1}, ["수급 장애 72 abc"]),
    ("72세 남 독거 뭔가 메모", {"age": 72, "lives_alone": True}, ["남", "뭔가 메모"]),
    ("ＡＢＣ 72세", {"age": 72}, ["ABC"]),
    # an amount that does not read as one is not dropped: the word it belonged to stays visible
    ("월세 25 독거", {"housing_type": "monthly_rent", "lives_alone": True}, ["25"]),
    ("소득 연 1200만", {}, ["소득 연 1200만"]),  # a yearly figure for a monthly answer
    ("200세 1인", {"household_size": 1}, ["200세"]),  # out of the question's range
    # a word that contradicts an earlier one is not applied
    ("1인 3명", {"household_size": 1}, ["3명"]),
    ("장애없음 중증", {"disability": "none"}, ["중증"]),
    ("", {}, []),
]


@pytest.mark.parametrize(("text", "answers", "unparsed"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_shorthand(manual, text, answers, unparsed):
    assert parse_shorthand(text, manual) == Shorthand(answers, unparsed)


def test_dont_know_after_a_label_is_an_answer(manual):
    assert parse_shorthand("소득 모름 72세", manual) == Shorthand({"household_income": None, "age": 72}, [])


def _check_value(question: Question, value: Any) -> None:
    if value is None:
        return
    if question.type in (QuestionType.INT, QuestionType.MONEY):
        assert type(value) is int and (question.min is None or value >= question.min)
        assert question.max is None or value <= question.max
    elif question.type == QuestionType.BOOL:
        assert type(value) is bool
    elif question.type == QuestionType.CHOICE:
        # a version 1 region (수도권, 지방) is a fact the household builder still reads
        assert question.choice(value) is not None or (question.id == "region" and value in V1_REGION)
    elif question.type == QuestionType.MULTI_CHOICE:
        assert all(question.choice(v) is not None for v in value)
    else:
        assert all(type(v) is int for v in value)


def test_every_table_entry_names_real_questions_or_facts_and_choices(manual):
    for pattern, answers in TOKENS:
        for qid, value in answers.items():
            if qid == "+child":  # a child named with an income becomes child1.income, child2.income …
                continue
            assert qid in manual.questions or is_fact(manual, qid), (pattern, qid)
            if value is not V and qid in manual.questions:
                _check_value(manual.questions[qid], value)


def test_answers_fit_their_questions_and_make_a_household(manual, screener):
    for text, _, _ in CASES:
        answers = parse_shorthand(text, manual).answers
        for qid, value in answers.items():
            if qid in manual.questions:
                _check_value(manual.questions[qid], value)
        screener.household(answers, dt.date(2026, 11, 24))


def test_new_facts_in_shorthand(manual, screener):
    answers = parse_shorthand("74세 2인 아들 월400만 자가 4.5억 예금 2천만", manual).answers
    assert answers == {
        "age": 74,
        "household_size": 2,
        "child1.income": 4_000_000,
        "housing_type": "owner",
        "property_housing": 450_000_000,
        "property_financial": 20_000_000,
    }
    household = screener.household(answers, dt.date(2026, 11, 24))
    assert [p.handle for p in household.people] == ["self", "child1"]
    spouse = parse_shorthand("배우자 월50만 72세", manual).answers
    assert spouse == {"has_spouse": True, "spouse_income": 500_000, "age": 72}


def test_nothing_is_silently_dropped(manual):
    """Every word of the line is either read into an answer or returned in `unparsed`."""
    rng = random.Random(1124)
    words = [
        "72세",
        "1인",
        "월80만",
        "독거",
        "장애없음",
        "월세25만",
        "자녀",
        "3,7",
        "서울",
        "수급",
        "xyz",
        "80",
        "소득",
        "재산",
        "5천만",
        "2명",
        "임신",
        "abc",
        "실직",
        "암",
        "희귀",
        "중증",
        "없음",
    ]
    for _ in range(300):
        line = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
        result = parse_shorthand(line, manual)
        left = _without_runs(normalize(line).split(), [f.split() for f in result.unparsed])
        # what was not returned was understood: on its own it reads without leftovers
        assert parse_shorthand(" ".join(left), manual).unparsed == [], (line, result, left)
        if not result.answers:
            assert " ".join(result.unparsed) == normalize(line)


def _without_runs(words: list[str], runs: list[list[str]]) -> list[str]:
    """`words` minus each run of words, found in order; fails if a run is not there as whole words."""
    out: list[str] = []
    i = 0
    for run in runs:
        while words[i : i + len(run)] != run:
            assert i < len(words), (words, run)
            out.append(words[i])
            i += 1
        i += len(run)
    return out + words[i:]


def test_the_manual_decides_what_a_value_is(manual):
    """A value out of the question's range is refused by the question's own parser, not by the table."""
    age = manual.questions["age"]
    assert age.max is not None
    assert parse_shorthand(f"{age.max}세", manual).answers == {"age": age.max}
    assert parse_shorthand(f"{age.max + 1}세", manual).unparsed == [f"{age.max + 1}세"]


def test_korean_number_words_and_approximate_figures_in_one_line(manual: Manual) -> None:
    parsed = parse_shorthand("칠십이세 혼자 월 육십오만원쯤 월세 이십오만", manual)
    assert parsed.answers == {
        "age": 72,
        "lives_alone": True,
        "household_income": 650_000,
        "housing_type": "monthly_rent",
        "monthly_rent": 250_000,
    }
    assert parsed.unparsed == []
    assert parse_shorthand("I am 34 2인 월 150만", manual).answers["age"] == 34
