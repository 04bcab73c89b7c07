"""Masking resident registration and phone numbers in notes, leaving everything else as written."""

from __future__ import annotations

import pytest

from knowledge.privacy import PHONE_TOKEN, RRN_TOKEN, MaskResult, contains_pii, mask_pii

RRN_FORMATS = [
    "900101-1234567",
    "9001011234567",
    "900101 1234567",
    "900101 - 1234567",
    "900101.1234567",
    "900101–2234567",  # en dash, as word processors write it
    "900101－1234567",  # fullwidth hyphen
    "９００１０１－１２３４５６７",  # fullwidth digits
    "900101-1******",  # already half masked: still birth date and sex
    "900101-1xxxxxx",
    "900101-*******",
    "050505-3123456",  # born 2005
    "901231-5123456",  # foreigner registration number, 1900s
    "050505-7123456",  # foreigner registration number, 2000s
    "991231-8123456",
]
PHONE_FORMATS = [
    "010-1234-5678",
    "01012345678",
    "010 1234 5678",
    "010.1234.5678",
    "010 - 1234 - 5678",
    "011-123-4567",  # old three-digit exchange
    "016-1234-5678",
    "+82 10-1234-5678",
    "+821012345678",
    "+82-10-1234-5678",
    "+82 (0)10 1234 5678",
    "0082-10-1234-5678",
    "０１０－１２３４－５６７８",
    "＋８２ １０ １２３４ ５６７８",
    "02-123-4567",
    "02-1234-5678",
    "02 1234 5678",
    "0212345678",
    "(02)123-4567",
    "+82-2-1234-5678",
    "031-123-4567",
    "064-123-4567",
    "0505-123-4567",  # personal safe number
    "070-1234-5678",  # internet phone
]
KEPT = [
    "800,000원",
    "1,200,000",
    "1,234,567,890",
    "1억 2천만원",
    "2026-11-24",
    "2026.11.24",
    "20261124",
    "02-12-2026",
    "H-0042",
    "72세",
    "만 72세 3인 가구",
    "1588-1234",  # organisation's 대표번호
    "1544-9944",
    "080-123-4567",  # free-call business number
    "129",
    "06236",  # postcode
    "10:30",
    "3, 7",
    "900101",  # a birth date alone is also just a date
    "991332-1234567",  # month 13: not a birth date
    "900100-1234567",  # day 00
    "900101-9234567",  # 9: born before 1900
    "12345678901234",  # 14 digits
    "010-1234-56789",  # too long for a phone number
    "010",
]


@pytest.mark.parametrize("text", RRN_FORMATS)
def test_resident_numbers_are_masked(text):
    assert mask_pii(text) == MaskResult(RRN_TOKEN, ("rrn",))
    assert contains_pii(text)


@pytest.mark.parametrize("text", PHONE_FORMATS)
def test_phone_numbers_are_masked(text):
    assert mask_pii(text) == MaskResult(PHONE_TOKEN, ("phone",))
    assert contains_pii(text)


@pytest.mark.parametrize("text", KEPT)
def test_other_numbers_stay(text):
    assert mask_pii(text) == MaskResult(text, ())
    assert not contains_pii(text)


def test_enough_formats_are_covered():
    assert len(RRN_FORMATS) + len(PHONE_FORMATS) >= 20
    assert len(KEPT) >= 10


def test_only_the_numbers_change_in_a_note():
    note = "딸 연락처 010-1234-5678, 주민번호 900101-2234567. 월 80만원, 2026-11-24 방문, H-0042 (72세)"
    assert mask_pii(note) == MaskResult(
        f"딸 연락처 {PHONE_TOKEN}, 주민번호 {RRN_TOKEN}. 월 80만원, 2026-11-24 방문, H-0042 (72세)",
        ("rrn", "phone"),
    )


def test_found_lists_each_kind_once_in_a_fixed_order():
    text = "010-1111-2222 / 02-333-4444 / 900101-1234567"
    masked = mask_pii(text)
    assert masked.found == ("rrn", "phone")
    assert masked.text == f"{PHONE_TOKEN} / {PHONE_TOKEN} / {RRN_TOKEN}"


def test_numbers_inside_words_and_next_to_hangul():
    assert mask_pii("전화:01012345678입니다").text == f"전화:{PHONE_TOKEN}입니다"
    assert mask_pii("번호는900101-1234567이에요").text == f"번호는{RRN_TOKEN}이에요"


