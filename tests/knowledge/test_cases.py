"""Per-programme cases kept as YAML beside the tests, as OpenFisca and PolicyEngine keep theirs.

Format (tests/cases/*.yaml):

    cases:
      - program: livelihood_benefit
        name: 1인 소득인정액 820,556원 = 32% 경계 → 대상      # says which criterion it checks
        as_of: 2026-03-01
        facts: {people: [{relation: self, age: 70, earned_income: 0, other_income: 820556}], ...}
        expect: eligible            # eligible | ineligible | unknown
        boundary: true              # optional: the case sits on a line (one won either side)
        missing: [self.age]         # optional: exactly these facts are still missing
        instead: medical_aid        # optional: the programme that applies instead
        receiving: true             # optional: the household already gets it
        local: example-district     # optional: load that overlay too

`facts` is a household in DESIGN.md's vocabulary (version 1 flat ids and/or version 2); `answers` is
accepted as an older name for it. A case with `people` is a version 2 case.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.loader import load_manual
from knowledge.manual import DEFAULT_DIR
from knowledge.screener import Screener

CASES_DIR = Path(__file__).resolve().parent.parent / "cases"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for n, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]):
            params.append(pytest.param(case, id=f"{path.stem}:{n}:{case['program']}"))
    return params


CASES = _load_cases()
_SCREENERS: dict[str | None, Screener] = {}


def _screener(local: str | None) -> Screener:
    if local not in _SCREENERS:
        overlays = [DEFAULT_DIR / "local" / local] if local else []
        _SCREENERS[local] = Screener(load_manual(overlays=overlays)[0])
    return _SCREENERS[local]


def _facts(case: dict[str, Any]) -> dict[str, Any]:
    facts = case.get("facts", case.get("answers"))
    assert isinstance(facts, dict), f"{case['name']}: a case needs 'facts'"
    return facts


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    screener = _screener(case.get("local"))
    as_of = case["as_of"] if isinstance(case["as_of"], dt.date) else dt.date.fromisoformat(case["as_of"])
    verdict = screener.screen(_facts(case), as_of, [case["program"]])[case["program"]]
    reasons = [r.text("ko") for r in verdict.reasons]
    assert verdict.status.value == case["expect"], f"{case['name']}: {reasons} missing={verdict.missing}"
    if "missing" in case:
        assert sorted(verdict.missing) == sorted(case["missing"]), case["name"]
    if "instead" in case:
        assert verdict.instead == case["instead"], case["name"]
    if "receiving" in case:
        assert verdict.receiving == case["receiving"], case["name"]


def test_every_programme_has_eligible_ineligible_boundary_and_unknown_cases() -> None:
    manual = _screener(None).manual
    kinds: dict[str, set[str]] = {}
    for param in CASES:
        case = param.values[0]
        found = kinds.setdefault(case["program"], set())
        found.add(case["expect"])
        if case.get("boundary"):
            found.add("boundary")
    lacking = {
        pid: sorted({"eligible", "ineligible", "unknown", "boundary"} - kinds.get(pid, set()))
        for pid in manual.programs
    }
    assert not {pid: kinds for pid, kinds in lacking.items() if kinds}


def test_case_count_and_share_of_version_2() -> None:
    assert len(CASES) >= 350
    version_2 = sum(1 for param in CASES if "people" in _facts(param.values[0]))
    assert version_2 * 2 >= len(CASES)
