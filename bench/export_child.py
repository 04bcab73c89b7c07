"""The export benchmark's child process: as little imported as the export itself needs, so its peak
RSS is the export's (python -m bench.export_child URL OUT prints "rows baseline_mb peak_mb")."""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def _high_water_mb() -> float:
    """This process's peak RSS (VmHWM). Not getrusage's ru_maxrss: Linux carries that over from the
    parent across exec, so the child would report the benchmark's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    url, out = sys.argv[1], sys.argv[2]
    from services import reports
    from storage.db import Database

    db = Database(url)
    with db.session() as s:
        s.connection()
        baseline = _high_water_mb()
        done = reports.export_needs(s, None, "csv", Path(out), "benchmark")
    peak = _high_water_mb()
    print(f"{done.rows} {baseline:.1f} {peak:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
