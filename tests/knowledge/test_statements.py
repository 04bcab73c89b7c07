"""What a resident's sentence states about her, and what it does not."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge.manual import Manual
from knowledge.statements import first_message, need_clause


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


@pytest.mark.parametrize(
    "text",
    [
        "친구가 월세가 석 달 밀렸대요. 서른 살이고 혼자 살아요",
        "혼자 사시는 아버지가 연락이 잘 안 돼서 걱정이에요",
        "My 80-year-old mother lives alone and I want someone to check on her",
        "asking for my grandma, she is 90 and lives in a goshiwon",
    ],
)
def test_a_message_about_someone_else_states_nothing_about_the_writer(manual: Manual, text: str) -> None:
    assert first_message(manual, text) == {}


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("안녕하세요. 혼자 사는 일흔다섯 살 할머니예요", 75),
        ("양평 사는 노부부인데요 남편 일흔넷 나 일흔하나", 71),  # his age is not hers
        ("애 둘 혼자 키우는 엄마예요. 애들은 5살, 8살이에요", None),  # the children's ages
        ("65세 넘었는데 노인 일자리 하고 싶어요", None),  # a band, and a wish
    ],
)
def test_the_writers_age_and_only_hers(manual: Manual, text: str, age: int | None) -> None:
    assert first_message(manual, text).get("age") == age


def test_counts_places_and_work_in_a_first_message(manual: Manual) -> None:
    facts = first_message(manual, "남편이랑 애 둘, 네 식구예요. 수원 살아요. 남편이 회사에서 잘려서 막막해요")
    assert facts["household_size"] == 4 and sorted(facts["members"]) == ["child", "child", "spouse"]
    assert facts["region"] == "gyeonggi" and facts["crisis"] == ["job_loss"]
    assert "employment" not in facts  # 남편이 잘렸다: the writer's own work is not said


@pytest.mark.parametrize(
    ("text", "need"),
    [
        ("혼자 사는 노인인데 병원비가 많이 나와요", "병원비가 많이 나와요"),
        ("아들이랑 둘이 사는데 월세가 밀렸어요", "월세가 밀렸어요"),
        ("기초연금", "기초연금"),
    ],
)
def test_the_clause_that_says_what_is_needed(text: str, need: str) -> None:
    assert need_clause(text) == need
