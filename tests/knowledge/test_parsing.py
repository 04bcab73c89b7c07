"""Free-text answers: what is accepted, what it means, and what people are told when it is not."""

from __future__ import annotations

import dataclasses
import random
import re

import pytest

from knowledge.model import QuestionType
from knowledge.parsing import (
    CHOICE_SYNONYMS,
    MAX_LENGTH,
    ParseError,
    ParseResult,
    Problem,
    is_dont_know,
    parse_answer,
    parse_bool,
    parse_int,
    parse_int_list,
    parse_money,
    parse_who,
    parse_who_answer,
    read_money,
)

HANGUL = re.compile(r"[가-힣]")
KO_HINT = " 모르시면 '모름'이라고 보내 주세요."
EN_HINT = " If you don't know, send \"don't know\"."

# (question id, typed text, value) — Korean and English, every question type.
ACCEPTED = [
    # int
    ("age", "72", 72),
    ("age", "72세", 72),
    ("age", "만 72세", 72),
    ("age", "72살", 72),
    ("age", "만72", 72),
    ("age", "72세요", 72),
    ("age", "72살이에요", 72),
    ("age", "７２세", 72),
    ("age", "\u200b72", 72),
    ("age", "age 72", 72),
    ("age", "72 years old", 72),
    ("age", "18개월", 1),
    ("age", "0", 0),
    # in Korean words: Sino-Korean with 세, native with 살
    ("age", "칠십이", 72),
    ("age", "칠십이세", 72),
    ("age", "만 칠십이 세", 72),
    ("age", "칠십이세요", 72),
    ("age", "육십오세입니다", 65),
    ("age", "백 세", 100),
    ("age", "일흔둘", 72),
    ("age", "일흔두 살", 72),
    ("age", "일흔둘이요", 72),
    ("age", "예순다섯 살", 65),
    ("age", "스무 살", 20),
    ("age", "서른", 30),
    ("household_size", "3명", 3),
    ("household_size", "1인", 1),
    ("household_size", "3인 가구", 3),
    ("household_size", "4명이요", 4),
    ("household_size", "세 명", 3),
    ("household_size", "한 명", 1),
    ("household_size", "두 명", 2),
    ("household_size", "셋", 3),
    ("household_size", "다섯 명", 5),
    ("household_size", "열 명", 10),
    ("household_size", "삼인 가구", 3),
    ("household_size", "이인", 2),
    ("household_size", "열두 명", 12),
    ("household_size", "혼자", 1),
    ("household_size", "혼자요", 1),
    ("household_size", "three people", 3),
    ("household_size", "2", 2),
    # money
    ("household_income", "80만원", 800_000),
    ("household_income", "80만", 800_000),
    ("household_income", "800,000", 800_000),
    ("household_income", "800000원", 800_000),
    ("household_income", "월 80만원", 800_000),
    ("household_income", "약 50만", 500_000),
    ("household_income", "50만원 정도", 500_000),
    ("household_income", "0", 0),
    ("household_income", "없음", 0),
    ("household_income", "없어요", 0),
    ("household_income", "80원", 80),
    ("household_income", "800k", 800_000),
    ("household_income", "KRW 800,000", 800_000),
    ("household_income", "800,000 won a month", 800_000),
    ("assets", "1억 2천만원", 120_000_000),
    ("assets", "1억2천", 120_000_000),
    ("assets", "5천만원", 50_000_000),
    ("assets", "1.5 million", 1_500_000),
    ("assets", "50m", 50_000_000),
    ("monthly_rent", "월세 25만", 250_000),
    ("monthly_rent", "25만원이요", 250_000),
    ("medical_expenses_annual", "300만원", 3_000_000),
    ("medical_expenses_annual", "연 300만", 3_000_000),
    # bool
    ("has_spouse", "네", True),
    ("has_spouse", "예", True),
    ("has_spouse", "응", True),
    ("has_spouse", "어", True),
    ("has_spouse", "그래요", True),
    ("has_spouse", "맞아요", True),
    ("has_spouse", "있어요", True),
    ("has_spouse", "있음", True),
    ("has_spouse", "그렇다", True),
    ("has_spouse", "그럼요", True),
    ("has_spouse", "네, 있어요.", True),
    ("has_spouse", "ㅇㅇ", True),
    ("has_spouse", "Yes!", True),
    ("has_spouse", "y", True),
    ("has_spouse", "true", True),
    ("has_spouse", "1", True),
    ("has_spouse", "아니요", False),
    ("has_spouse", "아니오", False),
    ("has_spouse", "아뇨", False),
    ("has_spouse", "아니", False),
    ("has_spouse", "없어요", False),
    ("has_spouse", "없음", False),
    ("has_spouse", "아님", False),
    ("has_spouse", "No", False),
    ("has_spouse", "n", False),
    ("has_spouse", "false", False),
    ("has_spouse", "0", False),
    # choice: id, labels, number, synonyms, a unique part
    ("housing_type", "monthly_rent", "monthly_rent"),
    ("housing_type", "월세", "monthly_rent"),
    ("housing_type", "Monthly rent", "monthly_rent"),
    ("housing_type", "3", "monthly_rent"),
    ("housing_type", "3번", "monthly_rent"),
    ("housing_type", "자가", "owner"),
    ("housing_type", "고시원", "non_housing"),
    ("housing_type", "쪽방이요", "non_housing"),
    ("housing_type", "전세 살아요", "jeonse"),
    ("housing_type", "public rental", "public_rental"),
    ("housing_type", "LH", "public_rental"),
    ("disability", "없음", "none"),
    ("disability", "아니요", "none"),
    ("disability", "장애 없음", "none"),
    ("disability", "심한", "severe"),
    ("disability", "심한 장애", "severe"),
    ("disability", "심하지 않은 장애", "mild"),
    ("disability", "경증이요", "mild"),
    ("disability", "Severe", "severe"),
    ("region", "서울", "seoul"),
    ("region", "서울 강남구", "seoul"),
    ("region", "부산광역시", "metro_city"),
    ("region", "광주", "metro_city"),
    ("region", "경기 광주시", "gyeonggi"),
    ("region", "인천", "incheon"),
    ("region", "Seoul", "seoul"),
    ("region", "4", "metro_city"),
    ("region", "가평군", "county"),
    ("region", "세종시", "sejong"),
    ("student_level", "아니요", "none"),
    ("student_level", "대학생", "university"),
    ("employment", "일자리 찾는 중", "job_seeking"),
    # multi_choice
    ("welfare_status", "의료급여, 주거급여", ["medical", "housing"]),
    ("welfare_status", "주거급여、의료급여", ["medical", "housing"]),
    ("welfare_status", "생계 및 의료", ["livelihood", "medical"]),
    ("welfare_status", "의료급여와 주거급여", ["medical", "housing"]),
    ("welfare_status", "의료급여랑 주거급여", ["medical", "housing"]),
    ("welfare_status", "1 3", ["livelihood", "housing"]),
    ("welfare_status", "medical and housing", ["medical", "housing"]),
    ("welfare_status", "Medical aid, Housing benefit", ["medical", "housing"]),
    ("welfare_status", "주거급여, 의료급여, 의료", ["medical", "housing"]),
    ("welfare_status", "차상위", ["near_poor"]),
    ("welfare_status", "없음", []),
    ("welfare_status", "none", []),
    ("welfare_status", "아니요", []),
    ("crisis", "실직, 단전", ["job_loss", "utility_cut"]),
    # int_list
    ("children_ages", "3, 7", [3, 7]),
    ("children_ages", "3,7", [3, 7]),
    ("children_ages", "3 7", [3, 7]),
    ("children_ages", "3살 7살", [3, 7]),
    ("children_ages", "3세와 7세", [3, 7]),
    ("children_ages", "3살이랑 7살이요", [3, 7]),
    ("children_ages", "세 살, 일곱 살", [3, 7]),
    ("children_ages", "열두 살이랑 세 살", [12, 3]),
    ("children_ages", "열다섯살, 여덟 살", [15, 8]),
    ("children_ages", "열 살", [10]),
    ("children_ages", "자녀 3, 7", [3, 7]),
    ("children_ages", "3, 7,", [3, 7]),
    ("children_ages", "3 and 7", [3, 7]),
    ("children_ages", "0", [0]),
    ("children_ages", "6개월", [0]),
    ("children_ages", "돌 전", [0]),
    ("children_ages", "5, 5", [5, 5]),
    ("children_ages", "없음", []),
    ("children_ages", "none", []),
    # members: one relation per person
    ("members", "배우자, 아들 둘", ["spouse", "child", "child"]),
    ("members", "아내랑 딸", ["spouse", "child"]),
    ("members", "저랑 아이 둘이요", ["child", "child"]),
    ("members", "혼자 살아요", []),
    ("members", "엄마랑 살아요", ["parent"]),
    ("members", "my wife and two kids", ["spouse", "child", "child"]),
    ("members", "부모 2명, 형제자매 1명", ["parent", "parent", "sibling"]),  # 형제자매 is one word
    ("members", "남매 둘", ["sibling", "sibling"]),
]


