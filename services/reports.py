"""Statistics, the daily digest and exports at district scale: statistics from summary rows kept
exact on every change (storage.need_summary), the digest as counts with the most urgent few, and
exports streamed to a file. All of them are meant to run off the event loop (the bot
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
from casework.rows import ExportRow
from casework.scope import Actor, StatsScope, may_export, stats_scope
from casework.stats import Stats, compute_stats, month_keys
from casework.summary import median_days
from services.actors import user_of
from services.errors import Denied
from storage import need_queries, need_summary, scoping
from storage import needs as needs_repo
from storage.models import Household
from storage.models_needs import Need, Visit


def _scope(actor: Actor | None) -> StatsScope:
    """Whose figures (casework.scope, the one policy); None: the command line, the whole district."""
    scope = stats_scope(actor) if actor is not None else StatsScope(everything=True)
    if scope is None:
        raise Denied("statistics")
    return scope


def _clause(actor: Actor, centre_id: int | None = None) -> ColumnElement[bool]:
    clause = scoping.stats_clause(_scope(actor))
    if centre_id is not None:
        clause = clause & (Need.centre_id == centre_id)
    return clause


def _visit_clause(centres: list[int] | None) -> ColumnElement[bool] | None:
    """Visits to the households of these centres (None: every visit, anonymised ones included)."""
    if centres is None:
        return None
    return Visit.household_id.in_(select(Household.id).where(Household.centre_id.in_(centres)))


def summary_statistics(
    s: Session, scope: StatsScope, today: dt.date, months: int = 12, centre_id: int | None = None
) -> Stats:
    """The figures under a scope, read from the summary rows (storage.need_summary) and the visits."""
    keys = month_keys(today, months)
    centres = scoping.stats_centres(scope, centre_id)
    fig = need_summary.figures(s, centres, today=today, first_month=keys[0], per_official=scope.everything)
    visits = need_queries.visits_by_staff(s, _visit_clause(centres))
    by_category = {c: 0 for c in NeedCategory}
    by_status = {st: 0 for st in NeedStatus}
    for (category, status), n in fig.by_category_status.items():
        by_category[NeedCategory(category)] += n
        by_status[NeedStatus(status)] += n
    return Stats(
        today=today,
        total=sum(by_category.values()),
        by_category=by_category,
        by_status=by_status,
        by_month={key: fig.by_month.get(key, 0) for key in keys},
        unique_households=fig.households + fig.residents,
        resolved=sum(fig.resolution_hours.values()),  # resolved with a resolution time, as the median
        median_days_to_resolution=median_days(fig.resolution_hours),
        overdue=fig.overdue,
        visits_by_staff=dict(sorted(visits.items(), key=lambda item: (-item[1], item[0]))),
        total_visits=sum(visits.values()),
        follow_up=fig.follow_up,
    )


def live_statistics(
    s: Session, scope: StatsScope, today: dt.date, months: int = 12, centre_id: int | None = None
) -> Stats:
    """The same figures worked out from every need and visit (casework.stats.compute_stats): slow at
    scale, the reference `self_check` compares the summary with."""
    centres = scoping.stats_centres(scope, centre_id)
    clause = true() if centres is None else Need.centre_id.in_(centres)
    rows = need_queries.stats_rows(s, clause)
    visits = need_queries.visits_rows(s, clause=_visit_clause(centres))
    return compute_stats(rows, visits, today, months, per_official=scope.everything)


def statistics(
    s: Session, actor: Actor | None, today: dt.date, months: int = 12, centre_id: int | None = None
) -> Stats:
    """The figures /stats shows (and the dashboard charts), for the actor's centre or the district.

    actor None: the command line (`bot.py stats`), which sees the whole district."""
    stats = summary_statistics(s, _scope(actor), today, months, centre_id)
    who = user_of(s, actor) if actor is not None else None
    needs_repo.record_access(s, who, AccessAction.VIEW_STATS, f"centre:{centre_id or '-'}")
    return stats


@dataclass(frozen=True, slots=True)
class Mismatch:
    centre_id: int | None  # None: the whole district
    summary: Stats
    live: Stats


def self_check(s: Session, today: dt.date, months: int = 12) -> list[Mismatch]:
    """The summary's figures against the live computation, for the district and every centre with
    needs: an empty list when they agree (`python bot.py stats --check`)."""
    district = StatsScope(everything=True)
    found = []
    for centre in [None, *need_queries.centres_with_needs(s)]:
        summary = summary_statistics(s, district, today, months, centre)
        live = live_statistics(s, district, today, months, centre)
        if summary != live:
            found.append(Mismatch(centre, summary, live))
    return found


def check_summary(s: Session) -> list[need_summary.Difference]:
    """The summary rows against the needs, row by row (empty: exact)."""
    return need_summary.check(s.connection())


def rebuild_summary(s: Session) -> int:
    """Work the summary rows out again from the needs (after a repair or a bulk load)."""
    return need_summary.rebuild(s.connection())


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
