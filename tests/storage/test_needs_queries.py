from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from openpyxl import load_workbook

from casework.export import export_csv, export_xlsx
from casework.model import AccessAction, NeedCategory, NeedStatus, Urgency
from casework.stats import compute_stats
from storage import needs
from storage.db import Database
from storage.models_needs import Need
from tests.storage.test_needs_helpers import NOW, People, days, log, seed_people

S, C, U = NeedStatus, NeedCategory, Urgency


@dataclass
class Seeded:
    p: People
    ids: dict[str, int]


@pytest.fixture
def seeded(db: Database) -> Iterator[Seeded]:
    """Seven needs worked out by hand; the expected figures in the tests below follow from them."""
    with db.session() as s:
        p = seed_people(s)

        def walk(need: Need, *steps: tuple[NeedStatus, dt.datetime, str | None]) -> Need:
            for status, when, note in steps:
                if status == S.ASSIGNED:
                    needs.assign(s, need, p.staff, p.coordinator, now=when)
                else:
                    needs.change_status(s, need, status, p.staff, note, now=when)
            return need

        n1 = walk(
            log(s, p, category=C.INCOME, urgency=U.URGENT, now=NOW - days(30)),
            (S.ASSIGNED, NOW - days(30), None),
            (S.IN_PROGRESS, NOW - days(29), None),
            (S.RESOLVED, NOW - days(28), None),
        )  # resolved in 2 days
        n2 = walk(
            log(s, p, programs=["housing_benefit"], now=NOW - days(20)),
            (S.ASSIGNED, NOW - days(19), None),
            (S.IN_PROGRESS, NOW - days(18), None),
            (S.RESOLVED, NOW - days(16), None),
        )  # resolved in 4 days
        n3 = log(s, p, household=p.h2, category=C.COMPANIONSHIP, urgency=U.LOW, now=NOW - days(2))
        n4 = log(s, p, household=p.h3, category=C.COMPANIONSHIP, now=NOW - days(10))  # due NOW - 3 days
        needs.assign(s, n4, p.staff2, p.coordinator, now=NOW - days(9))
        needs.change_status(s, n4, S.IN_PROGRESS, p.staff2, now=NOW - days(8))
        n5 = log(
            s,
            p,
            created_by=p.resident,
            household=None,
            resident=p.resident,
            consent_at=NOW - days(0.5),
            category=C.HEALTH,
            urgency=U.URGENT,
            description="병원비가 걱정됨",
            now=NOW - days(0.5),
        )  # due NOW + 12 hours
        n6 = log(s, p, household=p.h2, category=C.OTHER, now=NOW - days(40))
        needs.change_status(s, n6, S.CLOSED_UNRESOLVED, p.coordinator, "연락 두절", now=NOW - days(35))
        n7 = log(
            s, p, household=p.h3, category=C.SAFETY, urgency=U.URGENT, now=NOW - days(3)
        )  # due NOW - 2 days
        for when in (NOW - days(40), NOW - days(10), NOW - days(1)):
            needs.record_visit(s, p.h1, p.staff, now=when)
        needs.record_visit(s, p.h3, p.staff2, now=NOW - days(5))
        ids = {f"n{i}": n.id for i, n in enumerate((n1, n2, n3, n4, n5, n6, n7), start=1)}
    yield Seeded(p, ids)


def names(seeded: Seeded, found: list[Need]) -> list[str]:
    by_id = {v: k for k, v in seeded.ids.items()}
    return [by_id[n.id] for n in found]


@pytest.mark.parametrize(
    ("filters", "expected", "total"),
    [
        ({}, ["n5", "n3", "n7", "n4", "n2", "n1", "n6"], 7),
        ({"limit": 3}, ["n5", "n3", "n7"], 7),
        ({"limit": 3, "offset": 3}, ["n4", "n2", "n1"], 7),
        ({"limit": 3, "offset": 6}, ["n6"], 7),
        ({"offset": 10}, [], 7),
        ({"status": S.OPEN}, ["n5", "n3", "n7"], 3),
        ({"status": [S.RESOLVED, S.CLOSED_UNRESOLVED]}, ["n2", "n1", "n6"], 3),
        ({"category": C.COMPANIONSHIP}, ["n3", "n4"], 2),
        ({"urgency": U.URGENT}, ["n5", "n7", "n1"], 3),
        ({"unassigned": True}, ["n5", "n3", "n7", "n6"], 4),
        ({"overdue": True}, ["n7", "n4"], 2),
        ({"overdue": False}, ["n5", "n3", "n2", "n1", "n6"], 5),
        ({"overdue": True, "unassigned": True}, ["n7"], 1),
        ({"status": S.OPEN, "order": "due"}, ["n7", "n5", "n3"], 3),
        ({"order": "due", "limit": 2}, ["n6", "n1"], 7),
    ],
)
def test_list_filters_and_paging(
    db: Database, seeded: Seeded, filters: dict[str, Any], expected: list[str], total: int
) -> None:
    with db.session() as s:
        found, count = needs.list_needs(s, now=NOW, **filters)
        assert names(seeded, found) == expected
        assert count == total