@pytest.mark.parametrize(("qid", "text", "value"), ACCEPTED, ids=[f"{q}:{t}" for q, t, _ in ACCEPTED])
def test_accepted_answers(manual, qid, text, value):
    for lang in ("ko", "en"):
        result = parse_answer(manual.questions[qid], text, lang)
        assert result == ParseResult(ok=True, value=value), (lang, result)


def test_the_table_covers_every_question_type(manual):
    types = {manual.questions[qid].type for qid, _, _ in ACCEPTED}
    # a who question reads names against the people listed: test_who_answers below
    assert types == set(QuestionType) - {QuestionType.WHO}


def test_who_answers_name_people_listed():
    people = [("spouse", "spouse"), ("child1", "child"), ("child2", "child"), ("parent1", "parent")]
    assert parse_who("남편이요", people) == ["spouse"]
    assert parse_who("아이들", people) == ["child1", "child2"]
    assert parse_who("없어요", people) == []
    # as the buttons name them: "자녀 2" is the second child, not two children
    assert parse_who("자녀 2", people) == ["child2"]
    assert parse_who("자녀2랑 남편", people) == ["child2", "spouse"]
    with pytest.raises(ParseError):
        parse_who("손자", people)  # nobody listed is a grandchild
    assert parse_who_answer("모름", people).dont_know
    assert not parse_who_answer("xyz", people).ok


