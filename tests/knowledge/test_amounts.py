"""Amounts said in sentences, read as an official reads them."""

from __future__ import annotations

import pytest

from knowledge import amounts


@pytest.mark.parametrize(
    ("question", "period", "text", "amount", "parts"),
    [
        # a total said last, its parts in 만원
        (
            "assets",
            None,
            "보증금 오백하고 통장에 삼백 팔백만원쯤",
            8_000_000,
            {"deposit": 5_000_000, "property_financial": 3_000_000},
        ),
        (
            "assets",
            None,
            "집 2억 예금 천만",
            210_000_000,
            {"property_housing": 200_000_000, "property_financial": 10_000_000},
        ),
        ("household_income", "month", "월급 250에 아내 알바 80", 3_300_000, {}),  # parts with no total
        ("household_income", "month", "My salary is 2,100,000 and my wife makes 900,000", 3_000_000, {}),
        ("monthly_rent", "month", "보증금 500에 월 30", 300_000, {}),  # the one the question names
        ("deposit", None, "300에 30", 3_000_000, {}),  # 보증금 X에 월세 Y, as people say it
        ("monthly_rent", "month", "월세 45에 관리비 7 따로요", 450_000, {}),
        ("household_income", "month", "1년에 2400쯤 벌어요", 2_000_000, {}),  # a yearly figure, per month
        ("income_last_year", "year", "월 150 정도였어요", 18_000_000, {}),  # a monthly figure, per year
        ("income_last_year", "year", "한달 백오십씩 일년 받았으니 천팔백", 18_000_000, {}),  # the total said
        ("spouse_earned_last_year", "year", "알바로 한 달 100씩 6개월 했어요", 6_000_000, {}),
        ("property_housing", None, "집값 한 일억 오천", 150_000_000, {}),
        ("household_income", "month", "annual 36M", 3_000_000, {}),
    ],
)
def test_amounts_in_sentences(
    question: str, period: str | None, text: str, amount: int, parts: dict[str, int]
) -> None:
    said = amounts.read(question, period, text)
    assert said is not None and said.amount == amount
    assert said.parts == parts


def test_parts_and_a_total_that_disagree_are_not_read() -> None:
    assert amounts.read("assets", None, "보증금 오백 통장 삼백 구백만원") is None


def test_a_bare_small_figure_is_manwon_and_a_large_one_is_won() -> None:
    assert [f.amount for f in amounts.figures("150")] == [1_500_000]
    assert [f.amount for f in amounts.figures("1,500,000")] == [1_500_000]
    assert [f.amount for f in amounts.figures("5천")] == [50_000_000]
