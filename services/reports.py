"""Statistics, the daily digest and exports at district scale: SQL aggregates, counts with the most
urgent few, and exports streamed to a file. All of them are meant to run off the event loop (the bot
calls them through asyncio.to_thread) so a resident's step never waits behind them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from casework.export import write_csv, write_xlsx
from casework.model import AccessAction, NeedCategory, NeedStatus
from casework.policy import KST
from casework.rows import ExportRow
from casework.scope import Actor, may_export, stats_scope
from casework.stats import Stats, month_keys
from services.actors import user_of
from services.errors import Denied
from storage import need_queries, scoping
from storage import needs as needs_repo
from storage.models import Household
from storage.models_needs import Need, Visit


def _clause(actor: Actor, centre_id: int | None = None) -> ColumnElement[bool]:
    scope = stats_scope(actor)
    if scope is None:
        raise Denied("statistics")
    clause = scoping.stats_clause(scope)
    if centre_id is not None:
        clause = clause & (Need.centre_id == centre_id)
    return clause


def statistics(
    s: Session, actor: Actor, today: dt.date, months: int = 12, centre_id: int | None = None
) -> Stats:
    """The figures /stats shows (and the dashboard charts), for the actor's centre or the district."""
    clause = _clause(actor, centre_id)
    scope = stats_scope(actor)
    assert scope is not None
    keys = month_keys(today, months)
    year, month = (int(part) for part in keys[0].split("-"))
    month_start = dt.datetime(year, month, 1, tzinfo=KST).astimezone(dt.UTC)
    today_start = dt.datetime(today.year, today.month, today.day, tzinfo=KST).astimezone(dt.UTC)
    visit_clause = None
    if not scope.everything or centre_id is not None:
        centres = [centre_id] if centre_id is not None else sorted(scope.centre_ids)
        visit_clause = Visit.household_id.in_(select(Household.id).where(Household.centre_id.in_(centres)))
    agg = need_queries.aggregates(
        s, clause, today_start, month_start, visit_clause, per_official=scope.everything
    )
    needs_repo.record_access(s, user_of(s, actor), AccessAction.VIEW_STATS, f"centre:{centre_id or '-'}")
    by_category = {c: 0 for c in NeedCategory}
    by_status = {st: 0 for st in NeedStatus}
    for (category, status), n in agg.by_category_status.items():
        by_category[NeedCategory(category)] += n
        by_status[NeedStatus(status)] += n
    return Stats(
        today=today,
        total=sum(by_category.values()),
        by_category=by_category,
        by_status=by_status,
        by_month={key: agg.by_month.get(key, 0) for key in keys},
        unique_households=agg.households + agg.residents,
        resolved=agg.resolved,
        median_days_to_resolution=agg.median_days,
        overdue=agg.overdue,
        visits_by_staff=dict(sorted(agg.visits_by_staff.items(), key=lambda item: (-item[1], item[0]))),
        total_visits=sum(agg.visits_by_staff.values()),
        follow_up=agg.follow_up,
    )


def digest(s: Session, actor: Actor, now: dt.datetime | None = None) -> need_queries.DigestCounts:
    scope = stats_scope(actor)
    if scope is None:
        raise Denied("digest")
    return need_queries.digest_counts(s, scoping.stats_clause(scope), now)


@dataclass(frozen=True, slots=True)
class Exported:
    path: Path
    rows: int


def export_needs(
    s: Session, actor: Actor | None, fmt: str, out: Path, reason: str, lang: str = "ko"
) -> Exported:
    """Write the needs the actor may export to `out`, streamed (memory stays flat however many).

    actor None: the command line, which exports the whole district.
    """
    if actor is not None and not may_export(actor):
        raise Denied("export")
    clause = _clause(actor) if actor is not None else true()
    counted = 0

    def rows() -> Iterator[ExportRow]:
        nonlocal counted
        for row in need_queries.iter_export(s, clause):
            counted += 1
            yield row

    if fmt == "xlsx":
        write_xlsx(rows(), out, lang)
    else:
        with out.open("wb") as handle:
            write_csv(rows(), handle, lang)
    who = user_of(s, actor) if actor is not None else None
    needs_repo.record_access(
        s, who, AccessAction.EXPORT, f"needs.{fmt}", reason=reason, detail=f"{counted} rows"
    )
    return Exported(out, counted)


def export_in_process(url: str, actor: Actor | None, fmt: str, out: str, reason: str, lang: str) -> int:
    """The export in a process of its own (see export_elsewhere): its own engine, returns the row count."""
    import os

    from storage.db import Database

    os.nice(10)  # the bot's own process comes first for the processor
    db = Database(url)
    try:
        with db.session() as s:
            return export_needs(s, actor, fmt, Path(out), reason, lang).rows
    finally:
        db.dispose()


def export_elsewhere(url: str, actor: Actor | None, fmt: str, out: Path, reason: str, lang: str) -> int:
    """Run an export in a fresh process and wait for it (call this from a worker thread).

    Formatting a hundred thousand rows is Python work that holds the GIL; in a thread of the bot's
    process it would delay every resident's step by up to the interpreter's switch interval each
    time they wait for the GIL. In another process it costs the bot nothing but the wait.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(export_in_process, url, actor, fmt, str(out), reason, lang).result()
