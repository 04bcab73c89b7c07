"""Per-programme cases kept as YAML beside the tests, as OpenFisca and PolicyEngine keep theirs.

Format (tests/cases/*.yaml):

    cases:
      - program: livelihood_benefit
        name: 1인 월 820,556원 = 32% 경계 → 대상
        as_of: 2026-03-01
        answers: {household_size: 1, household_income: 820556}
        expect: eligible            # eligible | ineligible | unknown
        missing: [assets]           # optional: exactly these questions are still missing
        local: example-district     # optional: load that overlay too
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.engine import screen
from knowledge.loader import load_manual
from knowledge.manual import DEFAULT_DIR, Manual

CASES_DIR = Path(__file__).resolve().parent.parent / "cases"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for n, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]):
            params.append(pytest.param(case, id=f"{path.stem}:{n}:{case['program']}"))
    return params


CASES = _load_cases()
_MANUALS: dict[str | None, Manual] = {}


def _manual(local: str | None) -> Manual:
    if local not in _MANUALS:
        overlays = [DEFAULT_DIR / "local" / local] if local else []
        _MANUALS[local] = load_manual(overlays=overlays)[0]
    return _MANUALS[local]


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    manual = _manual(case.get("local"))
    as_of = case["as_of"] if isinstance(case["as_of"], dt.date) else dt.date.fromisoformat(case["as_of"])
    verdict = screen(manual, case["answers"], as_of, [case["program"]])[case["program"]]
    reasons = [r.text("ko") for r in verdict.reasons]
    assert verdict.status.value == case["expect"], f"{case['name']}: {reasons} missing={verdict.missing}"
    if "missing" in case:
        assert sorted(verdict.missing) == sorted(case["missing"]), case["name"]


def test_every_programme_has_eligible_ineligible_and_boundary_cases(manual: Manual) -> None:
    by_program: dict[str, set[str]] = {}
    for param in CASES:
        case = param.values[0]
        by_program.setdefault(case["program"], set()).add(case["expect"])
    for pid in manual.programs:
        assert {"eligible", "ineligible"} <= by_program.get(pid, set()), (
            f"{pid} lacks eligible/ineligible cases"
        )


def test_case_count() -> None:
    assert len(CASES) >= 120