def test_a_resident_number_is_not_read_as_a_phone_number():
    # 0101 01-... starts like a mobile number; it must come out as one resident number, not pieces
    assert mask_pii("010101-3123456") == MaskResult(RRN_TOKEN, ("rrn",))


def test_longer_digit_runs_are_not_cut_into_a_number():
    for text in ("1900101-12345678", "9001011234567890", "0010-1234-5678"):
        assert mask_pii(text).found == (), text


def test_masking_is_idempotent_and_keeps_text_without_numbers():
    once = mask_pii("010-1234-5678 그리고 900101-1234567").text
    assert mask_pii(once) == MaskResult(once, ())
    assert mask_pii("") == MaskResult("", ())
    assert mask_pii("말벗이 필요해요") == MaskResult("말벗이 필요해요", ())


# --- forms the first version missed (issue 15) ------------------------------------------------------

from knowledge.privacy import (  # noqa: E402
    ACCOUNT_TOKEN,
    ADDRESS_TOKEN,
    EMAIL_TOKEN,
    ends_with_rrn_front,
)

MORE_PHONES = [
    "82-10-1234-5678",  # the country code without + or 00
    "82 10 1234 5678",
    "+82 10 1234 5678",
    "+82-2-123-4567",
    "공일공 일이삼사 오육칠팔",  # read out in words
    "공일공-일이삼사-오육칠팔",
    "공일공 다시 일이삼사 다시 오육칠팔",
    "영일영 일이삼사 오육칠팔",
    "공이 일이삼 사오육칠",
]
MORE_RRNS = [
    "구공공일공일 일이삼사오육칠",
    "구공공일공일 다시 일이삼사오육칠",
    "구공공일공일-일이삼사오육칠",
]
NAMED_HALVES = [
    ("주민번호 앞자리 900101 뒷자리 1234567", f"주민번호 앞자리 {RRN_TOKEN} 뒷자리 {RRN_TOKEN}"),
    ("앞자리는 900101이고 뒷자리는 2234567이에요", f"앞자리는 {RRN_TOKEN}이고 뒷자리는 {RRN_TOKEN}이에요"),
    ("뒷자리: 1******", f"뒷자리: {RRN_TOKEN}"),
    ("주민등록번호는 900101", f"주민등록번호는 {RRN_TOKEN}"),
    ("뒷번호 1234567", f"뒷번호 {RRN_TOKEN}"),
]
ACCOUNTS = [
    ("계좌 110-123-456789", f"계좌 {ACCOUNT_TOKEN}"),
    ("국민은행 123456-78-901234", f"국민은행 {ACCOUNT_TOKEN}"),
    ("우리은행 1002823456789", f"우리은행 {ACCOUNT_TOKEN}"),
    ("농협 302 1234 5678 91", f"농협 {ACCOUNT_TOKEN}"),
    ("카카오뱅크 3333-01-1234567", f"카카오뱅크 {ACCOUNT_TOKEN}"),
    ("통장번호는 1234567890입니다", f"통장번호는 {ACCOUNT_TOKEN}입니다"),
    ("account 123-456-789012", f"account {ACCOUNT_TOKEN}"),
    ("110-123-456789로 보내 주세요", f"{ACCOUNT_TOKEN}로 보내 주세요"),  # hyphenated: no word needed
    ("1234-5678-9012-3456", ACCOUNT_TOKEN),  # a card number, as good as an account
]
EMAILS = [
    ("메일 hong.gildong@example.com 으로", f"메일 {EMAIL_TOKEN} 으로"),
    ("HONG_GD+bokji@mail.co.kr", EMAIL_TOKEN),
    ("ｈｏｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", EMAIL_TOKEN),
]
ADDRESSES = [
    ("행복아파트 101동 1203호", f"행복아파트 {ADDRESS_TOKEN}"),
    ("101동1203호에 살아요", f"{ADDRESS_TOKEN}에 살아요"),
    ("3동 201호", ADDRESS_TOKEN),
    ("101-1203호", ADDRESS_TOKEN),
    ("세종대로 110", ADDRESS_TOKEN),
    ("서울 종로구 세종대로 110 3층", f"서울 종로구 {ADDRESS_TOKEN} 3층"),
    ("테헤란로 152에 있어요", f"{ADDRESS_TOKEN}에 있어요"),
    ("중앙로12번길 34", ADDRESS_TOKEN),
    ("올림픽로35길 10-2", ADDRESS_TOKEN),
    ("역삼동 123-45번지", f"역삼동 {ADDRESS_TOKEN}"),
    ("산 12번지", f"산 {ADDRESS_TOKEN}"),
]
AMOUNTS_KEPT = [
    "1501011234567원",  # looks like 150101-1234567, but money
    "0101234567원",  # looks like 010-123-4567
    "01012345678원",
    "9001011234567 원",
    "₩9001011234567",
    "KRW 01012345678",
    "1501011234567 won",
    "9001011234567만원",
    "월세로 25만원",
    "1인 가구로 3명",
    "병원으로 2번 갔어요",
    "그대로 1개",
    "2호선 3호선",
    "국민연금 월 50만원",
    "우리 집 보증금 150000000",  # 우리 is "our", not 우리은행
    "하나 1234567890",  # 하나 is "one"
    "공공임대 이사 오일",  # digit syllables in ordinary words
]


