"""Questions benchmark: how many questions the adaptive engine asks before every programme is settled.

    .venv/bin/python -m bench.questions [--json] [--manual DIR] [--profiles FILE]

Each profile is a household with an answer to every question. A consultation starts from no answers
and asks `knowledge.questioning.next_question` until it returns None, answering from the profile.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from bench import CONSULT_DATE, PROFILES, Profile, emit, load, load_profiles
from knowledge.engine import Status, screen
from knowledge.manual import Manual
from knowledge.questioning import next_question

TARGET_SHARE = 0.60  # average questions asked ≤ 60% of the question bank


def simulate(manual: Manual, profile: Profile, as_of: dt.date) -> dict[str, Any]:
    """One consultation: the questions asked in order, and what is still undecided at the end."""
    answers: dict[str, Any] = {}
    asked: list[str] = []
    limit = len(manual.questions) + 1  # a question asked twice would loop forever; stop and report it
    while len(asked) < limit:
        qid = next_question(manual, answers, as_of)
        if qid is None:
            break
        asked.append(qid)
        answers[qid] = profile.answers.get(qid)  # absent from the profile = "don't know"
    verdicts = screen(manual, answers, as_of)
    undecided = [pid for pid, v in verdicts.items() if v.status == Status.UNKNOWN]
    eligible = [pid for pid, v in verdicts.items() if v.status == Status.ELIGIBLE]
    full = screen(manual, profile.answers, as_of)
    disagree = [
        pid for pid, v in verdicts.items() if v.status != Status.UNKNOWN and v.status != full[pid].status
    ]
    return {
        "id": profile.id,
        "asked": len(asked),
        "questions": asked,
        "undecided": undecided,
        "eligible": eligible,
        "disagrees_with_full_answers": disagree,
        "looped": len(asked) >= limit,
    }


def run(manual: Manual, profiles: list[Profile], as_of: dt.date = CONSULT_DATE) -> dict[str, Any]:
    bank = len(manual.questions)
    results = [simulate(manual, p, as_of) for p in profiles]
    counts = [r["asked"] for r in results]
    average = sum(counts) / len(counts) if counts else 0.0
    asked_ever: dict[str, int] = {}
    for r in results:
        for qid in r["questions"]:
            asked_ever[qid] = asked_ever.get(qid, 0) + 1
    return {
        "benchmark": "questions",
        "as_of": as_of.isoformat(),
        "profiles": len(profiles),
        "programs": len(manual.programs),
        "question_bank": bank,
        "avg_asked": round(average, 2),
        "max_asked": max(counts, default=0),
        "min_asked": min(counts, default=0),
        "avg_share": round(average / bank, 4) if bank else None,
        "max_share": round(max(counts, default=0) / bank, 4) if bank else None,
        "target_avg_share": TARGET_SHARE,
        "met": bool(bank) and average / bank <= TARGET_SHARE,
        "all_settled": all(not r["undecided"] for r in results),
        "consistent_with_full_answers": all(not r["disagrees_with_full_answers"] for r in results),
        "times_asked": dict(sorted(asked_ever.items(), key=lambda kv: -kv[1])),
        "never_asked": [qid for qid in manual.questions if qid not in asked_ever],
        "per_profile": [
            {k: r[k] for k in ("id", "asked", "undecided", "disagrees_with_full_answers", "looped")}
            for r in results
        ],
    }


def human(result: dict[str, Any]) -> str:
    lines = [
        f"{result['profiles']} household profiles, {result['programs']} programmes, "
        f"question bank {result['question_bank']}",
        f"questions asked: average {result['avg_asked']} ({result['avg_share']:.0%} of the bank), "
        f"max {result['max_asked']} ({result['max_share']:.0%}), min {result['min_asked']}",
        f"target average ≤ {result['target_avg_share']:.0%}: {'met' if result['met'] else 'NOT met'}",
        f"every programme settled in every consultation: {'yes' if result['all_settled'] else 'NO'}",
        f"adaptive verdicts agree with full-answer verdicts: "
        f"{'yes' if result['consistent_with_full_answers'] else 'NO'}",
        "asked in how many consultations: " + ", ".join(f"{q} {n}" for q, n in result["times_asked"].items()),
    ]
    if result["never_asked"]:
        lines.append("never asked: " + ", ".join(result["never_asked"]))
    for row in result["per_profile"]:
        flags = []
        if row["undecided"]:
            flags.append("undecided: " + ", ".join(row["undecided"]))
        if row["disagrees_with_full_answers"]:
            flags.append("differs from full answers: " + ", ".join(row["disagrees_with_full_answers"]))
        if row["looped"]:
            flags.append("stopped: a question came back")
        lines.append(f"  {row['id']:<40} {row['asked']:>2} asked  {'; '.join(flags)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.questions", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--manual", default=None, help="manual directory (default: the shipped one)")
    parser.add_argument("--profiles", type=Path, default=PROFILES)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N profiles")
    args = parser.parse_args(argv)
    profiles = load_profiles(args.profiles)[: args.limit]
    emit(run(load(args.manual), profiles), args.json, human)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
