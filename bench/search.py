"""Search benchmark: accuracy on the labelled queries, latency on the shipped and a 5,000-programme manual.

.venv/bin/python -m bench.search [--json] [--size 5000] [--repeat 20] [--manual DIR]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench import ROOT, emit, load, summarise_ns, time_calls
from knowledge.manual import Manual
from knowledge.search import SearchIndex
from knowledge.text import Text

QUERIES = ROOT / "tests" / "data" / "queries.yaml"
TARGETS = {"top1": 0.85, "top3": 0.95, "p99_ms_shipped": 2.0, "p99_ms_synthetic": 20.0}
SEED = 20261124


@dataclass(frozen=True)
class LabelledQuery:
    q: str
    ids: tuple[str, ...]
    kind: str


def load_queries(path: Path = QUERIES) -> list[LabelledQuery]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [LabelledQuery(str(item["q"]), tuple(item["ids"]), str(item["kind"])) for item in data["queries"]]


# ---------------------------------------------------------------- accuracy


def accuracy(index: SearchIndex, manual: Manual, queries: list[LabelledQuery]) -> dict[str, Any]:
    """Top-1 / top-3 over the queries whose answer exists in this manual (and over all of them)."""
    known = set(manual.programs)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # n, top1, top3
    failures = []
    top1 = top3 = evaluated = 0
    for query in queries:
        accepted = set(query.ids)
        if not accepted & known:
            continue
        evaluated += 1
        hits = index.search(query.q, limit=3)
        got = [h.program_id for h in hits]
        first = bool(got) and got[0] in accepted
        within3 = bool(accepted & set(got))
        top1 += first
        top3 += within3
        row = counts[query.kind]
        row[0] += 1
        row[1] += first
        row[2] += within3
        if not first:
            failures.append(
                {
                    "q": query.q,
                    "kind": query.kind,
                    "ids": list(query.ids),
                    "got": [[h.program_id, h.score] for h in hits],
                    "top3": within3,
                }
            )
    total = len(queries)
    return {
        "queries": total,
        "evaluated": evaluated,
        "skipped_missing_programs": total - evaluated,
        "top1": round(top1 / evaluated, 4) if evaluated else None,
        "top3": round(top3 / evaluated, 4) if evaluated else None,
        "top1_all": round(top1 / total, 4) if total else None,
        "top3_all": round(top3 / total, 4) if total else None,
        "by_kind": {
            kind: {"n": n, "top1": round(t1 / n, 4), "top3": round(t3 / n, 4)}
            for kind, (n, t1, t3) in sorted(counts.items())
        },
        "failures": failures,
    }


# ---------------------------------------------------------------- synthetic manual

_REGIONS = (
    ("종로구", "Jongno"),
    ("마포구", "Mapo"),
    ("강남구", "Gangnam"),
    ("관악구", "Gwanak"),
    ("노원구", "Nowon"),
    ("수원시", "Suwon"),
    ("성남시", "Seongnam"),
    ("고양시", "Goyang"),
    ("부천시", "Bucheon"),
    ("인천 연수구", "Yeonsu"),
    ("부산 해운대구", "Haeundae"),
    ("대구 수성구", "Suseong"),
    ("광주 북구", "Buk-gu Gwangju"),
    ("대전 유성구", "Yuseong"),
    ("울산 남구", "Nam-gu Ulsan"),
    ("세종시", "Sejong"),
    ("춘천시", "Chuncheon"),
    ("청주시", "Cheongju"),
    ("전주시", "Jeonju"),
    ("포항시", "Pohang"),
    ("창원시", "Changwon"),
    ("제주시", "Jeju"),
    ("거제시", "Geoje"),
    ("파주시", "Paju"),
    ("원주시", "Wonju"),
    ("순천시", "Suncheon"),
    ("안동시", "Andong"),
    ("김해시", "Gimhae"),
)
_SUFFIXES = (
    ("추가지원", "top-up"),
    ("특별지원", "special support"),
    ("바우처", "voucher"),
    ("지원사업", "programme"),
    ("플러스", "plus"),
    ("확대사업", "extension"),
    ("서비스", "service"),
    ("행복나눔", "sharing"),
    ("희망드림", "hope"),
    ("든든지원", "support"),
    ("안심사업", "safety net"),
    ("우리동네", "neighbourhood"),
)
_SYLLABLES = (
    "가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추"
    "행복희망사랑나눔돌봄안심든든따뜻새싹"
)


def _invented_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def synthetic_manual(manual: Manual, size: int = 5000, seed: int = SEED) -> Manual:
    """`size` programmes: the shipped ones plus local variants with perturbed names and keywords.

    Clones get a region and a suffix in their names (unique), keep some keywords, reshape others and
    add invented words, so the index holds tens of thousands of distinct terms as a national catalogue
    of local programmes would. Deterministic for a given seed.
    """
    rng = random.Random(seed)
    originals = list(manual.programs.values())
    if not originals:
        raise ValueError("the manual has no programmes to clone")
    programs = {p.id: p for p in originals[:size]}
    n = 0
    while len(programs) < size:
        base = originals[n % len(originals)]
        n += 1
        (region_ko, region_en), (suffix_ko, suffix_en) = rng.choice(_REGIONS), rng.choice(_SUFFIXES)
        keywords = []
        for word in base.keywords:
            roll = rng.random()
            if roll < 0.5:
                keywords.append(word)
            elif roll < 0.75:
                keywords.append(f"{region_ko.split()[-1]} {word}")
            else:
                keywords.append(f"{word}{rng.choice(_SUFFIXES)[0]}")
        keywords += [_invented_word(rng) for _ in range(rng.randint(1, 3))]
        synonyms = [w for w in base.synonyms if rng.random() < 0.5] + [_invented_word(rng)]
        pid = f"{base.id}_{n:05d}"
        programs[pid] = base.model_copy(
            update={
                "id": pid,
                "name": Text(
                    ko=f"{region_ko} {base.name.ko} {suffix_ko} {n}호",
                    en=f"{region_en} {base.name.en} {suffix_en} no. {n}",
                ),
                "keywords": keywords,
                "synonyms": synonyms,
                "local": "synthetic",
                "order": len(programs),
            }
        )
    return Manual(
        domains=manual.domains,
        groups=manual.groups,
        questions=manual.questions,
        parameters=manual.parameters,
        programs=programs,
        rules=manual.rules,
    )


# ---------------------------------------------------------------- latency


def latency(manual: Manual, queries: list[str], repeat: int, warmup: int = 2) -> dict[str, Any]:
    start = time.perf_counter_ns()
    index = SearchIndex.build(manual)
    build_ns = time.perf_counter_ns() - start
    calls = [lambda q=q: index.search(q) for q in queries]
    stats = summarise_ns(time_calls(calls, repeat, warmup))
    return {
        "programs": len(manual.programs),
        "terms": index.size,
        "build_ms": round(build_ns / 1e6, 2),
        **stats,
    }


def run(manual: Manual, size: int = 5000, repeat: int = 20, queries_path: Path = QUERIES) -> dict[str, Any]:
    queries = load_queries(queries_path)
    index = SearchIndex.build(manual)
    acc = accuracy(index, manual, queries)
    texts = [q.q for q in queries]
    shipped = latency(manual, texts, repeat)
    synthetic = latency(synthetic_manual(manual, size), texts, max(1, repeat // 4))
    met = {
        "top1": acc["top1"] is not None and acc["top1"] >= TARGETS["top1"],
        "top3": acc["top3"] is not None and acc["top3"] >= TARGETS["top3"],
        "p99_ms_shipped": shipped["p99_ms"] <= TARGETS["p99_ms_shipped"],
        "p99_ms_synthetic": synthetic["p99_ms"] <= TARGETS["p99_ms_synthetic"],
    }
    return {
        "benchmark": "search",
        "accuracy": acc,
        "latency_shipped": shipped,
        "latency_synthetic": synthetic,
        "targets": TARGETS,
        "met": met,
    }


def human(result: dict[str, Any]) -> str:
    acc, shipped, synth = result["accuracy"], result["latency_shipped"], result["latency_synthetic"]
    lines = [
        f"labelled queries: {acc['queries']} ({acc['evaluated']} with their programme in the manual)",
        f"top-1 {acc['top1']:.1%}  top-3 {acc['top3']:.1%}   (over all queries: "
        f"{acc['top1_all']:.1%} / {acc['top3_all']:.1%})",
        "by kind: "
        + ", ".join(f"{k} {v['top1']:.0%}/{v['top3']:.0%} (n={v['n']})" for k, v in acc["by_kind"].items()),
        f"shipped manual: {shipped['programs']} programmes, {shipped['terms']} terms, "
        f"build {shipped['build_ms']} ms, p50 {shipped['p50_ms']} ms, p99 {shipped['p99_ms']} ms",
        f"synthetic manual: {synth['programs']} programmes, {synth['terms']} terms, "
        f"build {synth['build_ms']} ms, p50 {synth['p50_ms']} ms, p99 {synth['p99_ms']} ms",
        "targets met: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in result["met"].items()),
    ]
    if acc["failures"]:
        lines.append("not first:")
        for f in acc["failures"]:
            got = ", ".join(f"{pid} {score}" for pid, score in f["got"]) or "nothing"
            lines.append(f"  [{f['kind']}] {f['q']!r} → {got}   (want {', '.join(f['ids'])})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--size", type=int, default=5000, help="programmes in the synthetic manual")
    parser.add_argument("--repeat", type=int, default=20, help="timed passes over the query set")
    parser.add_argument("--manual", default=None, help="manual directory (default: the shipped one)")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    args = parser.parse_args(argv)
    emit(run(load(args.manual), args.size, args.repeat, args.queries), args.json, human)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
