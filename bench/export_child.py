"""The export benchmark's child process: as little imported as the export itself needs, so its peak
RSS is the export's (python -m bench.export_child URL OUT prints "rows baseline_mb peak_mb")."""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def main() -> int:
    url, out = sys.argv[1], sys.argv[2]
    from services import reports
    from storage.db import Database

    db = Database(url)
    with db.session() as s:
        s.connection()
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        done = reports.export_needs(s, None, "csv", Path(out), "benchmark")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{done.rows} {baseline:.1f} {peak:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
