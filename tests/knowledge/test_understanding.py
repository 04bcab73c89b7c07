"""Reading what people say: the answer to the question on screen and the other facts of the message."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.manual import Manual
from knowledge.understanding import first_message, understand

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
    ("text", "facts"),
    [
        ("혼자 사는 노인인데 병원비가 많이 나와요", {"household_size": 1, "members": []}),
        ("회사 잘리고 석달째", {"crisis": ["job_loss"]}),
        ("I am pregnant, what support can I get?", {"pregnant": True}),
        (
            "아들이랑 둘이 사는데 월세가 밀렸어요",
            {"housing_type": "monthly_rent", "household_size": 2, "members": ["child"]},
        ),
        ("72살 할머니인데 혼자 살아요", {"household_size": 1, "members": [], "age": 72}),
    ],
)
def test_a_first_message_states_facts(manual: Manual, text: str, facts: dict[str, Any]) -> None:
    assert first_message(manual, text) == facts


@pytest.mark.parametrize(
    "text",
    [
        "기초연금",  # a search by name
        "한부모 지원 알려주세요",  # asks about single parents, does not say she is one
        "기초생활수급자가 되고 싶어요",  # wants to become one, is not one
        "월세 아니고 전세 살아요 아니 자가예요",  # says two things about housing: neither is kept
        "임신 준비 중인데 지원이 있나요",
        "월세 지원 받을 수 있나요",
    ],
)
def test_a_first_message_that_states_nothing_sure_gives_no_facts(manual: Manual, text: str) -> None:
    facts = first_message(manual, text)
    assert "pregnant" not in facts and "single_parent" not in facts and "welfare_status" not in facts
    assert "housing_type" not in facts
