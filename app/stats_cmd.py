"""`python bot.py stats [--centre C01] [--check] [--rebuild]`: the district's statistics as /stats
shows them, and the self-check of the summary rows they are read from (storage.need_summary)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TextIO

from sqlalchemy.orm import Session

from app.settings import Settings
from casework.policy import KST
from casework.stats import format_stats
from services import reports
from storage import district
from storage.db import Database

MAX_SHOWN = 20


def cmd_stats(settings: Settings, args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    db = Database(settings.database_url)
    db.upgrade()
    today = dt.datetime.now(KST).date()
    try:
        with db.session() as s:
            if args.rebuild:
                rows = reports.rebuild_summary(s)
                print(f"summary rebuilt from the needs: {rows} rows", file=out)
                return 0
            if args.check:
                return _check(s, today, out)
            centre = None
            if args.centre:
                org = district.organisation_by_code(s, args.centre)
                if org is None:
                    print(f"no organisation {args.centre}", file=out)
                    return 2
                centre = org.id
            # No Telegram user behind the command line: the whole district, access-logged without an actor.
            stats = reports.statistics(s, None, today, centre_id=centre)
            print(format_stats(stats, args.lang), file=out)
            return 0
    finally:
        db.dispose()


def _check(s: Session, today: dt.date, out: TextIO) -> int:
    rows = reports.check_summary(s)
    for diff in rows[:MAX_SHOWN]:
        print(f"{diff.kind.value} {diff.key}: stored {diff.stored}, from the needs {diff.expected}", file=out)
    if len(rows) > MAX_SHOWN:
        print(f"… and {len(rows) - MAX_SHOWN} more", file=out)
    figures = reports.self_check(s, today)
    for mismatch in figures:
        where = "district" if mismatch.centre_id is None else f"centre #{mismatch.centre_id}"
        print(f"{where}: the summary's figures differ from the live computation", file=out)
    if rows or figures:
        print("the summary is off: `python bot.py stats --rebuild` works it out from the needs", file=out)
        return 1
    print("summary rows and statistics agree with the needs", file=out)
    return 0
