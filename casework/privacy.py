"""What a resident is told before a need is stored, and the masking applied to every free text.

Masking itself lives in knowledge.privacy (one implementation for consultations and casework).
"""

from __future__ import annotations

from collections.abc import Sequence

from knowledge.privacy import MaskResult, mask_pii

_KIND = {
    "rrn": ("주민등록번호", "resident registration number"),
    "phone": ("전화번호", "phone number"),
    "account": ("계좌번호", "bank account number"),
    "email": ("이메일 주소", "e-mail address"),
    "address": ("주소", "street address"),
}


def mask_text(text: str) -> MaskResult:
    """The text with identifiers (knowledge.privacy: 주민등록번호, phone, account, e-mail, address)
    replaced, and which kinds were found."""
    return mask_pii(text)


def mask_optional(text: str | None) -> str | None:
    return None if text is None else mask_pii(text).text


def masked_notice(found: Sequence[str], lang: str = "ko") -> str | None:
    """Tell the user what was replaced, or None when nothing was."""
    kinds = [_KIND[kind] for kind in found if kind in _KIND]
    if not kinds:
        return None
    if lang == "en":
        what = " and ".join(en for _, en in kinds)
        return f"For your privacy the {what} in your text was not stored."
    what = "·".join(ko for ko, _ in kinds)
    return f"개인정보 보호를 위해 입력하신 {what}는 저장하지 않고 가렸습니다."


def consent_text(retention_days: int, lang: str = "ko") -> str:
    """What is stored, who sees it and for how long: shown before a resident's need is saved."""
    if lang == "en":
        return (
            "Before we save your request:\n"
            "• Stored: the kind of help, your short description (resident registration and phone "
            "numbers are removed), the related programmes, and a call-back time if you ask for one, "
            "linked to your Telegram account.\n"
            "• Seen by: welfare staff and coordinators of the community centre who follow it up.\n"
            f"• Kept: until the request is closed, then {retention_days} days; after that only "
            "anonymous statistics remain.\n"
            "You can see your data with /mydata and delete it at any time with /forget. Do you agree?"
        )
    return (
        "요청을 저장하기 전에 알려드립니다.\n"
        "• 저장 항목: 도움 분야, 짧은 설명(주민등록번호·전화번호는 지워집니다), 관련 사업, "
        "요청하신 경우 연락받을 시간대, 그리고 텔레그램 계정\n"
        "• 열람: 요청을 처리하는 행정복지센터 복지 담당자와 조정 담당자\n"
        f"• 보관 기간: 요청이 종결된 뒤 {retention_days}일, 그 뒤에는 익명 통계만 남습니다.\n"
        "/mydata 로 내 정보를 확인하고, /forget 으로 언제든 삭제할 수 있습니다. 동의하십니까?"
    )
