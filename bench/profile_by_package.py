"""Own time of a cProfile dump summed by package, as the README's "Where the time goes" table.

    .venv/bin/python bench/throughput.py --chats 300 --latency-ms 0 --no-baseline --profile-out prof.pstats
    .venv/bin/python bench/profile_by_package.py prof.pstats [--updates N] [--json]

`--updates` (the benchmark's `updates`) turns seconds into milliseconds per update.
"""

from __future__ import annotations

import argparse
import json
import pstats
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def package_of(filename: str, function: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if "sqlite3" in function:
        return "sqlite3"
    if filename.startswith(str(ROOT)):
        return Path(filename).relative_to(ROOT).parts[0]
    return "standard library and built-ins"


def by_package(path: str) -> dict[str, float]:
    stats = pstats.Stats(path)
    seconds: Counter[str] = Counter()
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        seconds[package_of(filename, function)] += row[2]  # own (total) time
    return dict(seconds.most_common())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/profile_by_package.py", description=__doc__.splitlines()[0])
    parser.add_argument("pstats_file")
    parser.add_argument("--updates", type=int, help="updates in the profiled run: report ms per update")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    seconds = by_package(args.pstats_file)
    total = sum(seconds.values())
    rows = {
        name: {
            "share": round(s / total, 3),
            **({"ms_per_update": round(s * 1000 / args.updates, 2)} if args.updates else {}),
        }
        for name, s in seconds.items()
    }
    if args.json:
        print(json.dumps({"benchmark": "profile_by_package", "total_s": round(total, 3), "packages": rows}))
    else:
        for name, row in rows.items():
            print(f"{name:32s} {row['share'] * 100:5.1f} %  {row.get('ms_per_update', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
