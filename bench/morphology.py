"""Would a Korean morphology library read answers better than the hand-written rules? A measurement.

    pip install kiwipiepy   # only for this measurement; the bot does not depend on it
    python -m bench.morphology [--json]

For each phrase bank, every phrase is read by knowledge.understanding as shipped (hand-written
rules), and again, when that refused it, after kiwipiepy (Kiwi with typo correction) rewrote it:
spacing restored (혼자사라요 → 혼자 사라요) and typos corrected, then joined back into text. Reports
understood / refused / misread for both, per bank, and the time per phrase.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench import BENCH_DIR, emit, load
from bench.conversation import _bank
from knowledge.understanding import understand

BANKS = ("phrases.yaml", "phrases_heldout.yaml")


def _outcome(read: Any, want: Any) -> str:
    if not read.result.ok:
        return "refused"
    return "understood" if read.result.value == want else "misread"


def run() -> dict[str, Any]:
    from kiwipiepy import Kiwi  # type: ignore[import-not-found]

    manual = load(None)
    started = time.perf_counter()
    kiwi = Kiwi(typos="basic")
    load_ms = (time.perf_counter() - started) * 1000

    def rewrite(text: str) -> str:
        spaced = kiwi.space(text, reset_whitespace=True)
        return str(kiwi.join(kiwi.tokenize(spaced)))

    result: dict[str, Any] = {"kiwi_load_ms": round(load_ms)}
    for name in BANKS:
        bank = _bank(BENCH_DIR / name)
        counts = {"rules": dict.fromkeys(("understood", "refused", "misread"), 0)}
        counts["rules+kiwi"] = dict(counts["rules"])
        spent = 0.0
        for entry in bank:
            question = manual.questions[entry["question"]]
            read = understand(manual, question, str(entry["text"]), {})
            plain = _outcome(read, entry["value"])
            counts["rules"][plain] += 1
            if plain == "refused":
                t0 = time.perf_counter()
                again = understand(manual, question, rewrite(str(entry["text"])), {})
                spent += time.perf_counter() - t0
                counts["rules+kiwi"][_outcome(again, entry["value"])] += 1
            else:
                counts["rules+kiwi"][plain] += 1
        per_phrase = 1000 * spent / max(counts["rules"]["refused"], 1)
        result[name] = {**counts, "kiwi_ms_per_refused_phrase": round(per_phrase, 2)}
    return result


def human(result: dict[str, Any]) -> str:
    lines = [f"Kiwi loads in {result['kiwi_load_ms']} ms"]
    for name in BANKS:
        r = result[name]
        ms = r["kiwi_ms_per_refused_phrase"]
        lines.append(f"{name}: rules {r['rules']} · rules+kiwi {r['rules+kiwi']} · {ms} ms a refused phrase")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    emit(run(), args.json, human)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