# ---------------------------------------------------------------------------------------------
# Money, one parser at a time

MONEY = [
    ("80만원", 800_000),
    ("80만", 800_000),
    ("800,000", 800_000),
    ("800000원", 800_000),
    ("1억 2천만원", 120_000_000),
    ("1억2천", 120_000_000),
    ("1억 5000", 150_000_000),
    ("1억 2천만 5천", 120_005_000),
    ("2.5백만", 2_500_000),
    ("3천5백만", 35_000_000),
    ("월 80만원", 800_000),
    ("약 50만", 500_000),
    ("0", 0),
    ("0원", 0),
    ("없음", 0),
    ("천만원", 10_000_000),
    ("만원", 10_000),
    ("12,345원", 12_345),
    ("1,000만", 10_000_000),
    ("오십만원", 500_000),
    ("이천만", 20_000_000),
    ("80 만 원", 800_000),
    ("２５만원", 250_000),
    ("₩800,000", 800_000),
    ("800,000 won", 800_000),
    ("800k", 800_000),
    ("1.2m", 1_200_000),
    ("KRW 800,000", 800_000),
    ("1.5 million", 1_500_000),
    ("about 1.2m", 1_200_000),
    ("2 billion", 2_000_000_000),
    ("80만원/월", 800_000),
    ("0.5만", 5_000),
]


