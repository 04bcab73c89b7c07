"""The district at scale: needs lists, statistics, export memory, and a resident's consultation step
while a coordinator runs statistics and an export at the same time.

A fresh database is filled with bulk inserts (--needs N over ten centres, a fifth as many households,
a tenth as many visits, 300 officials), then:

- `needs_page`: one /needs page (8 needs, with the total) through services.needs.list_needs, for a
  centre coordinator, a headquarters coordinator and a staff member, pages 1 to 10 of "open";
  target p99 ≤ 50 ms
- `stats`: services.reports.statistics for headquarters (the whole district) and for one centre;
  target ≤ 300 ms
- `export`: the streamed CSV export of every need, in a fresh process: its peak RSS; target ≤ 150 MB
- `concurrent`: the real Application (local Bot API, no network) with --residents chats walking
  consultations, first alone, then while a coordinator's /stats and /export run (in worker threads,
  as the bot runs them); handler time per resident update; target p99 ≤ 20 ms

    .venv/bin/python -m bench.district --json                                  # 100,000 needs, SQLite
    .venv/bin/python -m bench.district --needs 1000000 --json                  # 1,000,000 needs
    .venv/bin/python -m bench.district --database postgresql://postgres@127.0.0.1:5432/test --json
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bench import emit, load, load_profiles, summarise_ns
from bench.throughput import fresh_database
from casework.model import ACTIVE_STATUSES, NeedCategory, NeedStatus, Urgency
from casework.roles import OrgKind, Role
from casework.scope import Actor
from services import needs as needs_service
from services import reports
from storage import need_summary
from storage.db import Database
from storage.models import Household, User
from storage.models_district import Organisation
from storage.models_needs import Need, Visit

TARGETS = {
    "needs_page_p99_ms": 50.0,
    "stats_ms": 300.0,
    "export_peak_rss_mb": 150.0,
    "resident_step_p99_ms": 20.0,
}
CENTRES = 10
OFFICIALS = 300
NOW = dt.datetime(2026, 12, 5, 0, 0, tzinfo=dt.UTC)
BATCH = 20_000


def populate(url: str, needs: int, seed: int = 7) -> dict[str, Any]:
    """Bulk inserts (executemany of plain dicts): a million needs take about a minute on SQLite."""
    rng = random.Random(seed)
    db = Database(url)
    db.upgrade()
    started = time.perf_counter()
    with db.engine.begin() as c:
        c.execute(
            insert(Organisation),
            [
                {
                    "kind": OrgKind.CENTRE,
                    "code": f"C{i:02d}",
                    "name": f"동 {i}",
                    "review_required": False,
                    "active": True,
                    "created_at": NOW,
                }
                for i in range(1, CENTRES + 1)
            ]
            + [
                {
                    "kind": OrgKind.HEADQUARTERS,
                    "code": "HQ",
                    "name": "추진본부",
                    "review_required": False,
                    "active": True,
                    "created_at": NOW,
                }
            ],
        )
        orgs = dict(c.execute(select(Organisation.code, Organisation.id)).all())
        centres = [orgs[f"C{i:02d}"] for i in range(1, CENTRES + 1)]
        users = [
            {
                "telegram_id": 10_000 + i,
                "role": Role.STAFF,
                "language": "ko",
                "created_at": NOW,
                "active": True,
                "organisation_id": centres[i % CENTRES],
            }
            for i in range(OFFICIALS)
        ]
        users += [
            {
                "telegram_id": 20_000 + i,
                "role": Role.COORDINATOR,
                "language": "ko",
                "created_at": NOW,
                "active": True,
                "organisation_id": centres[i],
            }
            for i in range(CENTRES)
        ]
        users.append(
            {
                "telegram_id": 30_000,
                "role": Role.COORDINATOR,
                "language": "ko",
                "created_at": NOW,
                "active": True,
                "organisation_id": orgs["HQ"],
            }
        )
        c.execute(insert(User), users)
        staff_ids = list(c.scalars(select(User.id).where(User.role == Role.STAFF).order_by(User.id)))
        n_households = max(needs // 5, 1)
        for start in range(0, n_households, BATCH):
            c.execute(
                insert(Household),
                [
                    {
                        "code": f"H-{i + 1:06d}",
                        "created_at": NOW,
                        "created_by_id": staff_ids[i % len(staff_ids)],
                        "assigned_staff_id": staff_ids[i % len(staff_ids)],
                        "centre_id": centres[i % CENTRES],
                    }
                    for i in range(start, min(start + BATCH, n_households))
                ],
            )
        first_household = c.scalar(select(Household.id).order_by(Household.id).limit(1)) or 1
    statuses = list(NeedStatus)
    weights = [1, 10, 10, 10, 5, 50, 14]
    categories, urgencies = list(NeedCategory), list(Urgency)
    for start in range(0, needs, BATCH):
        rows = []
        for i in range(start, min(start + BATCH, needs)):
            h = i % n_households
            created = NOW - dt.timedelta(days=rng.random() * 3 * 365)
            status = rng.choices(statuses, weights)[0]
            closed = created + dt.timedelta(days=rng.random() * 30) if status not in ACTIVE_STATUSES else None
            urgency = rng.choice(urgencies)
            rows.append(
                {
                    "household_id": first_household + h,
                    "created_by_id": staff_ids[h % len(staff_ids)],
                    "category": rng.choice(categories),
                    "urgency": urgency,
                    "description": "방문 중 확인한 필요",
                    "programs": [],
                    "callback_requested": False,
                    "status": status,
                    "assignee_id": None
                    if status in (NeedStatus.OPEN, NeedStatus.REVIEW)
                    else staff_ids[h % 97],
                    "due_at": created + dt.timedelta(days=7),
                    "created_at": created,
                    "updated_at": created,
                    "closed_at": closed,
                    "version": 1,
                    "centre_id": centres[h % CENTRES],
                }
            )
        with db.engine.begin() as c:
            c.execute(insert(Need), rows)
    visits = needs // 10
    for start in range(0, visits, BATCH):
        with db.engine.begin() as c:
            c.execute(
                insert(Visit),
                [
                    {
                        "household_id": first_household + (i % n_households),
                        "staff_id": staff_ids[i % len(staff_ids)],
                        "visited_at": NOW - dt.timedelta(days=rng.random() * 365),
                    }
                    for i in range(start, min(start + BATCH, visits))
                ],
            )
    filled = time.perf_counter()
    # Bulk inserts bypass the ORM that keeps the statistics' summary rows: work them out once, as
    # migration 0009 does for an existing database.
    with db.engine.begin() as c:
        summary_rows = need_summary.rebuild(c)
    summarised = time.perf_counter()
    with db.engine.begin() as c:
        c.exec_driver_sql("ANALYZE")
    db.dispose()
    return {
        "needs": needs,
        "households": n_households,
        "visits": visits,
        "populate_s": round(filled - started, 1),
        "summary_rows": summary_rows,
        "summary_s": round(summarised - filled, 1),
    }


def actors(db: Database) -> dict[str, Actor]:
    with db.session() as s:
        hq = s.scalars(select(User).where(User.telegram_id == 30_000)).one()
        centre = s.scalars(select(User).where(User.telegram_id == 20_000)).one()
        staff = s.scalars(select(User).where(User.telegram_id == 10_000)).one()
        kinds: dict[int, OrgKind] = dict(s.execute(select(Organisation.id, Organisation.kind)).all())
        return {
            "headquarters": Actor(
                hq.id, Role.COORDINATOR, hq.organisation_id, kinds[hq.organisation_id or 0]
            ),
            "centre": Actor(
                centre.id, Role.COORDINATOR, centre.organisation_id, kinds[centre.organisation_id or 0]
            ),
            "staff": Actor(staff.id, Role.STAFF, staff.organisation_id, kinds[staff.organisation_id or 0]),
        }


def time_pages(db: Database, who: dict[str, Actor], samples: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, actor in who.items():
        times = []
        for n in range(samples):
            offset = (n % 10) * 8
            start = time.perf_counter_ns()
            with db.session() as s:
                page = needs_service.list_needs(s, actor, needs_service.PRESETS["open"], offset, 8, now=NOW)
            times.append(time.perf_counter_ns() - start)
        out[name] = {**summarise_ns(times), "total": page.total}
    return out


def time_stats(db: Database, who: dict[str, Actor], repeat: int = 3) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("headquarters", "centre"):
        times = []
        for _ in range(repeat):
            start = time.perf_counter_ns()
            with db.session() as s:
                stats = reports.statistics(s, who[name], NOW.date())
            times.append(time.perf_counter_ns() - start)
        out[name] = {**summarise_ns(times), "total": stats.total}
    return out


def time_export(url: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "needs.csv"
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "bench.export_child", url, out.as_posix()],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
        rows, baseline, peak = result.stdout.split()
        return {
            "rows": int(rows),
            "peak_rss_mb": float(peak),
            "baseline_rss_mb": float(baseline),  # the child after imports and connecting, before exporting
            "seconds": round(seconds, 2),
            "bytes": out.stat().st_size,
        }


async def concurrent(url: str, residents: int, duration: float) -> dict[str, Any]:
    """Residents consult; a coordinator runs /stats and an export meanwhile. Handler time per update."""
    from app.local_api import LocalBotAPI, LocalRequest, Updates
    from app.settings import Settings
    from app.telegram_app import build_application, build_services
    from storage import repo, steps

    settings = Settings(_env_file=None, database_url=url, telegram_bot_token=None)
    services = build_services(settings)
    api = LocalBotAPI()
    app = build_application(services, request=LocalRequest(api), with_updater=False)
    manual = services.manual
    profiles = load_profiles()
    with services.db.session() as s:
        hq = s.scalars(select(User).where(User.telegram_id == 30_000)).one()
        coordinator_chat = hq.telegram_id
    busy = {"on": False}
    alone: list[int] = []
    during: list[int] = []

    async def step(update: Any) -> None:
        start = time.perf_counter_ns()
        await app.process_update(update)
        (during if busy["on"] else alone).append(time.perf_counter_ns() - start)

    async def resident(n: int, stop: float) -> None:
        chat = 900_000 + n
        updates = Updates(app.bot)
        profile = profiles[n % len(profiles)].answers
        while time.perf_counter() < stop:
            await step(updates.message(chat, "/start"))
            await step(updates.callback(chat, 1, "s:all"))
            for _ in range(40):
                with services.db.session() as s:
                    row = steps.active(s, chat)
                if row is None or row.current_question is None:
                    break
                q = manual.questions[row.current_question]
                value = profile.get(q.id)
                if value is None:
                    data = f"n:{row.id}:skip"
                elif q.type.value == "bool":
                    data = f"a:{row.id}:{q.id}:{'true' if value else 'false'}"
                elif q.type.value == "choice":
                    data = f"a:{row.id}:{q.id}:{value}"
                elif q.type.value == "multi_choice":
                    for choice in value:
                        await step(
                            updates.callback(chat, api.last(chat).message_id, f"t:{row.id}:{q.id}:{choice}")
                        )
                    data = f"d:{row.id}:{q.id}"
                else:
                    await step(
                        updates.message(
                            chat, ", ".join(map(str, value)) if isinstance(value, list) else str(value)
                        )
                    )
                    continue
                await step(updates.callback(chat, api.last(chat).message_id, data))
            await asyncio.sleep(0)

    async def coordinator() -> dict[str, float]:
        updates = Updates(app.bot)
        await asyncio.sleep(duration / 3)
        busy["on"] = True
        started = time.perf_counter()
        stats_task = app.process_update(updates.message(coordinator_chat, "/stats"))
        await app.process_update(updates.message(coordinator_chat, "/export csv"))
        export_task = app.process_update(updates.message(coordinator_chat, "월간 보고"))
        await asyncio.gather(stats_task, export_task)
        seconds = time.perf_counter() - started
        busy["on"] = False
        return {"coordinator_seconds": round(seconds, 2)}

    with services.db.session() as s:
        for n in range(residents):
            repo.ensure_user(s, 900_000 + n, "ko")
    async with app:
        stop = time.perf_counter() + duration
        coordinator_task = asyncio.create_task(coordinator())
        await asyncio.gather(*(resident(n, stop) for n in range(residents)))
        coord = await coordinator_task
        while busy["on"]:
            await asyncio.sleep(0.1)
    services.db.dispose()
    sent = [c.method for c in api.calls if int(c.params.get("chat_id", 0) or 0) == coordinator_chat]
    return {
        "alone": summarise_ns(alone),
        "while_coordinator_works": summarise_ns(during),
        **coord,
        "coordinator_got": sorted(set(sent)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument(
        "--database", help="a PostgreSQL server URL (a fresh database is made); default SQLite"
    )
    parser.add_argument("--pages", type=int, default=200, help="timed /needs pages per actor")
    parser.add_argument("--residents", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of resident traffic")
    parser.add_argument("--no-concurrent", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    load(None)  # the manual loads as in the bot (and fails here, not mid-run, if it is broken)
    with fresh_database(args.database) as url:
        result: dict[str, Any] = {"benchmark": "district", "database": url.split(":")[0]}
        result["data"] = populate(url, args.needs)
        db = Database(url)
        who = actors(db)
        result["needs_page"] = time_pages(db, who, args.pages)
        result["stats"] = time_stats(db, who)
        db.dispose()
        result["export"] = time_export(url)
        if not args.no_concurrent:
            result["concurrent"] = asyncio.run(concurrent(url, args.residents, args.duration))
    page_p99 = max(v["p99_ms"] for v in result["needs_page"].values())
    stats_ms = max(v["max_ms"] for v in result["stats"].values())
    result["targets"] = TARGETS
    result["met"] = {
        "needs_page_p99_ms": page_p99 <= TARGETS["needs_page_p99_ms"],
        "stats_ms": stats_ms <= TARGETS["stats_ms"],
        "export_peak_rss_mb": result["export"]["peak_rss_mb"] <= TARGETS["export_peak_rss_mb"],
    }
    if "concurrent" in result:
        p99 = result["concurrent"]["while_coordinator_works"]["p99_ms"]
        result["met"]["resident_step_p99_ms"] = p99 <= TARGETS["resident_step_p99_ms"]

    def human(r: dict[str, Any]) -> str:
        lines = [f"{r['data']['needs']:,} needs on {r['database']} (filled in {r['data']['populate_s']} s)"]
        lines += [
            f"  /needs page {k}: p99 {v['p99_ms']} ms (total {v['total']:,})"
            for k, v in r["needs_page"].items()
        ]
        lines += [f"  /stats {k}: max {v['max_ms']} ms" for k, v in r["stats"].items()]
        lines.append(f"  export: {r['export']['rows']:,} rows, peak RSS {r['export']['peak_rss_mb']} MB")
        if "concurrent" in r:
            c = r["concurrent"]
            lines.append(
                f"  resident step p99 alone {c['alone']['p99_ms']} ms, "
                f"while stats+export {c['while_coordinator_works']['p99_ms']} ms"
            )
        lines.append(f"  met: {r['met']}")
        return "\n".join(lines)

    emit(result, args.json, human)
    return 0


if __name__ == "__main__":
    sys.exit(main())
