"""The statistics' summary rows stay exact through everything that changes a need, and statistics read
from them equal the same figures worked out from every need (casework.stats.compute_stats), on SQLite
and PostgreSQL: district-wide, per centre and under each role's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from casework.model import NeedCategory as C
from casework.model import NeedStatus as S
from casework.model import Urgency as U
from casework.policy import Timeframes
from casework.roles import OrgKind, Role
from casework.scope import Actor, StatsScope
from casework.stats import Stats
from casework.summary import Kind
from services import needs as needs_service
from services import network, reports
from services.errors import Denied
from storage import district, need_summary, needs, repo
from storage.db import Database
from storage.models import Household, User
from storage.models_needs import Need
from storage.models_summary import NeedCount, NeedOwnerCount
from storage.people import revoke_staff

NOW = dt.datetime(2026, 11, 24, 0, 0, tzinfo=dt.UTC)  # 09:00 in Korea
TODAY = dt.date(2026, 11, 24)
FRAMES = Timeframes(urgent=1, normal=7, low=14)
DISTRICT = StatsScope(everything=True)
HOUR = dt.timedelta(hours=1)


def days(n: float) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass
class Seeded:
    c1: int
    c2: int
    users: dict[str, int]
    households: dict[str, int]
    needs: dict[str, int]


def _agree(db: Database) -> dict[int | None, Stats]:
    """The summary rows equal the needs', and the statistics read from them equal the live ones for the
    district and every centre (and for a centre that has none). Returns the figures, by centre."""
    with db.session() as s:
        assert need_summary.check(s.connection()) == []
        centres = [None, *s.scalars(select(Need.centre_id).distinct().where(Need.centre_id.is_not(None)))]
        figures = {}
        for centre in [*centres, 999_999]:
            summary = reports.summary_statistics(s, DISTRICT, TODAY, 12, centre)
            assert summary == reports.live_statistics(s, DISTRICT, TODAY, 12, centre), f"centre {centre}"
            figures[centre] = summary
        assert reports.self_check(s, TODAY) == []
    return figures


@pytest.fixture
def seeded(db: Database) -> Iterator[Seeded]:
    """Two centres (the second with the head's review step), headquarters, households in both and one
    in no centre, a resident's own request, a crisis report; needs spread over months and statuses."""
    with db.session() as s:
        c1 = network.add_organisation(s, None, OrgKind.CENTRE, "C1", "역삼1동 행정복지센터")
        c2 = network.add_organisation(s, None, OrgKind.CENTRE, "C2", "역삼2동 행정복지센터", True)
        network.add_organisation(s, None, OrgKind.HEADQUARTERS, "HQ", "추진본부")
        places = {
            "hq": (Role.COORDINATOR, "HQ"),
            "coord1": (Role.COORDINATOR, "C1"),
            "head2": (Role.HEAD, "C2"),
            "staff1": (Role.STAFF, "C1"),
            "staff2": (Role.STAFF, "C2"),
            "reporter": (Role.REPORTER, "C1"),
        }
        users: dict[str, User] = {}
        for n, (name, (role, code)) in enumerate(places.items()):
            users[name] = repo.set_role(s, 5000 + n, role)
            network.move_user(s, None, users[name], code, role)
        users["resident"] = repo.ensure_user(s, 5100, "ko")
        s.flush()

        def household(code: str, centre: int | None, staff: User) -> Household:
            h = repo.create_household(s, code, staff)
            h.centre_id = centre
            h.assigned_staff = staff
            return h

        hh = {
            "h1": household("H-0001", c1.id, users["staff1"]),
            "h2": household("H-0002", c1.id, users["staff1"]),
            "h3": household("H-0003", c2.id, users["staff2"]),
            "h4": household("H-0004", None, users["staff1"]),
        }
        s.flush()

        def log(name: str, h: str | None, category: C, urgency: U, ago: float, **extra: Any) -> Need:
            staff = users["staff2"] if h == "h3" else users["staff1"]
            logged = needs.log_need(
                s,
                created_by=extra.pop("created_by", staff),
                category=category,
                urgency=urgency,
                description=f"{name} 필요",
                timeframes=FRAMES,
                household=hh[h] if h else None,
                centre_id=extra.pop("centre_id", hh[h].centre_id if h else None),
                now=extra.pop("now", NOW - days(ago)),
                override_reason="seed",
                override_by=users["hq"],
                override_role=Role.COORDINATOR,
                **extra,
            )
            assert logged.need is not None
            return logged.need

        found = {
            "a": log("a", "h1", C.INCOME, U.URGENT, 40),
            "b": log("b", "h1", C.HOUSING, U.NORMAL, 20),
            "c": log("c", "h2", C.COMPANIONSHIP, U.LOW, 2),
            "d": log("d", "h3", C.HEALTH, U.URGENT, 10, review_required=True),
            "e": log("e", "h3", C.HEALTH, U.NORMAL, 3, review_required=True),
            "f": log("f", "h4", C.OTHER, U.NORMAL, 0, now=dt.datetime(2026, 9, 30, 16, tzinfo=dt.UTC)),
            "g": log(
                "g",
                None,
                C.HEALTH,
                U.URGENT,
                0.5,
                created_by=users["resident"],
                resident=users["resident"],
                consent_at=NOW - days(0.5),
                centre_id=c1.id,
            ),
            "report": log(
                "report",
                None,
                C.SAFETY,
                U.URGENT,
                1,
                created_by=users["reporter"],
                reported_by=users["reporter"],
                centre_id=c1.id,
            ),
        }
        for when, h, staff in ((40, "h1", "staff1"), (10, "h3", "staff2"), (1, "h4", "staff1")):
            needs.record_visit(s, hh[h], users[staff], now=NOW - days(when))
        seeded = Seeded(
            c1.id,
            c2.id,
            {k: u.id for k, u in users.items()},
            {k: h.id for k, h in hh.items()},
            {k: n.id for k, n in found.items()},
        )
    yield seeded


def _need(s: Session, seeded: Seeded, name: str) -> Need:
    found = needs.get_need(s, seeded.needs[name])
    assert found is not None
    return found


def _user(s: Session, seeded: Seeded, name: str) -> User:
    found = s.get(User, seeded.users[name])
    assert found is not None
    return found


def test_the_summary_follows_every_change_to_a_need(db: Database, seeded: Seeded) -> None:
    first = _agree(db)
    assert first[None].total == 8 and first[seeded.c1].total == 5 and first[seeded.c2].total == 2
    assert first[None].by_month["2026-10"] == 2  # "f", logged on 1 October in Korean time, and "b"
    with db.session() as s:
        u = {name: _user(s, seeded, name) for name in seeded.users}
        # assigned, in progress, resolved in exactly one day (the "≤ 1 day" band) and in 4.5 days
        a, b = _need(s, seeded, "a"), _need(s, seeded, "b")
        needs.assign(s, a, u["staff1"], u["coord1"], now=NOW - days(40))
        needs.change_status(s, a, S.IN_PROGRESS, u["staff1"], now=NOW - days(39.5))
        needs.change_status(s, a, S.RESOLVED, u["staff1"], "지원 완료", now=NOW - days(39))
        needs.assign(s, b, u["staff1"], u["coord1"], now=NOW - days(19))
        needs.change_status(s, b, S.IN_PROGRESS, u["staff1"], now=NOW - days(18))
        needs.change_status(s, b, S.RESOLVED, u["staff1"], "해결", now=NOW - days(15.5))
        # the head of C2 approves one need and turns the other down
        needs.review(s, _need(s, seeded, "d"), u["head2"], approve=True, now=NOW - days(9))
        needs.review(s, _need(s, seeded, "e"), u["head2"], approve=False, note="중복", now=NOW - days(2))
        needs.assign(s, _need(s, seeded, "d"), u["staff2"], u["hq"], now=NOW - days(9))
    resolved = _agree(db)
    assert resolved[None].resolved == 2 and resolved[None].median_days_to_resolution == 2.75
    assert resolved[None].follow_up[seeded.users["staff1"]] == (0, 2)
    assert resolved[seeded.c2].by_status[S.CLOSED_UNRESOLVED] == 1

    with db.session() as s:
        # reopened: open again, nobody's, a new due date
        needs.change_status(s, _need(s, seeded, "b"), S.OPEN, _user(s, seeded, "coord1"), "재발", now=NOW)
    reopened = _agree(db)
    assert reopened[None].resolved == 1 and reopened[None].median_days_to_resolution == 1.0

    with db.session() as s:
        # the official with needs loses the role: their needs go back to the queue
        revoke_staff(s, _user(s, seeded, "staff2"), _user(s, seeded, "hq"), now=NOW)
        # the crisis report is linked to the household it was about
        h2 = s.get(Household, seeded.households["h2"])
        assert h2 is not None
        district.link_household(s, _need(s, seeded, "report"), h2, _user(s, seeded, "hq"))
    linked = _agree(db)
    assert linked[None].follow_up.get(seeded.users["staff2"]) is None
    assert linked[seeded.c1].unique_households == reopened[seeded.c1].unique_households  # h2 had needs

    with db.session() as s:
        # hand-over and a move to another centre change whose caseload it is, not the figures
        h1 = s.get(Household, seeded.households["h1"])
        assert h1 is not None
        district.hand_over(s, h1, _user(s, seeded, "coord1"), _user(s, seeded, "hq"), "인계")
        staff1 = _user(s, seeded, "staff1")
        network.move_user(s, None, staff1, "C2", Role.STAFF)
    assert _agree(db) == linked

    with db.session() as s:
        # /forget: the resident's own request goes, with its counts
        needs.forget_resident(s, _user(s, seeded, "resident"), now=NOW)
    forgotten = _agree(db)
    assert forgotten[None].total == linked[None].total - 1
    assert forgotten[seeded.c1].unique_households == linked[seeded.c1].unique_households - 1

    with db.session() as s:
        # retention (here after 30 days): needs closed before lose their household; they still count
        anonymised = needs.anonymise_closed(s, 30, now=NOW)
    assert anonymised == 1
    after = _agree(db)
    assert after[None].total == forgotten[None].total and after[None].resolved == 1
    assert after[None].unique_households == forgotten[None].unique_households  # h1 still has "b"

    with db.session() as s:
        # a need moved to another centre's queue: every row it counts in moves with it
        _need(s, seeded, "c").centre_id = seeded.c2
    moved = _agree(db)
    assert moved[seeded.c1].total == after[seeded.c1].total - 1
    assert moved[seeded.c2].total == after[seeded.c2].total + 1
    assert moved[None] == after[None]


def test_a_change_that_is_rolled_back_leaves_the_summary_as_it_was(db: Database, seeded: Seeded) -> None:
    before = _agree(db)
    with pytest.raises(RuntimeError), db.session() as s:
        needs.change_status(s, _need(s, seeded, "c"), S.CLOSED_UNRESOLVED, _user(s, seeded, "coord1"), "x")
        s.flush()
        raise RuntimeError("the handler failed after the change")
    assert _agree(db) == before


def test_of_two_sessions_changing_one_need_only_the_winner_counts(db: Database, seeded: Seeded) -> None:
    with pytest.raises(StaleDataError), db.session() as loser:
        theirs = _need(loser, seeded, "c")
        with db.session() as winner:
            mine = _need(winner, seeded, "c")
            needs.change_status(
                winner, mine, S.CLOSED_UNRESOLVED, _user(winner, seeded, "coord1"), "연락 두절"
            )
        needs.assign(loser, theirs, _user(loser, seeded, "staff1"), _user(loser, seeded, "coord1"))
    figures = _agree(db)
    assert figures[None].by_status[S.CLOSED_UNRESOLVED] == 1 and figures[None].by_status[S.ASSIGNED] == 0


def test_a_need_whose_row_was_not_loaded_is_counted_from_the_database(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        need = s.get(Need, seeded.needs["c"])
        assert need is not None
        s.expire(need)  # the session no longer knows the old values: they are read before the update
        need.status = S.CLOSED_UNRESOLVED
        need.closed_at = NOW
    _agree(db)


def test_rebuilding_and_what_a_drifted_summary_looks_like(db: Database, seeded: Seeded) -> None:
    kept = _agree(db)
    with db.engine.begin() as connection:
        # a change behind the ORM's back (what the repositories never do)
        connection.execute(update(Need).where(Need.id == seeded.needs["c"]).values(category=C.INCOME))
        found = need_summary.check(connection)
        assert {(d.key, d.stored, d.expected) for d in found} == {
            ((seeded.c1, "companionship", "open", "low"), 1, 0),
            ((seeded.c1, "income", "open", "low"), 0, 1),
        }
        assert need_summary.rebuild(connection) > 0
        assert need_summary.check(connection) == []
    rebuilt = _agree(db)
    assert rebuilt[None].by_category[C.INCOME] == kept[None].by_category[C.INCOME] + 1


def test_rows_that_reach_zero_go(db: Database, seeded: Seeded) -> None:
    with db.session() as s:
        needs.forget_resident(s, _user(s, seeded, "resident"), now=NOW)
    with db.session() as s:
        owners = s.execute(select(NeedOwnerCount.owner, NeedOwnerCount.owner_id)).all()
        assert ("r", seeded.users["resident"]) not in {tuple(o) for o in owners}
        assert 0 not in s.scalars(select(NeedCount.n)).all()


def test_statistics_follow_the_one_access_policy(db: Database, seeded: Seeded) -> None:
    figures = _agree(db)
    with db.session() as s:

        def actor(name: str, role: Role) -> Actor:
            from services.actors import actor_of

            return actor_of(s, seeded.users[name], role)

        hq = actor("hq", Role.COORDINATOR)
        coord1 = actor("coord1", Role.COORDINATOR)
        assert reports.statistics(s, hq, TODAY) == figures[None]
        assert reports.statistics(s, hq, TODAY, centre_id=seeded.c2) == figures[seeded.c2]
        # a centre sees its own figures, and asking for another centre's shows nothing of it
        assert reports.statistics(s, coord1, TODAY) == figures[seeded.c1]
        assert reports.statistics(s, coord1, TODAY, centre_id=seeded.c2).total == 0
        with pytest.raises(Denied):
            reports.statistics(s, actor("staff1", Role.STAFF), TODAY)
        with pytest.raises(Denied):
            reports.statistics(s, actor("reporter", Role.REPORTER), TODAY)


def test_the_desks_charts_read_the_same_rows(db: Database, seeded: Seeded) -> None:
    from services import desk

    with db.session() as s:
        a = _need(s, seeded, "a")
        u = {name: _user(s, seeded, name) for name in ("staff1", "coord1")}
        b = _need(s, seeded, "b")
        for need, logged in ((a, NOW - days(40)), (b, NOW - days(20))):
            needs.assign(s, need, u["staff1"], u["coord1"], now=logged)
            needs.change_status(s, need, S.IN_PROGRESS, u["staff1"], now=logged)
        needs.change_status(s, a, S.RESOLVED, u["staff1"], "해결", now=NOW - days(39))  # exactly a day
        needs.change_status(s, b, S.RESOLVED, u["staff1"], "해결", now=NOW - days(20) + HOUR * 25)
    with db.session() as s:
        from services.actors import actor_of

        extras = desk.chart_extras(s, actor_of(s, seeded.users["hq"], Role.COORDINATOR))
        assert extras.resolution["≤1"] == 1 and extras.resolution["≤3"] == 1  # 24 h and 25 h
        assert extras.by_centre == {seeded.c1: (5, 3), seeded.c2: (2, 2), None: (1, 1)}
        mine = desk.chart_extras(s, actor_of(s, seeded.users["coord1"], Role.COORDINATOR))
        assert mine.by_centre == {seeded.c1: (5, 3)}


def test_a_long_list_counts_no_further_than_it_needs(
    db: Database, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    with db.session() as s:
        from services.actors import actor_of

        hq = actor_of(s, seeded.users["hq"], Role.COORDINATOR)
        exact = needs_service.list_needs(s, hq, needs_service.PRESETS["open"], 0, 2, now=NOW)
        assert (exact.total, exact.estimated, exact.more) == (8, False, True)
        monkeypatch.setattr(needs_service, "TOTAL_LIMIT", 3)
        first = needs_service.list_needs(s, hq, needs_service.PRESETS["open"], 0, 2, now=NOW)
        assert (first.total, first.estimated, first.more) == (3, True, True)
        last = needs_service.list_needs(s, hq, needs_service.PRESETS["open"], 6, 2, now=NOW)
        assert (len(last.items), last.estimated, last.more) == (2, True, True)
        beyond = needs_service.list_needs(s, hq, needs_service.PRESETS["open"], 8, 2, now=NOW)
        assert (len(beyond.items), beyond.more) == (0, False)


def test_0009_fills_the_summary_from_the_needs_already_stored(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        db.upgrade("0008")
        t = "2026-09-30 16:00:00"
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisations (id, kind, code, name, review_required, active, created_at) "
                    f"VALUES (1, 'centre', 'C1', '역삼1동', false, true, '{t}')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO users (id, telegram_id, role, language, created_at, active) VALUES "
                    f"(1, 100, 'staff', 'ko', '{t}', true), (2, 200, 'resident', 'ko', '{t}', true)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO households (id, code, created_at, created_by_id) "
                    f"VALUES (1, 'H-1', '{t}', 1)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO needs (household_id, resident_user_id, created_by_id, category, urgency, "
                    "programs, callback_requested, status, assignee_id, due_at, created_at, updated_at, "
                    "closed_at, version, centre_id) VALUES "
                    "(1, NULL, 1, 'housing', 'normal', '[]', false, 'open', NULL, "
                    f"'{t}', '{t}', '{t}', NULL, 1, 1),"
                    "(1, NULL, 1, 'income', 'urgent', '[]', false, 'resolved', 1, "
                    f"'{t}', '{t}', '{t}', '2026-10-01 16:00:00', 3, 1),"
                    "(NULL, 2, 2, 'health', 'low', '[]', false, 'assigned', 1, "
                    f"'{t}', '{t}', '{t}', NULL, 2, NULL)"
                )
            )
        db.upgrade("0009")
        with db.engine.connect() as connection:
            assert need_summary.check(connection) == []
            rows = need_summary.stored(connection)
        assert sum(n for (kind, _), n in rows.items() if kind.value == "counts") == 3
        assert rows[(Kind.RESOLUTIONS, (1, 24))] == 1
        assert rows[(Kind.MONTHS, (0, "2026-10"))] == 1  # 1 October in Korea
        db.downgrade("0008")
        with db.engine.connect() as connection:
            assert "need_counts" not in connection.dialect.get_table_names(connection)
    finally:
        db.dispose()


def test_the_command_line_checks_and_rebuilds(db: Database, seeded: Seeded) -> None:
    import argparse
    import io

    from app.settings import Settings
    from app.stats_cmd import cmd_stats

    settings = Settings(
        _env_file=None,
        database_url=db.url.render_as_string(hide_password=False),
        telegram_bot_token=None,
    )

    def run(**options: Any) -> tuple[int, str]:
        out = io.StringIO()
        defaults: dict[str, Any] = {"check": False, "rebuild": False, "centre": None, "lang": "en"}
        args = argparse.Namespace(**{**defaults, **options})
        return cmd_stats(settings, args, out), out.getvalue()

    assert run(check=True) == (0, "summary rows and statistics agree with the needs\n")
    code, text_shown = run(centre="C2")
    assert code == 0 and "Total 2, households 1" in text_shown
    with db.engine.begin() as connection:
        connection.execute(update(NeedCount).values(n=NeedCount.n + 1))
    code, text_shown = run(check=True)
    assert code == 1 and "counts" in text_shown and "--rebuild" in text_shown
    assert run(rebuild=True)[0] == 0
    assert run(check=True)[0] == 0


@pytest.mark.parametrize(
    "module", ["storage.models_needs", "storage.models_summary", "storage.need_summary", "storage.models"]
)
def test_the_summary_is_kept_whichever_model_module_is_imported_first(module: str) -> None:
    import subprocess
    import sys

    check = (
        f"import {module}\n"
        "from sqlalchemy import event\n"
        "from storage import need_summary\n"
        "from storage.models_needs import Need\n"
        "assert event.contains(Need, 'before_update', need_summary._updating)\n"
        "assert need_summary.table(need_summary.Kind.OWNERS).name == 'need_owner_counts'\n"
    )
    subprocess.run([sys.executable, "-c", check], check=True, timeout=60)
