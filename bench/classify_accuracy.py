"""Accuracy of the classifier on the labelled set, and its cost per hunk.

Prints the confusion matrix (rows: the label, columns: the classifier's category), precision and
recall per class, review recall (a missed risky hunk is the costliest error), and microseconds
per hunk on the labelled set and on the small generated hunks of ``bench/plan_bench.py``' shape.

Run: python bench/classify_accuracy.py
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.plan_bench import SNIPPETS as SMALL  # noqa: E402
from tests.helpers.hunks import make_hunk  # noqa: E402
from tests.helpers.labelled import LabelledCase, load_cases  # noqa: E402

from hunkroute.classify.classifier import ClassifyContext, classify  # noqa: E402
from hunkroute.model import Hunk  # noqa: E402

CLASSES = ("review", "debugging", "boilerplate", "skip")


def confusion(cases: list[LabelledCase]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for case in cases:
        got = classify(case.hunk, ClassifyContext(title=case.title, branch=case.branch)).category
        counts[(case.label, got)] += 1
    return counts


def print_report(counts: Counter[tuple[str, str]]) -> None:
    print("label \\ got  " + "".join(f"{c:>12}" for c in CLASSES) + "      recall  precision")
    for label in CLASSES:
        row = [counts[(label, got)] for got in CLASSES]
        total = sum(row)
        predicted = sum(counts[(other, label)] for other in CLASSES)
        recall = counts[(label, label)] / total if total else 0.0
        precision = counts[(label, label)] / predicted if predicted else 0.0
        cells = "".join(f"{n:>12}" for n in row)
        print(f"{label:<13}{cells}{recall:>12.2f}{precision:>11.2f}")
    right = sum(counts[(c, c)] for c in CLASSES)
    print(f"accuracy: {right}/{sum(counts.values())}")


def micros_per_hunk(hunks: list[Hunk], contexts: list[ClassifyContext], rounds: int = 20) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for hunk, context in zip(hunks, contexts, strict=True):
            classify(hunk, context)
        best = min(best, time.perf_counter() - start)
    return best / len(hunks) * 1e6


def main() -> None:
    cases = load_cases()
    print_report(confusion(cases))
    holdout = [case for case in cases if case.holdout]
    print(f"\nof which written after the classifier's first version ({len(holdout)}):")
    print_report(confusion(holdout))
    labelled = [ClassifyContext(title=c.title, branch=c.branch) for c in cases]
    print()
    print(f"labelled set: {micros_per_hunk([c.hunk for c in cases], labelled):.1f} µs/hunk")
    small = [make_hunk(f"pkg/m{i}.py", 10, SMALL[i % len(SMALL)]) for i in range(600)]
    plain = [ClassifyContext()] * len(small)
    print(f"small generated hunks: {micros_per_hunk(small, plain):.1f} µs/hunk")


if __name__ == "__main__":
    main()