@pytest.mark.parametrize(("text", "amount"), MONEY, ids=[t for t, _ in MONEY])
def test_parse_money(text, amount):
    assert parse_money(text) == amount


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("80만 abc", Problem.NOT_MONEY),  # a number with something unreadable after it is refused
        ("abc", Problem.NOT_MONEY),
        ("80 90", Problem.NOT_MONEY),  # two numbers: which one?
        ("800k 5", Problem.NOT_MONEY),
        ("80만 1.2m", Problem.NOT_MONEY),  # Korean and English units mixed
        ("5백3천", Problem.NOT_MONEY),  # units out of order
        ("5만3억", Problem.NOT_MONEY),
        ("80,0000", Problem.NOT_MONEY),  # misplaced thousands separator
        ("80-90만", Problem.NOT_MONEY),
        ("이", Problem.NOT_MONEY),  # a Sino-Korean digit needs a unit
        ("월", Problem.NOT_MONEY),
        ("월 80만 연", Problem.NOT_MONEY),  # month and year at once
        ("-80만", Problem.NEGATIVE),
        ("마이너스 10만", Problem.NEGATIVE),
        ("", Problem.EMPTY),
    ],
)
def test_parse_money_refuses(text, problem):
    with pytest.raises(ParseError) as caught:
        parse_money(text)
    assert caught.value.problem == problem


@pytest.mark.parametrize(
    ("text", "period", "has_unit"),
    [
        ("월 80만", "month", True),
        ("80만원/월", "month", True),
        ("800,000 per month", "month", False),
        ("연 1200만", "year", True),
        ("연봉 3600만", "year", True),
        ("80만", None, True),
        ("80", None, False),
    ],
)
def test_read_money_reports_period_and_unit(text, period, has_unit):
    money = read_money(text)
    assert (money.period, money.has_unit) == (period, has_unit)


# ---------------------------------------------------------------------------------------------
# Integers, yes/no, lists


@pytest.mark.parametrize(
    "text",
    ["네", "세", "72.5", "abc", "72세 3명", "3명 4명", "",
     "이", "오", "구", "사",  # a lone Sino-Korean digit is a particle or a word ("two" is 둘)
     "칠십이요",  # 칠십이 + 요 (72) or 칠십 + 이요 (70): asked again, not guessed
     "스물세", "일흔두",  # these forms count only before a counter: 스물세 살, 일흔두 살
     "칠십 세 다섯 명"],
)  # fmt: skip
def test_parse_int_refuses(text):
    with pytest.raises(ParseError):
        parse_int(text)


def test_alone_counts_as_one_only_for_people():
    assert parse_int("혼자", people=True) == 1
    with pytest.raises(ParseError):
        parse_int("혼자")


@pytest.mark.parametrize("text", ["아니 있어요", "maybe", "글쎄 네", "네 아니요", "2", ""])
def test_parse_bool_refuses_mixed_or_unknown(text):
    with pytest.raises(ParseError):
        parse_bool(text)


@pytest.mark.parametrize("text", ["3,", "abc", "3 abc", "3-7", "첫째 3살", "", "열두"])  # 열두 needs its 살
def test_parse_int_list_refuses(text):
    if text == "3,":
        assert parse_int_list(text) == [3]  # a trailing comma is harmless
        return
    with pytest.raises(ParseError):
        parse_int_list(text)


# ---------------------------------------------------------------------------------------------
# Don't know

DONT_KNOW = [
    "모름",
    "몰라요",
    "잘 모르겠어요",
    "모르겠음",
    "모르겠습니다",
    "잘 몰라요",
    "나이 모름",
    "소득은 잘 모르겠어요",
    "기억이 안 나요",
    "don't know",
    "dont know",
    "I don't know",
    "I don’t know",
    "not sure",
    "Unknown",
    "idk",
    "?",
    "??",
    "？",
]
NOT_DONT_KNOW = ["없음", "0", "아니요", "no", "80만 모름", "모르는 사람", "네", "unknown 3", ""]


