"""What every handler may use, built once at start-up and shared by all updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.settings import Settings
from knowledge.manual import Manual
from knowledge.screener import Screener
from storage.db import Database
from storage.models import Channel

if TYPE_CHECKING:
    from knowledge.finder import Finder


@dataclass
class Services:
    settings: Settings
    manual: Manual
    db: Database
    finder: Finder  # search: words and meaning (knowledge/finder.py)
    channel: Channel = Channel.TELEGRAM
    # Compiled once from the manual: every screening and question of every chat goes through it.
    screener: Screener = field(init=False)

    def __post_init__(self) -> None:
        self.screener = Screener(self.manual)