def test_list_by_assignee_and_household(db: Database, seeded: Seeded) -> None:
    p = seeded.p
    with db.session() as s:
        assert names(seeded, needs.list_needs(s, assignee_id=p.staff2.id, now=NOW)[0]) == ["n4"]
        assert names(seeded, needs.list_needs(s, assignee_id=p.staff.id, now=NOW)[0]) == ["n2", "n1"]
        assert names(seeded, needs.list_needs(s, household_id=p.h2.id, now=NOW)[0]) == ["n3", "n6"]
        found, _ = needs.list_needs(s, household_id=p.h1.id, now=NOW)
    # Household and assignee are loaded for rendering after the session has closed.
    assert {n.household.code for n in found if n.household} == {"H-0001"}
    assert {n.assignee.telegram_id for n in found if n.assignee} == {300}


@pytest.mark.parametrize("bad", [{"limit": 0}, {"limit": 101}, {"offset": -1}])
def test_list_refuses_bad_pages(db: Database, bad: dict[str, Any]) -> None:
    with db.session() as s, pytest.raises(ValueError):
        needs.list_needs(s, **bad)


def test_digest(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        result = needs.digest(s, NOW)
    assert names(seeded, result.new_since_yesterday) == ["n5"]
    assert names(seeded, result.unassigned) == ["n7", "n5", "n3"]  # earliest due first
    assert names(seeded, result.overdue) == ["n4", "n7"]


def test_stats_on_the_seeded_database(db: Database, seeded: Seeded) -> None:
    p = seeded.p
    with db.session() as s:
        stats = compute_stats(needs.stats_rows(s), needs.visits_rows(s), NOW.date())
        recent_visits = needs.visits_rows(s, since=NOW - days(30))
    assert stats.total == 7
    assert {k: v for k, v in stats.by_category.items() if v} == {
        C.INCOME: 1, C.HOUSING: 1, C.HEALTH: 1, C.COMPANIONSHIP: 2, C.SAFETY: 1, C.OTHER: 1,
    }  # fmt: skip
    assert {k: v for k, v in stats.by_status.items() if v} == {
        S.OPEN: 3, S.IN_PROGRESS: 1, S.RESOLVED: 2, S.CLOSED_UNRESOLVED: 1,
    }  # fmt: skip
    assert {k: v for k, v in stats.by_month.items() if v} == {"2026-10": 2, "2026-11": 5}
    assert stats.unique_households == 4  # H-0001, H-0002, H-0003 and the resident
    assert stats.median_days_to_resolution == 3.0
    assert stats.overdue == 2
    assert stats.visits_by_staff == {p.staff.id: 3, p.staff2.id: 1}
    assert len(recent_visits) == 3


def test_export_round_trip_from_the_database(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        rows = needs.export_rows(s)
        open_only = needs.export_rows(s, status=S.OPEN)
        entry = needs.record_access(
            s, seeded.p.coordinator, AccessAction.EXPORT, "needs:csv", reason="월간 보고"
        )
    assert [r.need_id for r in rows] == sorted(seeded.ids.values())
    assert {r.need_id for r in open_only} == {seeded.ids[k] for k in ("n3", "n5", "n7")}
    assert entry.reason == "월간 보고" and entry.actor_id == seeded.p.coordinator.id

    table = list(csv.reader(io.StringIO(export_csv(rows).decode("utf-8-sig"))))
    by_id = {int(line[0]): line for line in table[1:]}
    n5 = by_id[seeded.ids["n5"]]
    assert n5[1] == "주민 본인" and n5[2] == "건강지원" and n5[10] == "병원비가 걱정됨"
    n2 = by_id[seeded.ids["n2"]]
    assert n2[1] == "H-0001" and n2[5] == "housing_benefit" and n2[8] == str(seeded.p.staff.id)
    # Pseudonymous only: household codes and internal staff ids, never Telegram ids.
    assert {line[1] for line in table[1:]} == {"H-0001", "H-0002", "H-0003", "주민 본인"}
    assert {line[8] for line in table[1:]} == {"", str(seeded.p.staff.id), str(seeded.p.staff2.id)}

    sheet = load_workbook(io.BytesIO(export_xlsx(rows))).active
    assert sheet is not None
    assert sheet.auto_filter.ref == "A1:K8" and sheet["A1"].value == "접수번호"
    assert {sheet.cell(row=i, column=3).value for i in range(2, 9)} >= {"말벗", "소득지원", "안전"}


def test_an_export_must_give_a_reason(db: Database) -> None:
    with db.session() as s:
        p = seed_people(s)
        with pytest.raises(ValueError, match="reason"):
            needs.record_access(s, p.coordinator, AccessAction.EXPORT, "needs:xlsx")
        with pytest.raises(ValueError, match="target"):
            needs.record_access(s, p.coordinator, AccessAction.VIEW_NEED, "x" * 65)
        entry = needs.record_access(s, None, AccessAction.EXPORT, "needs:csv", reason="CLI 010-1234-5678")
        assert entry.actor_id is None and entry.reason == "CLI [전화번호]"
        viewed = needs.record_access(s, p.coordinator, AccessAction.VIEW_NEED, "need:1", now=NOW)
        assert needs.access_log(s, actor_id=p.coordinator.id) == [viewed]
