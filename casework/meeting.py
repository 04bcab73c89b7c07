"""Case meetings (사례회의): needs marked for the next meeting, its pseudonymous agenda, the decisions.

The meeting day is a fixed weekday of the month like the visiting day (default: the second Tuesday).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from casework.model import NeedCategory, NeedStatus, Urgency, label
from casework.policy import nth_weekday_of_month


def next_meeting(today: dt.date, nth: int = 2, weekday: int = 1) -> dt.date:
    """The first meeting day on or after today."""
    year, month = today.year, today.month
    for _ in range(3):
        day = nth_weekday_of_month(year, month, nth, weekday)
        if day is not None and day >= today:
            return day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise ValueError("no meeting day within three months")  # only with nth 5, refused by the settings


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One line of the agenda: pseudonymous, nothing that names a person."""

    need_id: int
    household_code: str | None
    category: NeedCategory
    urgency: Urgency
    status: NeedStatus
    days_open: int
    referrals: tuple[str, ...]  # partner names and referral status, e.g. "강남종합사회복지관: 수락"
    decision: str | None


def agenda_text(meeting_on: dt.date, items: list[AgendaItem], lang: str = "ko") -> str:
    en = lang == "en"
    head = (
        f"Case meeting {meeting_on:%Y-%m-%d}: {len(items)} needs"
        if en
        else (f"{meeting_on:%Y-%m-%d} 사례회의 안건 {len(items)}건")
    )
    lines = [head]
    for n, item in enumerate(items, start=1):
        who = item.household_code or ("resident" if en else "주민")
        lines.append(
            f"{n}. #{item.need_id} {who} · {label(item.category, lang)} · {label(item.urgency, lang)} · "
            f"{label(item.status, lang)} · " + (f"{item.days_open} days" if en else f"{item.days_open}일째")
        )
        if item.referrals:
            lines.append("   " + "; ".join(item.referrals))
        if item.decision:
            lines.append(("   decision: " if en else "   결정: ") + item.decision)
    return "\n".join(lines)
