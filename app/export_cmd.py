"""`python bot.py export needs --format csv|xlsx --out FILE --reason TEXT`: for the office's own systems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from app.settings import Settings
from casework.export import export_csv, export_xlsx
from casework.model import AccessAction
from storage import needs as needs_repo
from storage.db import Database


def cmd_export(settings: Settings, args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    if not args.reason.strip():
        print("--reason is required: every export is written to the access log with its reason", file=out)
        return 2
    db = Database(settings.database_url)
    db.upgrade()
    with db.session() as s:
        rows = needs_repo.export_rows(s)
        # No Telegram user behind the command line: the actor is empty and the reason says who and why.
        needs_repo.record_access(
            s, None, AccessAction.EXPORT, f"cli:{args.format}", reason=args.reason, detail=f"{len(rows)} rows"
        )
    content = export_xlsx(rows, args.lang) if args.format == "xlsx" else export_csv(rows, args.lang)
    Path(args.out).write_bytes(content)
    print(f"{len(rows)} needs written to {args.out}", file=out)
    db.dispose()
    return 0
