"""Crisis reports from reporters (명예사회복지공무원, 복지통장): signs from the 위기 list, where (without
an address), urgency. A report becomes an urgent need in the centre's queue, due within a day.
"""

from __future__ import annotations

import re
from enum import StrEnum


class CrisisSign(StrEnum):
    UTILITY_CUT = "utility_cut"  # 단전·단수·단가스
    ARREARS = "arrears"  # 공과금·월세·건강보험료 체납
    ISOLATION = "isolation"  # 고립·은둔, 고독사 위험
    ILLNESS = "illness"  # 질병·장애로 생활이 어려움
    JOB_LOSS = "job_loss"  # 실직·휴폐업
    DEBT = "debt"  # 채무·금융 위기
    HOUSING = "housing"  # 퇴거·주거 위기
    MAIL = "mail"  # 우편물·고지서가 쌓임
    CARE = "care"  # 돌볼 사람이 없음 (아동·노인·장애인)


_LABELS = {
    CrisisSign.UTILITY_CUT: ("단전·단수·단가스", "Utilities cut off"),
    CrisisSign.ARREARS: ("공과금·월세 체납", "Arrears (bills, rent)"),
    CrisisSign.ISOLATION: ("고립·은둔", "Isolated, withdrawn"),
    CrisisSign.ILLNESS: ("질병·장애로 곤란", "Illness or disability"),
    CrisisSign.JOB_LOSS: ("실직·폐업", "Job loss, business closed"),
    CrisisSign.DEBT: ("채무·금융 위기", "Debt"),
    CrisisSign.HOUSING: ("퇴거·주거 위기", "Eviction, housing crisis"),
    CrisisSign.MAIL: ("우편물·고지서 쌓임", "Mail piling up"),
    CrisisSign.CARE: ("돌볼 사람 없음", "Nobody to care for them"),
}
# Street numbers, flat numbers and lot numbers: a report says where in words a neighbour would use
# ("편의점 뒤 빌라 2층 끝집" is fine), not an address that identifies the household on paper.
_ADDRESS = re.compile(
    r"\d+\s*-\s*\d+\s*(번지|호)|\d+\s*(번지|호수|호)\b|\d+\s*호(?![가-힣])|(로|길)\s*\d+(\s*-\s*\d+)?(번|$|\s)"
)
MAX_WHERE = 200


def sign_label(sign: CrisisSign, lang: str = "ko") -> str:
    ko, en = _LABELS[CrisisSign(sign)]
    return en if lang == "en" else ko


def looks_like_address(text: str) -> bool:
    """True when the text holds a street, lot or flat number (테헤란로 12, 123번지, 301호)."""
    return _ADDRESS.search(text) is not None


def report_description(where: str, signs: list[CrisisSign], note: str | None) -> str:
    """The need's description: the place in the reporter's words, the signs, and anything else they saw."""
    signs_text = ", ".join(sign_label(s) for s in signs) or "-"
    parts = [f"[위기 제보] 위치: {where}", f"징후: {signs_text}"]
    if note:
        parts.append(note)
    return " / ".join(parts)


class ReportProgress(StrEnum):
    """All a reporter ever learns about their report."""

    RECEIVED = "received"
    TAKEN_UP = "taken_up"
    CLOSED = "closed"


def progress(status: str, assigned: bool) -> ReportProgress:
    if status in ("referred", "resolved", "closed_unresolved"):
        return ReportProgress.CLOSED
    if assigned or status in ("assigned", "in_progress"):
        return ReportProgress.TAKEN_UP
    return ReportProgress.RECEIVED
