from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from knowledge.loader import load_manual
from knowledge.manual import DEFAULT_DIR, Manual
from knowledge.screener import Screener

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DISTRICT = DEFAULT_DIR / "local" / "example-district"
CONSULT_DATE = dt.date(2026, 11, 24)


@pytest.fixture(scope="session")
def manual() -> Manual:
    """The national manual (MANUAL_DIR if set, else the shipped one), loaded once: it is immutable."""
    loaded, _ = load_manual(os.environ.get("MANUAL_DIR") or None)
    return loaded


@pytest.fixture(scope="session")
def screener(manual: Manual) -> Screener:
    """The shipped manual compiled once (a Screener holds no per-household state)."""
    return Screener(manual)


@pytest.fixture(scope="session")
def manual_with_local() -> Manual:
    loaded, _ = load_manual(overlays=[EXAMPLE_DISTRICT])
    return loaded


@pytest.fixture
def today() -> dt.date:
    return CONSULT_DATE
