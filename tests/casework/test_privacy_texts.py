from __future__ import annotations

from casework.privacy import consent_text, mask_optional, mask_text, masked_notice


def test_mask_text_uses_the_shared_masking() -> None:
    result = mask_text("딸 연락처 010-1234-5678, 주민번호 900101-1234567")
    assert "010-1234-5678" not in result.text and "1234567" not in result.text
    assert result.found == ("rrn", "phone")
    assert mask_optional(None) is None
    assert mask_optional("평일 오전") == "평일 오전"


def test_masked_notice_in_both_languages() -> None:
    assert masked_notice(()) is None
    ko = masked_notice(("rrn", "phone"))
    assert ko is not None and "주민등록번호" in ko and "전화번호" in ko
    en = masked_notice(("phone",), "en")
    assert en is not None and "phone number" in en and "registration" not in en


def test_consent_says_what_who_and_how_long() -> None:
    ko, en = consent_text(180), consent_text(180, "en")
    for text, words in (
        (ko, ("저장 항목", "열람", "180일", "/forget")),
        (en, ("Stored", "Seen by", "180 days", "/forget")),
    ):
        for word in words:
            assert word in text
