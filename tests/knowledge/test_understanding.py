"""Reading what people say: the answer to the question on screen and the other facts of the message."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.manual import Manual
from knowledge.understanding import understand

# (question asked, what was typed, the value, other facts it must also give) — the phrases that were
# refused or misread when issue 17 was filed, and their neighbours.
ISSUE_PHRASES = [
    ("household_size", "네 혼자 살아요", 1, {"members": []}),
    ("household_size", "혼자 살아요", 1, {"members": []}),
    ("members", "네 혼자 살아요", [], {"household_size": 1}),
    ("members", "아들이랑 둘이 살아요", ["child"], {"household_size": 2}),
    ("household_size", "아들이랑 둘이 살아요", 2, {"members": ["child"]}),
    ("household_size", "저랑 아이 둘이요", 3, {"members": ["child", "child"]}),
    ("household_income", "한 육십오만원쯤?", 650_000, {}),
    ("employment", "일 안해요", "not_working", {}),
    ("disability", "무릎이 아픈데 등록은 안했어요", "none", {}),
    (
        "assets",
        "보증금 오백하고 통장에 삼백 팔백만원쯤",
        8_000_000,
        {"deposit": 5_000_000, "property_financial": 3_000_000},
    ),
    ("welfare_status", "기초연금 받아요", [], {}),
    ("employment", "파트타임으로 일해요", "employed", {}),
    ("age", "I am 34", 34, {}),
    ("has_children", "yes two kids", True, {}),
    ("has_spouse", "아니요 사별했어요", False, {}),
    ("age", "저는 72살이에요", 72, {}),
    ("household_size", "우리 식구는 넷이에요", 4, {}),
    ("welfare_status", "아무것도 없어요", [], {}),
]


@pytest.mark.parametrize(("qid", "text", "value", "also"), ISSUE_PHRASES)
def test_what_people_say_is_understood(
    manual: Manual, qid: str, text: str, value: Any, also: dict[str, Any]
) -> None:
    read = understand(manual, manual.questions[qid], text, {})
    assert read.result.ok, read.result.error
    assert read.result.value == value
    assert read.also == also


def test_a_plain_figure_is_read_directly_and_not_flagged_as_a_sentence(manual: Manual) -> None:
    read = understand(manual, manual.questions["household_income"], "80만원", {})
    assert read.result.value == 800_000 and not read.read_from_sentence and not read.also


def test_basic_pension_under_benefits_says_why_it_is_none(manual: Manual) -> None:
    read = understand(manual, manual.questions["welfare_status"], "기초연금 받아요", {})
    assert read.note == "understood.other_benefit"


def test_parts_that_do_not_add_up_are_asked_again_not_summed(manual: Manual) -> None:
    read = understand(manual, manual.questions["assets"], "보증금 오백 통장 삼백 구백만원", {})
    assert not read.result.ok and read.also == {}


@pytest.mark.parametrize("text", ["팔십", "80", "월 80", "한 팔십쯤"])
def test_a_bare_figure_for_an_amount_is_read_in_manwon_and_said_back(manual: Manual, text: str) -> None:
    # nobody lives on 80원 a month: 80 is 80만원, never stored as 80, and the chat says it back
    read = understand(manual, manual.questions["household_income"], text, {})
    assert read.result.value == 800_000 and read.read_from_sentence and read.said_back


@pytest.mark.parametrize("text", ["차 없어요", "빚은 없어요", "없어요 일 안해요"])
def test_none_in_a_sentence_is_zero(manual: Manual, text: str) -> None:
    assert understand(manual, manual.questions["debt"], text, {}).result.value == 0


def test_facts_already_known_are_not_overwritten(manual: Manual) -> None:
    read = understand(
        manual, manual.questions["household_income"], "혼자 사는데 한 50만원요", {"members": []}
    )
    assert read.result.value == 500_000
    assert "members" not in read.also


def test_a_refused_answer_keeps_nothing_else_from_the_message(manual: Manual) -> None:
    read = understand(manual, manual.questions["age"], "혼자 살아요", {})
    assert not read.result.ok and read.also == {}


def test_dont_know_stays_dont_know(manual: Manual) -> None:
    read = understand(manual, manual.questions["assets"], "잘 모르겠어요", {})
    assert read.result.ok and read.result.dont_know and read.result.value is None


@pytest.mark.parametrize(
    ("qid", "text", "value"),
    [
        ("has_spouse", "영감이랑 둘이 살아요", True),
        ("has_spouse", "남편은 몇 해 전에 갔어요", False),
        ("has_spouse", "아녀, 혼자여", False),
        ("has_children", "애들 다 출가했어요", False),
        ("has_children", "딸 하나 키우고 있어요", True),
        ("has_children", "무자녀예요", False),
        ("married", "미혼이요", False),
        ("long_term_care_grade", "3등급 받았어요", True),
        ("chronic_or_rare_disease", "혈압약만 먹어요", False),
        ("living_with_parents", "자취해요", False),
        ("age", "여든하나 먹었어요", 81),
        ("age", "쉰여덟입니다. 허리가 안 좋아서 일은 못 해요", 58),
        ("age", "올해 팔십인디 생일이 안 지나서 만으로는 일흔아홉이여", 79),
        ("employment", "농사지어요", "self_employed"),
        ("employment", "일자리 알아보는 중이에요", "job_seeking"),
        ("welfare_status", "주거급여 받고 애 교육급여 받아요", ["housing", "education"]),
        ("crisis", "가스 끊기고 일도 잘렸어요", ["job_loss", "utility_cut"]),
        ("members", "남편은 몇 해 전에 갔고 지금은 막내딸이랑 둘이 살아요", ["child"]),
    ],
)
def test_answers_in_their_own_words(manual: Manual, qid: str, text: str, value: Any) -> None:
    read = understand(manual, manual.questions[qid], text, {})
    assert read.result.ok and read.result.value == value


@pytest.mark.parametrize(
    ("qid", "text"),
    [
        ("age", "칠십둘"),  # two ways of counting at once: 70? 72?
        ("age", "칠십 넘었어요"),  # a band
        ("age", "70대"),
        ("employment", "회사 다니다가 지금은 쉬어요"),  # worked, now resting: the options are shown
        ("employment", "직장 다니면서 장사도 해요"),  # both: which is the main one?
    ],
)
def test_what_could_be_two_things_is_asked_again(manual: Manual, qid: str, text: str) -> None:
    assert not understand(manual, manual.questions[qid], text, {}).result.ok