@pytest.mark.parametrize("text", DONT_KNOW)
def test_dont_know(manual, text):
    assert is_dont_know(text)
    for question in manual.questions.values():
        assert parse_answer(question, text, "ko") == ParseResult(ok=True, value=None, dont_know=True)


@pytest.mark.parametrize("text", NOT_DONT_KNOW)
def test_not_dont_know(text):
    assert not is_dont_know(text)


# ---------------------------------------------------------------------------------------------
# Boundaries


@pytest.mark.parametrize(
    ("qid", "inside", "outside"),
    [
        ("age", ["0", "120"], ["121", "-1"]),
        ("household_size", ["1", "20"], ["0", "21"]),
        ("household_income", ["0", "100,000,000"], ["100,000,001", "2억"]),
        ("monthly_rent", ["0", "1천만"], ["1천만 1"]),
        ("children_ages", ["0", "120", "0, 45"], ["121", "3, 121", "-1"]),
    ],
)
def test_min_and_max_are_inclusive(manual, qid, inside, outside):
    question = manual.questions[qid]
    for text in inside:
        assert parse_answer(question, text).ok, text
    for text in outside:
        result = parse_answer(question, text)
        assert not result.ok and result.value is None and "사이로 입력해 주세요" in (result.error or ""), text


# ---------------------------------------------------------------------------------------------
# Messages


def test_messages_for_a_number(manual):
    age = manual.questions["age"]
    assert age.example is not None
    ko = parse_answer(age, "abc", "ko").error
    en = parse_answer(age, "abc", "en").error
    assert ko == f"숫자로 입력해 주세요. (예: {age.example.ko}){KO_HINT}"
    assert en == f"Please type a number, for example {age.example.en}.{EN_HINT}"
    assert parse_answer(age, "150", "ko").error == f"{age.min}세에서 {age.max}세 사이로 입력해 주세요."
    assert parse_answer(age, "150", "en").error == f"Please enter a number from {age.min} to {age.max} years."
    assert parse_answer(age, "-3", "ko").error == f"{age.min}세에서 {age.max}세 사이로 입력해 주세요."


def test_messages_for_people_and_ages(manual):
    size = manual.questions["household_size"]
    assert parse_answer(size, "0", "ko").error == f"{size.min}명에서 {size.max}명 사이로 입력해 주세요."
    kids = manual.questions["children_ages"]
    assert parse_answer(kids, "3, 140", "ko").error == (
        f"나이는 각각 {kids.min}세에서 {kids.max}세 사이로 입력해 주세요."
    )
    assert (
        parse_answer(kids, "3, 140", "en").error == f"Each age must be from {kids.min} to {kids.max} years."
    )
    assert kids.example is not None
    assert parse_answer(kids, "abc", "ko").error == (
        f"나이를 숫자로, 여러 명이면 쉼표로 나눠 입력해 주세요. (예: {kids.example.ko}){KO_HINT}"
    )


def test_messages_for_money(manual):
    income = manual.questions["household_income"]
    assert income.example is not None
    assert parse_answer(income, "많이", "ko").error == (
        f"금액을 숫자로 입력해 주세요. (예: {income.example.ko}){KO_HINT}"
    )
    assert parse_answer(income, "lots", "en").error == (
        f"Please type an amount, for example {income.example.en}.{EN_HINT}"
    )
    assert parse_answer(income, "2억", "ko").error == "0원에서 100,000,000원 사이로 입력해 주세요."
    assert parse_answer(income, "2억", "en").error == "Please enter an amount from KRW 0 to KRW 100,000,000."
    assert parse_answer(income, "-5만", "ko").error == "0원에서 100,000,000원 사이로 입력해 주세요."


