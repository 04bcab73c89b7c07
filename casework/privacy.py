"""What a resident is told before a need is stored, and the masking applied to every free text.

Masking itself lives in knowledge.privacy (one implementation for consultations and casework).
"""

from __future__ import annotations

from collections.abc import Sequence

from casework.policy import Retention
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
            "You can see your data with /mydata and delete it at any time with /forget "
            "(/privacy: everything that is kept, and for how long). Do you agree?"
        )
    return (
        "요청을 저장하기 전에 알려드립니다.\n"
        "• 저장 항목: 도움 분야, 짧은 설명(주민등록번호·전화번호는 지워집니다), 관련 사업, "
        "요청하신 경우 연락받을 시간대, 그리고 텔레그램 계정\n"
        "• 열람: 요청을 처리하는 행정복지센터 복지 담당자와 조정 담당자\n"
        f"• 보관 기간: 요청이 종결된 뒤 {retention_days}일, 그 뒤에는 익명 통계만 남습니다.\n"
        "/mydata 로 내 정보를 확인하고, /forget 으로 언제든 삭제할 수 있습니다 "
        "(보관하는 모든 정보와 기간: /privacy). 동의하십니까?"
    )


def privacy_text(retention: Retention, reuse_days: int, lang: str = "ko") -> str:
    """Everything the bot keeps about a person and for how long (/privacy), from the settings."""
    r = retention
    if lang == "en":
        return "\n".join(
            [
                "What this bot keeps, and for how long:",
                "• What you type is not stored. A consultation keeps only the answers it understood "
                "(age, income …). Registration, phone and account numbers, e-mail and street addresses "
                "are masked in anything that is kept.",
                f"• Your self-checks: deleted {r.self_check_days} days after your last answer.",
                "• Unfinished input (a request being described, a note): deleted after "
                f"{r.draft_hours} hours.",
                f"• Requests for help: anonymised {r.needs_days} days after they are closed "
                "(only counts remain).",
                f"• Consultations staff hold for a household: deleted after {r.household_consultation_days} "
                f"days (earlier answers are offered for reuse for {reuse_days} days).",
                f"• Visits: after {r.visit_days} days only the count remains, without the household.",
                f"• Who looked at which record (access log): {r.access_log_days} days.",
                "• /mydata shows your data; /forget deletes your self-checks, requests and unfinished "
                "input at once.",
                "• Kept even then: your Telegram account number and language (to be able to answer you) "
                "and an access-log line that you used /forget.",
            ]
        )
    return "\n".join(
        [
            "이 도우미가 보관하는 정보와 기간이에요.",
            "• 입력하신 글 자체는 저장하지 않아요. 상담은 알아들은 답(나이, 소득 등)만 저장해요. "
            "주민등록번호·전화번호·계좌번호·이메일·주소는 가려서 저장해요.",
            f"• 자가진단: 마지막으로 답한 날부터 {r.self_check_days}일 뒤 삭제",
            f"• 쓰다 만 입력(도움 요청 설명, 메모): {r.draft_hours}시간 뒤 삭제",
            f"• 도움 요청: 종결되고 {r.needs_days}일 뒤 익명 처리 (통계 숫자만 남아요)",
            f"• 담당자가 가구를 위해 한 상담: {r.household_consultation_days}일 뒤 삭제 "
            f"(이전 답 다시 쓰기는 {reuse_days}일까지)",
            f"• 방문 기록: {r.visit_days}일 뒤 가구 정보를 지우고 횟수만 남아요",
            f"• 누가 어떤 기록을 보았는지(접근 기록): {r.access_log_days}일",
            "• /mydata 로 확인하고, /forget 으로 자가진단·도움 요청·쓰다 만 입력을 바로 지울 수 있어요.",
            "• 지운 뒤에도 남는 것: 답장을 보내기 위한 텔레그램 계정 번호와 언어 설정, "
            "/forget 을 했다는 접근 기록",
        ]
    )
