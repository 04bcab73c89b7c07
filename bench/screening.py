"""Screening benchmark: time to screen every programme for one answer set (and to pick the next question).

    .venv/bin/python -m bench.screening [--json] [--repeat 200] [--profile] [--manual DIR]

Answer sets come from bench/profiles.yaml: complete (every question answered), partial (the first
answers of a consultation: age, household size and income) and empty (the very first turn).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import pstats
from pathlib import Path
from typing import Any

from bench import CONSULT_DATE, PROFILES, Profile, emit, load, load_profiles, summarise_ns, time_calls
from knowledge.engine import screen
from knowledge.manual import Manual
from knowledge.questioning import next_question

TARGET_MEDIAN_MS = 1.0
FIRST_ANSWERS = ("age", "household_size", "household_income")


def answer_sets(profiles: list[Profile]) -> dict[str, list[dict[str, Any]]]:
    return {
        "complete": [p.answers for p in profiles],
        "partial": [{k: p.answers[k] for k in FIRST_ANSWERS if k in p.answers} for p in profiles],
        "empty": [{}],
    }


def measure(
    manual: Manual, sets: dict[str, list[dict[str, Any]]], repeat: int, as_of: dt.date = CONSULT_DATE
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, answers in sets.items():
        calls = [lambda a=a: screen(manual, a, as_of) for a in answers]
        reps = repeat if len(answers) > 1 else repeat * 10
        out[name] = summarise_ns(time_calls(calls, reps, warmup=3))
    asks = [lambda a=a: next_question(manual, a, as_of) for a in sets["partial"]]
    out["next_question_partial"] = summarise_ns(time_calls(asks, max(1, repeat // 4), warmup=2))
    return out


def hotspots(
    manual: Manual, answers: list[dict[str, Any]], as_of: dt.date, rounds: int = 50
) -> list[dict[str, Any]]:
    """Where screening spends its time: the functions with the most own time under cProfile."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        for a in answers:
            screen(manual, a, as_of)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    calls = len(answers) * rounds
    rows = []
    for (file, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append(
            {
                "function": f"{Path(file).name}:{line}:{func}",
                "calls_per_screen": round(ncalls / calls, 1),
                "own_us_per_screen": round(tottime / calls * 1e6, 1),
                "cumulative_us_per_screen": round(cumtime / calls * 1e6, 1),
            }
        )
    rows.sort(key=lambda r: -float(r["own_us_per_screen"]))
    return rows[:15]


def run(manual: Manual, profiles: list[Profile], repeat: int = 200, profile: bool = False) -> dict[str, Any]:
    sets = answer_sets(profiles)
    timings = measure(manual, sets, repeat)
    result: dict[str, Any] = {
        "benchmark": "screening",
        "programs": len(manual.programs),
        "profiles": len(profiles),
        "as_of": CONSULT_DATE.isoformat(),
        **timings,
        "target_median_ms": TARGET_MEDIAN_MS,
        "met": timings["complete"]["p50_ms"] <= TARGET_MEDIAN_MS,
    }
    if profile:
        result["hotspots_complete"] = hotspots(manual, sets["complete"], CONSULT_DATE)
    return result


def human(result: dict[str, Any]) -> str:
    lines = [f"screening all {result['programs']} programmes, {result['profiles']} profiles"]
    for name in ("complete", "partial", "empty", "next_question_partial"):
        t = result[name]
        lines.append(
            f"  {name:<22} p50 {t['p50_ms']:.3f} ms  p99 {t['p99_ms']:.3f} ms  "
            f"mean {t['mean_ms']:.3f} ms  ({t['samples']} samples)"
        )
    lines.append(
        f"target median ≤ {result['target_median_ms']} ms (complete answers): "
        f"{'met' if result['met'] else 'NOT met'}"
    )
    for row in result.get("hotspots_complete", []):
        lines.append(
            f"  {row['own_us_per_screen']:>8} µs own  {row['cumulative_us_per_screen']:>8} µs cum  "
            f"{row['calls_per_screen']:>7} calls  {row['function']}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.screening", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--repeat", type=int, default=200, help="timed passes over the profiles")
    parser.add_argument("--profile", action="store_true", help="add cProfile hotspots of complete screening")
    parser.add_argument("--manual", default=None, help="manual directory (default: the shipped one)")
    parser.add_argument("--profiles", type=Path, default=PROFILES)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N profiles")
    args = parser.parse_args(argv)
    profiles = load_profiles(args.profiles)[: args.limit]
    emit(run(load(args.manual), profiles, args.repeat, args.profile), args.json, human)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