def test_a_yearly_amount_for_a_monthly_question_is_converted_in_the_message(manual):
    income = manual.questions["household_income"]
    assert income.period == "month"
    assert parse_answer(income, "연 1200만", "ko").error == (
        "한 달 금액으로 입력해 주세요. 연 12,000,000원이면 월 1,000,000원이에요."
    )
    assert parse_answer(income, "1200만원 a year", "en").error == (
        "Please give the amount per month: KRW 12,000,000 a year is KRW 1,000,000 a month."
    )
    medical = manual.questions["medical_expenses_annual"]
    assert parse_answer(medical, "월 30만", "ko").error == (
        "1년 동안의 금액으로 입력해 주세요. 월 300,000원이면 연 3,600,000원이에요."
    )


def test_a_bare_small_number_for_money_asks_for_the_unit(manual):
    income = manual.questions["household_income"]
    assert parse_answer(income, "80", "ko").error == (
        "80원이 맞나요? 800,000원이라면 '80만원'처럼 단위와 함께 써 주세요."
    )
    assert parse_answer(income, "80", "en").error == (
        "Is KRW 80 right? If you meant KRW 800,000 (80만원), please write 800,000; if you meant KRW 80,"
        " write 80 won."
    )
    assert parse_answer(income, "80원", "ko").value == 80  # written with its unit, it is taken as meant
    assert parse_answer(income, "80 won", "en").value == 80  # the way out the English message offers
    assert parse_answer(income, "800,000", "en").value == 800_000
    assert parse_answer(income, "0", "ko").value == 0


def test_messages_for_yes_no(manual):
    question = manual.questions["has_spouse"]
    assert parse_answer(question, "글쎄 네", "ko").error == f"'네' 또는 '아니요'로 답해 주세요.{KO_HINT}"
    assert parse_answer(question, "maybe", "en").error == f"Please answer yes or no.{EN_HINT}"


def test_messages_for_choices_list_the_options(manual):
    region = manual.questions["region"]
    ko = parse_answer(region, "명왕성", "ko").error or ""
    en = parse_answer(region, "Mars", "en").error or ""
    assert ko.startswith("보기 중에서 하나를 골라 주세요: 1. 서울, 2. 경기 (시)")
    assert en.startswith("Please choose one of: 1. Seoul, 2. Gyeonggi (a city)")
    for n, choice in enumerate(region.choices, start=1):
        assert f"{n}. {choice.label.ko}" in ko and f"{n}. {choice.label.en}" in en


def test_an_ambiguous_part_names_only_the_candidates(manual):
    disability = manual.questions["disability"]
    assert parse_answer(disability, "장애", "ko").error == (
        "'장애'에 맞는 보기가 여러 개예요: 2. 심하지 않은 장애, 3. 심한 장애. "
        "번호나 이름으로 하나만 골라 주세요."
    )
    assert parse_answer(disability, "장애", "en").error == (
        "'장애' matches several options: 2. Mild, 3. Severe. Please pick one by number or name."
    )
    welfare = manual.questions["welfare_status"]
    assert "여러 개예요" in (parse_answer(welfare, "급여", "ko").error or "")


def test_multi_choice_names_the_part_it_did_not_understand(manual):
    welfare = manual.questions["welfare_status"]
    ko = parse_answer(welfare, "생계, 뭐지", "ko").error or ""
    en = parse_answer(welfare, "medical, foo", "en").error or ""
    assert ko.startswith("'뭐지'은(는) 보기에 없어요. 해당하는 것을 모두 쉼표로 나눠 골라 주세요: ")
    assert "1. 생계급여" in ko
    assert "없으면 '없음'" in ko
    assert en.startswith("'foo' is not one of the options. Choose all that apply, separated by commas: ")
    assert "1. Livelihood benefit" in en


@pytest.mark.parametrize(
    ("qid", "text"),
    [
        ("housing_type", "월세 아니에요"),
        ("housing_type", "no"),
        ("employment", "아니요"),
        ("region", "제주"),
        ("disability", "네"),
        ("disability", "4"),
        ("disability", "0"),
    ],
)
def test_choices_are_not_guessed(manual, qid, text):
    """A negated label, a bare yes/no or an out-of-range number is not a choice."""
    assert not parse_answer(manual.questions[qid], text).ok


