"""Benchmarks with a documented command and JSON output (see bench/README.md).

Shared here: timing statistics and loading the manual the benchmarks run over.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.loader import load_manual
from knowledge.manual import Manual

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
CONSULT_DATE = dt.date(2026, 11, 24)


@dataclass(frozen=True)
class Profile:
    """A household as a simulated resident answers the chat: every question's answer, by question id,
    worked out from the household's complete facts (bench/households.yaml, bench/oracle.py)."""

    id: str
    note: str
    answers: dict[str, Any]
    facts: dict[str, Any]


def answers_of(manual: Manual, facts: dict[str, Any], as_of: dt.date = CONSULT_DATE) -> dict[str, Any]:
    from bench.oracle import answer_for

    return {qid: answer_for(manual, q, facts, as_of) for qid, q in manual.questions.items()}


def load_profiles(manual: Manual | None = None) -> list[Profile]:
    from bench.oracle import load_households

    manual = manual or load(None)
    return [Profile(h.id, h.note, answers_of(manual, h.facts), h.facts) for h in load_households()]


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values (p99 of 100 samples is the 99th)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarise_ns(samples_ns: Sequence[int]) -> dict[str, float | int]:
    """Milliseconds: p50, p99, mean, max, and how many samples they come from."""
    ordered = sorted(samples_ns)
    to_ms = 1e-6
    return {
        "samples": len(ordered),
        "p50_ms": round(percentile(ordered, 0.50) * to_ms, 4),
        "p99_ms": round(percentile(ordered, 0.99) * to_ms, 4),
        "mean_ms": round(sum(ordered) / max(1, len(ordered)) * to_ms, 4),
        "max_ms": round(ordered[-1] * to_ms, 4) if ordered else math.nan,
    }


def time_calls(calls: Sequence[Callable[[], object]], repeat: int, warmup: int) -> list[int]:
    """Run every call `warmup` times untimed, then `repeat` times, timing each call on its own.

    The garbage collector is paused while timing, as timeit does, so one collection does not land on
    whichever call happens to trigger it; it is collected between passes instead.
    """
    for _ in range(warmup):
        for call in calls:
            call()
    samples: list[int] = []
    clock = time.perf_counter_ns
    enabled = gc.isenabled()
    try:
        for _ in range(repeat):
            gc.collect()
            gc.disable()
            for call in calls:
                start = clock()
                call()
                samples.append(clock() - start)
            if enabled:
                gc.enable()
    finally:
        if enabled:
            gc.enable()
    return samples


def load(manual_dir: str | None) -> Manual:
    manual, _ = load_manual(manual_dir)
    return manual


def emit(result: dict[str, Any], as_json: bool, human: Callable[[dict[str, Any]], str]) -> None:
    print(json.dumps(result, ensure_ascii=False, indent=2) if as_json else human(result))
