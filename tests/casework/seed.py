"""A small hand-made data set whose statistics are worked out by hand in test_stats.py."""

from __future__ import annotations

import datetime as dt

from casework.model import NeedCategory as C
from casework.model import NeedStatus as S
from casework.model import Urgency as U
from casework.rows import NeedRow, VisitRow

TODAY = dt.date(2026, 11, 24)


def at(year: int, month: int, day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


ROWS = [
    # resolved in 2.0 days
    NeedRow(1, "h:1", C.INCOME, U.URGENT, S.RESOLVED, at(2026, 11, 1), at(2026, 11, 2), at(2026, 11, 3)),
    # resolved in 4.5 days
    NeedRow(
        2, "h:1", C.HOUSING, U.NORMAL, S.RESOLVED, at(2026, 10, 10), at(2026, 10, 17), at(2026, 10, 14, 12)
    ),
    NeedRow(3, "h:2", C.COMPANIONSHIP, U.LOW, S.OPEN, at(2026, 11, 20), at(2026, 12, 4), None),
    # in progress and due on 8 November: overdue
    NeedRow(4, "h:3", C.COMPANIONSHIP, U.NORMAL, S.IN_PROGRESS, at(2026, 11, 1), at(2026, 11, 8), None),
    # due at 00:00 UTC on the 24th = 09:00 in Korea today: not overdue yet
    NeedRow(5, "r:7", C.HEALTH, U.URGENT, S.ASSIGNED, at(2026, 11, 23), at(2026, 11, 24), None),
    # anonymised, resolved in 10 days, logged before the twelve-month window
    NeedRow(6, None, C.INCOME, U.NORMAL, S.RESOLVED, at(2025, 6, 1), at(2025, 6, 8), at(2025, 6, 11)),
    # 16:00 UTC on 30 September is 1 October in Korea
    NeedRow(
        7,
        "h:2",
        C.OTHER,
        U.NORMAL,
        S.CLOSED_UNRESOLVED,
        at(2026, 9, 30, 16),
        at(2026, 10, 7),
        at(2026, 10, 5),
    ),
]

VISITS = [
    *[VisitRow(1, 5, at(2026, 11, d)) for d in (3, 10, 17)],
    *[VisitRow(2, 2, at(2026, 10, d)) for d in (1, 2, 3)],
    VisitRow(3, 9, at(2026, 11, 18)),
]
