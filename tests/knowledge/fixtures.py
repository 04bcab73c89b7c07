"""Fixture manuals: small directories under tests/data/manuals, completed on copy with the shipped household
facts (knowledge/manual/facts.yaml) and units (units.yaml), so each fixture stays small and never drifts
from the vocabulary the real manual speaks.

    root = fixture_manual("minimal", tmp_path)          # tmp_path/minimal, ready for load_manual
    manual = load_fixture("core", tmp_path_factory.mktemp("manuals"))

Errors in a copy are reported as `minimal/<file>:<line>` (the loader names files from the manual
directory's parent), so a copy keeps the fixture's name.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from knowledge.loader import load_manual
from knowledge.manual import DEFAULT_DIR, Manual

DATA = Path(__file__).resolve().parent.parent / "data" / "manuals"
VOCABULARY = (DEFAULT_DIR / "facts.yaml", DEFAULT_DIR / "units.yaml")
TODAY = dt.date(2026, 11, 24)


def add_vocabulary(root: Path, *, facts: bool = True, units: bool = True) -> Path:
    """Copy the shipped facts.yaml and/or units.yaml into a manual directory."""
    for path, wanted in zip(VOCABULARY, (facts, units), strict=True):
        if wanted:
            shutil.copy(path, root / path.name)
    return root


def fixture_manual(name: str, dest: Path, *, facts: bool = True, units: bool = True) -> Path:
    """tests/data/manuals/<name> copied to dest/<name>, with the shipped facts and units added."""
    root = dest / name
    shutil.copytree(DATA / name, root)
    return add_vocabulary(root, facts=facts, units=units)


def load_fixture(name: str, dest: Path, today: dt.date = TODAY) -> Manual:
    """A fixture manual copied into `dest` and loaded (test_loader checks that fixtures have no warnings)."""
    return load_manual(fixture_manual(name, dest), today=today)[0]
