"""Bench: gating 1 suggestion vs 200 suggestions across 40 files, each in one judge round.

Target (issue 4): the 200-suggestion round costs at most 2x the 1-suggestion round, because each
gate starts once per round whatever the number of suggestions. Run from the repository root:

    PYTHONPATH=src python bench/gates_bench.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import difflib
import os
import statistics
import time
from collections import Counter
from collections.abc import Sequence

from hunkroute import config as configmod
from hunkroute.diff import unified as diff
from hunkroute.gates import validate
from hunkroute.gates.prescan import prescan
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import build_setup
from hunkroute.model import Candidate, ChangeSet, Finding

FILES = 40
PER_FILE = 5

MODULE = '''"""Generated module {n}."""

import json
import subprocess


def run_{n}(cmd):
    subprocess.call(cmd, shell=True)


def load_{n}(blob):
    data = json.loads(blob)
    return data


def parse_{n}(text):
    value = int(text)
    return value


def total_{n}(items):
    amount = sum(items)
    return amount + {n}
'''

# (line to replace, replacement): a fix, three regressions and a neutral rewrite per file.
EDITS = (
    ("    subprocess.call(cmd, shell=True)", "    subprocess.call(cmd.split())"),
    ("    data = json.loads(blob)", "    data = eval(blob)"),
    ("    value = int(text)", "    value = int(text, 10)"),
    ("    amount = sum(items)", "    amount = sum(itemz)"),
    ("    return value", "    return value +"),
)


class Memory:
    """New file contents in memory (the Snapshot protocol)."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    def read(self, path: str) -> bytes | None:
        text = self.files.get(path)
        return None if text is None else text.encode()


def change(files: dict[str, str], old: dict[str, str] | None = None) -> ChangeSet:
    """All files new, or (``old`` given) each one modified from its old text."""
    text = "".join(
        f"diff --git a/{path} b/{path}\n"
        + "".join(
            difflib.unified_diff(
                (old or {}).get(path, "").splitlines(True),
                body.splitlines(True),
                f"a/{path}" if old else "/dev/null",
                f"b/{path}",
            )
        )
        for path, body in files.items()
    )
    return diff.parse(text, configmod.load(None).files, "bench")


def candidates(changes: ChangeSet, files: dict[str, str]) -> list[Candidate]:
    found = []
    for hunk in changes.hunks:
        lines = files[hunk.file].split("\n")
        for old, new in EDITS[:PER_FILE]:
            number = lines.index(old) + 1
            finding = Finding(hunk.file, number, number, "warning", "model", "r", "m", new, "bench")
            found.append(Candidate(hunk, finding))
    return found


def timed(judge: validate.Judge, round_: Sequence[Candidate], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        judge(round_)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    files = {f"pkg/mod_{n:02d}.py": MODULE.format(n=n) for n in range(FILES)}
    changes, snapshot = change(files), Memory(files)
    starts: Counter[str] = Counter()
    runner = ToolRunner(dict(os.environ), on_start=lambda gate, argv: starts.update([gate]))
    setup = build_setup(configmod.load(None), snapshot)
    started = time.perf_counter()
    scanned = prescan(changes, snapshot, setup, runner)
    print(f"prescan of {FILES} new files: {time.perf_counter() - started:.2f}s")
    # issue 13: modified files also scan their base versions, in the same batch
    old = {
        path: body.replace("return amount + ", "return amount - ") for path, body in files.items()
    }
    started = time.perf_counter()
    legacy = prescan(change(files, old), snapshot, setup, runner, Memory(old))
    took = time.perf_counter() - started
    print(f"prescan of {FILES} modified files and their base versions: {took:.2f}s "
          f"({legacy.legacy_hidden} legacy findings hidden)")  # fmt: skip
    judge = validate.build_judge(setup, runner, scanned.baseline, snapshot)
    all_candidates = candidates(changes, files)
    one = timed(judge, all_candidates[:1], repeat)
    many = timed(judge, all_candidates, repeat)
    verdicts = judge(all_candidates)
    accepted = sum(v.accepted for v in verdicts)
    print(f"1 suggestion:   {one:.2f}s (median of {repeat})")
    count = len(all_candidates)
    print(f"{count} suggestions: {many:.2f}s ({accepted} accepted) -> {many / one:.2f}x")
    print(f"gate starts over the whole bench: {dict(starts)}")


if __name__ == "__main__":
    main()
