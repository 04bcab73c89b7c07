"""Scheduled work that must happen once per day however many processes serve the bot."""

from __future__ import annotations

import datetime as dt
import os
import socket

from storage import district
from storage.db import Database


def claimant() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(db: Database, name: str, day: dt.date) -> bool:
    """Claim today's run of a job in its own committed transaction: True for exactly one process."""
    with db.session() as s:
        return district.claim_run(s, name, day, claimant())


def finish(db: Database, name: str, day: dt.date, result: str) -> None:
    with db.session() as s:
        district.finish_run(s, name, day, result)