def test_empty_and_too_long(manual):
    age = manual.questions["age"]
    assert age.example is not None
    assert parse_answer(age, "   ", "ko").error == f"답을 입력해 주세요. (예: {age.example.ko})"
    assert parse_answer(age, "", "en").error == f"Please type an answer, for example {age.example.en}."
    long = parse_answer(age, "7" * (MAX_LENGTH + 1), "ko")
    assert not long.ok and (long.error or "").startswith("답이 너무 길어요")
    assert "200자" in (long.error or "")  # the limit is named


def test_english_messages_for_numbers_are_english(manual):
    for qid in ("age", "household_size", "household_income", "has_spouse", "children_ages"):
        for text in ("zzz", "999999999999", "-1"):
            result = parse_answer(manual.questions[qid], text, "en")
            if not result.ok:
                assert not HANGUL.search(result.error or ""), (qid, text, result.error)


# ---------------------------------------------------------------------------------------------
# Contracts


def test_result_is_frozen(manual):
    result = parse_answer(manual.questions["age"], "72")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 5  # type: ignore[misc]


def test_never_raises(manual):
    rng = random.Random(20261124)
    alphabet = [
        *"0123456789,.-~?! 만천백억원세살명인네아니요없음모름자녀와및월연abcdekmKRW１２、",
        "\u200b",
        "₩",
        "ㅇ",
        "①",
        "\n",
        "'",
        '"',
        "(",
        ")",
        "*",
        "\\",
    ]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        for question in manual.questions.values():
            for lang in ("ko", "en"):
                result = parse_answer(question, text, lang)
                assert result.ok == (result.error is None)
                assert not (result.dont_know and result.value is not None)
    for odd in (None, 72, b"72"):
        result = parse_answer(manual.questions["age"], odd)  # type: ignore[arg-type]
        assert not result.ok and result.error


def test_accepted_values_satisfy_their_question(manual):
    """Whatever parse_answer accepts is a value the engine can take: right type, in range, a real choice."""
    for qid, text, _ in ACCEPTED:
        question = manual.questions[qid]
        value = parse_answer(question, text).value
        if question.type in (QuestionType.INT, QuestionType.MONEY):
            assert type(value) is int
        elif question.type == QuestionType.BOOL:
            assert type(value) is bool
        elif question.type == QuestionType.CHOICE:
            assert question.choice(value) is not None
        elif question.type in (QuestionType.MULTI_CHOICE, QuestionType.MEMBERS):
            assert all(question.choice(v) is not None for v in value)
        else:
            assert all(type(v) is int for v in value)


def test_synonyms_name_real_questions_and_choices(manual):
    for qid, words in CHOICE_SYNONYMS.items():
        question = manual.questions[qid]
        for word, value in words.items():
            assert question.choice(value) is not None, (qid, word, value)
    for question in manual.questions.values():
        assert question.type == QuestionType.MONEY or question.period == "month"  # period is for money


HUGE = [
    "1234567890123456789012345678원",  # 28 digits: Decimal.quantize raised InvalidOperation here
    "1234567890123456789012345678",
    "1234567890123456789012345678만원",
    "9" * 60 + "억",
    "1" + "0" * 199,
]


@pytest.mark.parametrize("text", HUGE)
def test_huge_numbers_are_asked_again_never_raised(manual, text):
    for question in manual.questions.values():
        result = parse_answer(question, text)
        assert not result.ok and result.error, (question.id, text)


def test_read_money_keeps_every_digit_of_a_huge_amount():
    assert read_money("1234567890123456789012345678원").amount == 1234567890123456789012345678


def test_numbers_above_the_hard_ceiling_are_refused_without_a_question_bound(manual):
    unbounded = manual.questions["assets"].model_copy(update={"max": None})
    assert parse_answer(unbounded, "1000조원").ok  # 10^15: the ceiling itself
    assert not parse_answer(unbounded, "1001조원").ok
    ages = manual.questions["age"].model_copy(update={"max": None})
    assert parse_answer(ages, "999").ok and not parse_answer(ages, "1" + "0" * 16).ok
