"""What every handler may use, built once at start-up and shared by all updates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.settings import Settings
from knowledge.manual import Manual
from storage.db import Database
from storage.models import Channel

if TYPE_CHECKING:
    from knowledge.search import SearchIndex


@dataclass
class Services:
    settings: Settings
    manual: Manual
    db: Database
    index: SearchIndex
    channel: Channel = Channel.TELEGRAM
