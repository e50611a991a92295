"""How jac reads notation people write: over tests/corpus/notation.yaml (textbook and web-page inputs with
their sources) the share read as intended — each compared with the entry's meaning computed by Python's
math module — and the parse time; and the grammar's linearity: expressions of 1,000 to 10,000 characters.

    python benchmarks/bench_notation.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from notation_corpus import CORPUS, agrees, intended, point_for, read  # noqa: E402


def main() -> None:
    read(CORPUS[0], point_for(CORPUS[0]))  # import sympy and the grammar once, outside the timing
    ok, times, wrong = 0, [], []
    for entry in CORPUS:
        values = point_for(entry)
        start = time.perf_counter()
        try:
            got = read(entry, values)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            got = exc
        times.append(time.perf_counter() - start)
        if not isinstance(got, Exception) and agrees(got, intended(entry, values)):
            ok += 1
        else:
            wrong.append(entry["text"])
    print(f"notation corpus: {ok} of {len(CORPUS)} read as intended ({100 * ok / len(CORPUS):.0f}%)")
    for text in wrong:
        print(f"  not as intended: {text}")
    print(f"  read + evaluate per entry: median {1000 * statistics.median(times):.1f} ms, "
          f"worst {1000 * max(times):.1f} ms")
    from jaccli.parse import grammar

    print("linearity (parse only, median of 5):")
    for n in (1_000, 2_500, 5_000, 10_000):
        text = ("sin x cos y + " * (n // 14))[: n - 1].rstrip(" +") + " + x"
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            grammar.parse(text, ("x", "y"))
            runs.append(time.perf_counter() - start)
        print(f"  {len(text):6,} characters: {1000 * statistics.median(runs):6.1f} ms")


if __name__ == "__main__":
    main()
