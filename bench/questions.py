"""Questions benchmark: how many questions a full self-check asks, against the fewest that could do.

    .venv/bin/python -m bench.questions [--json] [--limit N] [--node-limit N] [--manual DIR]

Each household of bench/households.yaml is complete. A consultation starts from no answers and asks
`next_question` until it returns None, a simulated resident (bench/oracle.py) answering truthfully. The
programmes the full answers settle are the target; `lower_bound` is the least number of questions that
settles every one of them, found by an exact branch-and-bound search over question subsets: while a
target programme is still undecided, any set of questions that settles it must contain one of the
questions that inform a fact it waits for, so the search branches on those (fail-first: the programme
with the fewest), with the adaptive count as the first bound. `ratio` = asked / lower_bound.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Any

from bench import CONSULT_DATE, emit, load
from bench.oracle import Household, answer_for, load_households
from knowledge.household import FactsError
from knowledge.questioning import _gate_deps, next_question
from knowledge.screener import Screener, Status

TARGET_AVG = 15
TARGET_RATIO = 1.3


def simulate(screener: Screener, household: Household, as_of: dt.date) -> tuple[list[str], dict[str, Any]]:
    manual = screener.manual
    answers: dict[str, Any] = {}
    asked: list[str] = []
    while len(asked) <= len(manual.questions):
        qid = next_question(screener, answers, as_of)
        if qid is None:
            break
        asked.append(qid)
        answers[qid] = answer_for(manual, manual.questions[qid], household.facts, as_of)
    return asked, answers


class _Search:
    def __init__(
        self, screener: Screener, household: Household, as_of: dt.date, targets: set[str], limit: int
    ):
        self.screener = screener
        self.household = household
        self.as_of = as_of
        self.targets = targets
        self.nodes = 0
        self.limit = limit
        self.truth: dict[str, Any] = {}
        self._helpful: dict[tuple[str, ...], tuple[str, ...]] = {}

    def answer(self, qid: str) -> Any:
        if qid not in self.truth:
            manual = self.screener.manual
            self.truth[qid] = answer_for(manual, manual.questions[qid], self.household.facts, self.as_of)
        return self.truth[qid]

    def helpful(self, missing: tuple[str, ...]) -> tuple[str, ...]:
        """Questions whose answer may change a verdict waiting for `missing`: those that tell one of the
        facts, and those that tell what their gates read (a gate ruling a question out makes its assumed
        answer hold, as age does for pregnancy)."""
        found = self._helpful.get(missing)
        if found is None:
            wanted = set(self.screener.informers_of(missing))
            frontier = set(wanted)
            while frontier:
                more: set[str] = set()
                for qid in frontier:
                    gate = self.screener.manual.ask_if.get(qid)
                    if gate is not None:
                        more |= set(self.screener.informers_of(_gate_deps(self.screener.manual, gate)))
                frontier = more - wanted
                wanted |= more
            found = self._helpful[missing] = tuple(q for q in self.screener.question_order if q in wanted)
        return found

    def open_programmes(self, chosen: frozenset[str]) -> list[tuple[str, tuple[str, ...]]]:
        answers = {q: self.answer(q) for q in chosen}
        try:
            run = self.screener.run(answers, self.as_of)
        except FactsError:
            # Answers that only make sense after another (a who-answer before who lives there): no chat
            # can reach this set, so it settles nothing.
            return [("", ())]
        out = []
        for pid in self.targets:
            verdict = run.verdict(pid)
            if verdict.status == Status.UNKNOWN:
                helpful = self.helpful(verdict.missing)
                out.append((pid, tuple(q for q in helpful if q not in chosen and self.answer(q) is not None)))
        return out

    def best(self, bound: int) -> tuple[int, bool]:
        """(least size found, exact) — exact is False when the node limit cut the search short.

        Branch and bound over hitting sets: every open programme needs one of its helpful questions.
        Branch on the open programme with the fewest; the i-th branch takes question i and rules out
        questions 1..i−1 (those sets were the earlier branches'), so each set is tried once. A programme
        with one helpful question left forces it. The bound: as many more questions as there are open
        programmes with pairwise disjoint helpful sets.
        """
        best = [bound]
        exact = [True]

        def visit(chosen: frozenset[str], excluded: frozenset[str]) -> None:
            while True:
                if len(chosen) >= best[0]:
                    return
                if self.nodes >= self.limit:
                    exact[0] = False
                    return
                self.nodes += 1
                still = [
                    (pid, tuple(q for q in helpful if q not in excluded))
                    for pid, helpful in self.open_programmes(chosen)
                ]
                if not still:
                    best[0] = len(chosen)
                    return
                if any(not helpful for _, helpful in still):
                    return
                if len(chosen) + _disjoint(still) >= best[0]:
                    return
                forced = next((helpful[0] for _, helpful in still if len(helpful) == 1), None)
                if forced is None:
                    break
                chosen = chosen | {forced}
            _, helpful = min(still, key=lambda item: len(item[1]))
            ruled_out = set(excluded)
            for qid in helpful:
                visit(chosen | {qid}, frozenset(ruled_out))
                ruled_out.add(qid)

        visit(self.mandatory(), frozenset())
        return best[0], exact[0]

    def settles(self, chosen: frozenset[str]) -> bool | None:
        """Whether these answers settle every target; None when they cannot be given together."""
        try:
            run = self.screener.run({q: self.answer(q) for q in chosen}, self.as_of)
        except FactsError:
            return None
        return all(run.verdict(pid).status != Status.UNKNOWN for pid in self.targets)

    def mandatory(self) -> frozenset[str]:
        """Questions every settling set has: without them, not even all the other answers settle the
        targets (settling only grows with answers, so no smaller set can do without them either).
        A question whose removal leaves answers that cannot stand together proves nothing."""
        pool = frozenset(q for q in self.screener.manual.questions if self.answer(q) is not None)
        return frozenset(q for q in pool if self.settles(pool - {q}) is False)


def _disjoint(still: list[tuple[str, tuple[str, ...]]]) -> int:
    """How many open programmes have pairwise disjoint helpful sets (greedy: smallest sets first)."""
    taken: set[str] = set()
    count = 0
    for _, helpful in sorted(still, key=lambda item: len(item[1])):
        if taken.isdisjoint(helpful):
            taken.update(helpful)
            count += 1
    return count


def run(
    screener: Screener, households: list[Household], as_of: dt.date = CONSULT_DATE, node_limit: int = 20_000
) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for household in households:
        started = time.perf_counter()
        asked, answers = simulate(screener, household, as_of)
        # What the chat can settle at best: every question answered (facts no question asks, such as a
        # birth date, are out of its reach and not counted against it).
        everything = {
            q: value
            for q, question in screener.manual.questions.items()
            if (value := answer_for(screener.manual, question, household.facts, as_of)) is not None
        }
        full = screener.screen(everything, as_of)
        targets = {pid for pid, v in full.items() if v.status != Status.UNKNOWN}
        adaptive = screener.screen(answers, as_of)
        unsettled = sorted(pid for pid in targets if adaptive[pid].status == Status.UNKNOWN)
        disagree = sorted(
            pid
            for pid in targets
            if adaptive[pid].status != Status.UNKNOWN and adaptive[pid].status != full[pid].status
        )
        search = _Search(screener, household, as_of, targets, node_limit)
        lower, exact = search.best(len(asked) + 1)
        rows.append(
            {
                "id": household.id,
                "asked": len(asked),
                "lower_bound": lower,
                "exact": exact,
                "ratio": round(len(asked) / lower, 3) if lower else None,
                "search_nodes": search.nodes,
                "unsettled": unsettled,
                "disagrees_with_full_facts": disagree,
                "questions": asked,
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
    counts = [r["asked"] for r in rows]
    ratios = [r["ratio"] for r in rows if r["ratio"] is not None]
    average = sum(counts) / len(counts) if counts else 0.0
    mean_ratio = sum(ratios) / len(ratios) if ratios else 0.0
    return {
        "benchmark": "questions",
        "as_of": as_of.isoformat(),
        "households": len(rows),
        "programs": len(screener.manual.programs),
        "question_bank": len(screener.manual.questions),
        "avg_asked": round(average, 2),
        "max_asked": max(counts, default=0),
        "avg_lower_bound": round(sum(r["lower_bound"] for r in rows) / max(1, len(rows)), 2),
        "avg_ratio": round(mean_ratio, 3),
        "max_ratio": max(ratios, default=0.0),
        "all_bounds_exact": all(r["exact"] for r in rows),
        "target_avg_asked": TARGET_AVG,
        "target_ratio": TARGET_RATIO,
        "met": average <= TARGET_AVG and mean_ratio <= TARGET_RATIO,
        "all_settled": all(not r["unsettled"] for r in rows),
        "consistent_with_full_facts": all(not r["disagrees_with_full_facts"] for r in rows),
        "per_household": rows,
    }


def human(result: dict[str, Any]) -> str:
    lines = [
        f"{result['households']} households, {result['programs']} programmes, "
        f"question bank {result['question_bank']}",
        f"asked: average {result['avg_asked']} (target ≤ {result['target_avg_asked']}), "
        f"max {result['max_asked']}",
        f"least possible: average {result['avg_lower_bound']}; ratio average {result['avg_ratio']}"
        f" (target ≤ {result['target_ratio']}), max {result['max_ratio']}"
        + ("" if result["all_bounds_exact"] else " — some bounds not exact (node limit)"),
        f"every target programme settled: {'yes' if result['all_settled'] else 'NO'}; "
        f"agrees with the full facts: {'yes' if result['consistent_with_full_facts'] else 'NO'}",
    ]
    for row in result["per_household"]:
        flags = []
        if row["unsettled"]:
            flags.append("unsettled: " + ", ".join(row["unsettled"]))
        if row["disagrees_with_full_facts"]:
            flags.append("differs: " + ", ".join(row["disagrees_with_full_facts"]))
        lines.append(
            f"  {row['id']:<40} asked {row['asked']:>2}  least {row['lower_bound']:>2}"
            f"{'' if row['exact'] else '*'}  ratio {row['ratio']}  {'; '.join(flags)}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.questions", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--manual", default=None, help="manual directory (default: the shipped one)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N households")
    parser.add_argument("--node-limit", type=int, default=20_000, help="search nodes per household")
    args = parser.parse_args(argv)
    households = load_households()[: args.limit]
    emit(run(Screener(load(args.manual)), households, node_limit=args.node_limit), args.json, human)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
