"""`python bot.py export needs --format csv|xlsx --out FILE --reason TEXT`: for the office's own systems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from app.settings import Settings
from services import reports
from storage.db import Database


def cmd_export(settings: Settings, args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    if not args.reason.strip():
        print("--reason is required: every export is written to the access log with its reason", file=out)
        return 2
    db = Database(settings.database_url)
    db.upgrade()
    with db.session() as s:
        # Streamed to the file; no Telegram user behind the command line: the actor is empty and the
        # reason says who and why.
        done = reports.export_needs(s, None, args.format, Path(args.out), args.reason, args.lang)
    print(f"{done.rows} needs written to {args.out}", file=out)
    db.dispose()
    return 0
