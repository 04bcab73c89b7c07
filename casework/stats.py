"""Statistics for coordinators, computed from plain rows (see storage.needs.stats_rows / visits_rows)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from casework.model import ACTIVE_STATUSES, NeedCategory, NeedStatus, label
from casework.policy import KST
from casework.rows import NeedRow, VisitRow
from casework.summary import median_days, resolution_hours

DEFAULT_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Stats:
    today: dt.date
    total: int
    by_category: dict[NeedCategory, int]  # every category, in the enum's order, zeros included
    by_status: dict[NeedStatus, int]  # every status, in the enum's order
    by_month: dict[str, int]  # "YYYY-MM" (Korean time) of logging, the last `months` months, oldest first
    unique_households: int  # households (and residents logging for themselves) with a not anonymised need
    resolved: int
    # resolved needs only: closed_at − created_at in begun hours (casework.summary.resolution_hours), as days
    median_days_to_resolution: float | None
    overdue: int  # still open, assigned or in progress, and due before today
    visits_by_staff: dict[int, int]  # staff user id → visits, most first, then by id
    total_visits: int
    # Headquarters' view: per official, needs still being worked on and needs resolved.
    follow_up: dict[int, tuple[int, int]] = field(default_factory=dict)


def month_keys(today: dt.date, months: int) -> list[str]:
    keys = []
    year, month = today.year, today.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return keys[::-1]


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(KST).date()


def compute_stats(
    rows: Iterable[NeedRow],
    visits: Iterable[VisitRow],
    today: dt.date,
    months: int = DEFAULT_MONTHS,
    per_official: bool = False,
) -> Stats:
    """`today` is the Korean calendar date; needs logged before the month window still count elsewhere.

    Every figure from the rows themselves: the reference the summary rows are checked against."""
    if months < 1:
        raise ValueError("months must be at least 1")
    needs = list(rows)
    by_category = Counter(row.category for row in needs)
    by_status = Counter(row.status for row in needs)
    month_counts = Counter(_local_date(row.created_at).strftime("%Y-%m") for row in needs)
    resolution_hours_counts = Counter(
        resolution_hours(row.created_at, row.closed_at)
        for row in needs
        if row.status == NeedStatus.RESOLVED and row.closed_at is not None
    )
    visit_counts = Counter(visit.staff_id for visit in visits)
    follow_up: dict[int, tuple[int, int]] = {}
    if per_official:
        active = Counter(
            r.assignee_id for r in needs if r.assignee_id is not None and r.status in ACTIVE_STATUSES
        )
        resolved = Counter(
            r.assignee_id for r in needs if r.assignee_id is not None and r.status == NeedStatus.RESOLVED
        )
        follow_up = {
            who: (active[who], resolved[who])
            for who in sorted({r.assignee_id for r in needs if r.assignee_id is not None})
        }
    return Stats(
        today=today,
        total=len(needs),
        by_category={category: by_category[category] for category in NeedCategory},
        by_status={status: by_status[status] for status in NeedStatus},
        by_month={key: month_counts[key] for key in month_keys(today, months)},
        unique_households=len({row.household_key for row in needs if row.household_key is not None}),
        resolved=sum(resolution_hours_counts.values()),
        median_days_to_resolution=median_days(dict(resolution_hours_counts)),
        overdue=sum(1 for row in needs if row.status in ACTIVE_STATUSES and _local_date(row.due_at) < today),
        visits_by_staff=dict(sorted(visit_counts.items(), key=lambda item: (-item[1], item[0]))),
        total_visits=sum(visit_counts.values()),
        follow_up=follow_up,
    )


def format_stats(stats: Stats, lang: str = "ko") -> str:
    """The same figures as the chart, as text (for screen readers and for copying into a report)."""
    en = lang == "en"

    def lines(counts: dict[NeedCategory, int] | dict[NeedStatus, int]) -> list[str]:
        return [f"  {label(key, lang)}: {n}" for key, n in counts.items() if n]

    median = stats.median_days_to_resolution
    median_text = "-" if median is None else f"{median:.1f}"
    out = [
        (f"Needs as of {stats.today:%Y-%m-%d}" if en else f"{stats.today:%Y-%m-%d} 기준 요청 현황"),
        (
            f"Total {stats.total}, households {stats.unique_households}, overdue {stats.overdue}"
            if en
            else f"전체 {stats.total}건, 가구 {stats.unique_households}곳, 기한 초과 {stats.overdue}건"
        ),
        (
            f"Median days to resolution: {median_text} ({stats.resolved} resolved)"
            if en
            else f"해결까지 걸린 일수(중앙값): {median_text}일 (해결 {stats.resolved}건)"
        ),
        "By category:" if en else "분야별:",
        *lines(stats.by_category),
        "By status:" if en else "상태별:",
        *lines(stats.by_status),
        "By month:" if en else "월별:",
        *[f"  {month}: {n}" for month, n in stats.by_month.items()],
        (f"Visits: {stats.total_visits}" if en else f"방문: {stats.total_visits}회"),
        *[
            (f"  staff #{staff}: {n}" if en else f"  담당자 #{staff}: {n}회")
            for staff, n in stats.visits_by_staff.items()
        ],
    ]
    if stats.follow_up:
        out.append(
            "Follow-up per official (active / resolved):" if en else "담당자별 후속 조치 (진행 / 해결):"
        )
        out += [
            f"  #{who}: {active} / {resolved}" for who, (active, resolved) in sorted(stats.follow_up.items())
        ]
    return "\n".join(out)
