"""Time ``hunkroute --version`` (target: under 150 ms) against a bare ``python -c pass``.

Run: python bench/version_bench.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def best_of(argv: list[str], runs: int) -> tuple[float, float]:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    bare = best_of([sys.executable, "-c", "pass"], runs)
    version = best_of([sys.executable, "-m", "hunkroute", "--version"], runs)
    for label, (best, median) in (("python -c pass", bare), ("hunkroute --version", version)):
        print(f"{label:24} best {best * 1000:6.1f} ms  median {median * 1000:6.1f} ms")
    print(f"hunkroute's own share    {(version[1] - bare[1]) * 1000:6.1f} ms (median)")
    print("target: under 150 ms:", "met" if version[1] < 0.150 else "NOT met")


if __name__ == "__main__":
    main()
