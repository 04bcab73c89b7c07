"""The example households (examples/*.json) get the verdicts a 동 복지담당 would give.

Each example has an `<name>.expect.yaml` beside it: the programmes an official would name for that
household and the status each must have (eligible / ineligible / unknown), optionally with `instead`,
`receiving` or the facts still `missing`. The example must also be explainable for each of them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge.explain import explain
from knowledge.loader import load_manual
from knowledge.screener import Screener

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXPECT = sorted(EXAMPLES.glob("*.expect.yaml"))


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(load_manual()[0])


def _example(expect_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    name = expect_path.name.removesuffix(".expect.yaml")
    facts = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    expect = yaml.safe_load(expect_path.read_text(encoding="utf-8"))
    return facts, expect


@pytest.mark.parametrize("path", EXPECT, ids=[p.name.removesuffix(".expect.yaml") for p in EXPECT])
def test_example_verdicts(screener: Screener, path: Path) -> None:
    facts, expect = _example(path)
    as_of = dt.date.fromisoformat(str(expect["as_of"]))
    verdicts = screener.screen(facts, as_of)
    for pid, wanted in expect["programs"].items():
        wanted = wanted if isinstance(wanted, dict) else {"status": wanted}
        verdict = verdicts[pid]
        reasons = [text for _, text in verdict.explained("ko")]
        assert verdict.status.value == wanted["status"], f"{path.name} {pid}: {reasons} {verdict.missing}"
        if "instead" in wanted:
            assert verdict.instead == wanted["instead"], f"{path.name} {pid}"
        if "receiving" in wanted:
            assert verdict.receiving == wanted["receiving"], f"{path.name} {pid}"
        if "missing" in wanted:
            assert sorted(verdict.missing) == sorted(wanted["missing"]), f"{path.name} {pid}"
        assert pid in explain(screener, facts, as_of, pid)


def test_at_least_eight_version_2_examples() -> None:
    version_2 = [p for p in EXPECT if "people" in _example(p)[0]]
    assert len(version_2) >= 8
