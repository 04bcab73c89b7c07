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
