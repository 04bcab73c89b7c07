"""Screening settles each status with the least checking (Screener.statuses); the reasons come from
the full walk (Screener.rules) when read. The two must never disagree."""

from __future__ import annotations

import datetime as dt

from knowledge.screener import Screener


def test_the_quick_status_agrees_with_the_full_reasoning(screener: Screener, today: dt.date) -> None:
    """Screening stops at the first decisive condition; the reasons come from the full walk. Both
    must give the same status and the same missing facts for every household, complete or partial."""
    from bench.oracle import load_households

    households = load_households()
    answer_sets = [h.facts for h in households]
    # the first person alone, without an age: most verdicts are unknown, waiting for different facts
    answer_sets += [
        {"people": [{k: v for k, v in h.facts["people"][0].items() if k != "age"}]} for h in households
    ]
    checked = 0
    for facts in answer_sets:
        run = screener.run(facts, today)
        for pid in screener.manual.programs:
            quick, full = run.result(pid), run.full_result(pid)
            same = (quick[0].tri, quick[0].missing, quick[1:]) == (full[0].tri, full[0].missing, full[1:])
            assert same, pid
            checked += 1
    assert checked == len(answer_sets) * len(screener.manual.programs)