@pytest.mark.parametrize("text", MORE_PHONES)
def test_more_phone_forms_are_masked(text):
    assert mask_pii(text) == MaskResult(PHONE_TOKEN, ("phone",)), text


@pytest.mark.parametrize("text", MORE_RRNS)
def test_resident_numbers_read_out_in_words_are_masked(text):
    assert mask_pii(text) == MaskResult(RRN_TOKEN, ("rrn",)), text


def test_words_then_a_particle():
    assert mask_pii("번호는 공일공 일이삼사 오육칠팔이에요").text == f"번호는 {PHONE_TOKEN}이에요"


@pytest.mark.parametrize(("text", "masked"), NAMED_HALVES)
def test_named_halves_of_a_resident_number_are_masked(text, masked):
    assert mask_pii(text) == MaskResult(masked, ("rrn",))


def test_a_resident_number_split_over_two_messages():
    first, second = "주민번호 알려드릴게요 900101-", "1234567 이에요"
    assert ends_with_rrn_front(first) and ends_with_rrn_front("900101")
    assert ends_with_rrn_front("구공공일공일")
    assert mask_pii(second, after_rrn_front=True) == MaskResult(f"{RRN_TOKEN} 이에요", ("rrn",))
    assert mask_pii("-1234567", after_rrn_front=True).text == f"-{RRN_TOKEN}"
    # Without the first half just before, seven digits alone are only a number.
    assert mask_pii(second) == MaskResult(second, ())
    assert not ends_with_rrn_front("900100") and not ends_with_rrn_front("2026년 12월")
    assert not ends_with_rrn_front("9001011")


@pytest.mark.parametrize(("text", "masked"), ACCOUNTS)
def test_bank_accounts_are_masked(text, masked):
    assert mask_pii(text) == MaskResult(masked, ("account",)), text


@pytest.mark.parametrize(("text", "masked"), EMAILS)
def test_email_addresses_are_masked(text, masked):
    assert mask_pii(text) == MaskResult(masked, ("email",)), text


@pytest.mark.parametrize(("text", "masked"), ADDRESSES)
def test_street_addresses_are_masked(text, masked):
    assert mask_pii(text) == MaskResult(masked, ("address",)), text


@pytest.mark.parametrize("text", AMOUNTS_KEPT)
def test_amounts_with_a_unit_and_ordinary_words_are_kept(text):
    assert mask_pii(text) == MaskResult(text, ()), text


def test_separators_still_make_an_identifier_even_before_won():
    assert mask_pii("900101-1234567원").found == ("rrn",)


def test_every_kind_in_one_note_in_a_fixed_order():
    note = "hong@example.com, 101동 1203호, 계좌 110-123-456789, 010-1234-5678, 900101-1234567, 월 80만원"
    masked = mask_pii(note)
    assert masked.found == ("rrn", "phone", "account", "email", "address")
    assert masked.text.endswith("월 80만원")
    assert mask_pii(masked.text) == MaskResult(masked.text, ())


def test_the_form_count_for_the_report():
    forms = (
        len(RRN_FORMATS)
        + len(PHONE_FORMATS)
        + len(MORE_PHONES)
        + len(MORE_RRNS)
        + len(NAMED_HALVES)
        + 1
        + len(ACCOUNTS)
        + len(EMAILS)
        + len(ADDRESSES)
    )
    assert forms >= 80
    assert len(KEPT) + len(AMOUNTS_KEPT) >= 40
