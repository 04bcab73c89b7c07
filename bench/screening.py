"""Screening benchmark: time to screen every programme for one household (and to pick the next question).

    .venv/bin/python -m bench.screening [--json] [--repeat 200] [--profile] [--manual DIR]

Households come from bench/households.yaml (version 2, complete). Each is screened as given (`complete`),
as the first answers of a chat would describe it (`partial`: age, who lives there, household income),
and as nothing at all (`empty`, the first turn).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
from typing import Any

from bench import CONSULT_DATE, emit, load, summarise_ns, time_calls
from bench.oracle import Household, fact_value, load_households
from knowledge.manual import Manual
from knowledge.questioning import next_question
from knowledge.screener import Screener

TARGET_MEDIAN_MS = 1.0
TARGET_P99_MS = 3.0
FIRST_ANSWERS = ("age", "members", "household_income")


def answer_sets(
    manual: Manual, households: list[Household], as_of: dt.date
) -> dict[str, list[dict[str, Any]]]:
    return {
        "complete": [h.facts for h in households],
        "partial": [{q: fact_value(manual, h.facts, q, as_of) for q in FIRST_ANSWERS} for h in households],
        "empty": [{}],
    }


def measure(
    screener: Screener, sets: dict[str, list[dict[str, Any]]], repeat: int, as_of: dt.date = CONSULT_DATE
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, answers in sets.items():
        calls = [lambda a=a: screener.screen(a, as_of) for a in answers]
        reps = repeat if len(answers) > 1 else repeat * 10
        out[name] = summarise_ns(time_calls(calls, reps, warmup=3))
    asks = [lambda a=a: next_question(screener, a, as_of) for a in sets["partial"]]
    out["next_question_partial"] = summarise_ns(time_calls(asks, max(1, repeat // 4), warmup=2))
    return out


def run(screener: Screener, households: list[Household], repeat: int) -> dict[str, Any]:
    sets = answer_sets(screener.manual, households, CONSULT_DATE)
    timings = measure(screener, sets, repeat)
    complete = timings["complete"]
    return {
        "benchmark": "screening",
        "programs": len(screener.manual.programs),
        "households": len(households),
        "repeat": repeat,
        **timings,
        "target_median_ms": TARGET_MEDIAN_MS,
        "target_p99_ms": TARGET_P99_MS,
        "met": complete["p50_ms"] <= TARGET_MEDIAN_MS and complete["p99_ms"] <= TARGET_P99_MS,
    }


def profile(screener: Screener, households: list[Household], repeat: int) -> str:
    sets = answer_sets(screener.manual, households, CONSULT_DATE)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        for answers in sets["complete"]:
            screener.screen(answers, CONSULT_DATE)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    return out.getvalue()


def human(result: dict[str, Any]) -> str:
    lines = [f"{result['programs']} programmes, {result['households']} households, {result['repeat']} passes"]
    for name in ("complete", "partial", "empty", "next_question_partial"):
        r = result[name]
        lines.append(
            f"  {name:<22} p50 {r['p50_ms']:.3f} ms  p99 {r['p99_ms']:.3f} ms  max {r['max_ms']:.3f} ms"
        )
    lines.append(
        f"target median ≤ {result['target_median_ms']} ms, p99 ≤ {result['target_p99_ms']} ms: "
        + ("met" if result["met"] else "NOT met")
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.screening", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary instead")
    parser.add_argument("--manual", default=None)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N households")
    args = parser.parse_args(argv)
    screener = Screener(load(args.manual))
    households = load_households()[: args.limit]
    if args.profile:
        print(profile(screener, households, max(1, args.repeat // 10)))
        return 0
    emit(run(screener, households, args.repeat), args.json, human)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
