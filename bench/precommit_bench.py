"""Time the ``hunkroute-offline`` hook on a one-file staged change against semgrep alone.

The hook path is what pre-commit runs for ``hunkroute-offline``: ``hunkroute precommit
--offline`` in a repository with one staged Python file (the process start, git, the diff, every
static gate, the report). The yardstick is semgrep alone on that same file, started exactly as
the semgrep gate starts it (its executable, arguments and environment, asked of the gate), the
slowest gate on its own. Both are timed in the same run, interleaved, so the ratio holds on a
noisy machine. Target (issue 6): the hook takes at most 1.5x semgrep alone.

For scale it also times ``semgrep scan`` as a user types it (the ``semgrep`` on PATH, without
the gate's ``--experimental`` native CLI), which is what the 1.5x target was first set against.

Run: python bench/precommit_bench.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

from hunkroute.config import GateConfig  # noqa: E402
from hunkroute.gates.interface import GateJob  # noqa: E402
from hunkroute.gates.runner import ToolRunner  # noqa: E402
from hunkroute.gates.semgrep import SemgrepGate  # noqa: E402

TARGET = 1.5

BASE = '''"""Orders: totals and export."""

import json


def total(items):
    return sum(item["price"] * item["qty"] for item in items)


def export(items, path):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(items, handle)
'''
CHANGE = """

def archive(path):
    import subprocess

    return subprocess.call("tar czf backup.tgz " + path, shell=True)
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def scratch_repo(root: Path) -> Path:
    """A repository whose index holds a one-file change with a risky call in it."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "config", "user.name", "Bench")
    target = root / "orders.py"
    target.write_text(BASE, encoding="utf-8")
    git(root, "add", "orders.py")
    git(root, "commit", "-q", "-m", "base")
    target.write_text(BASE + CHANGE, encoding="utf-8")
    git(root, "add", "orders.py")
    return target


def semgrep_alone(target: Path, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The semgrep gate's own command line and environment for ``target`` alone."""
    gate = SemgrepGate()
    job = GateJob(
        root=str(target.parent),
        files={target.name: target.read_text(encoding="utf-8")},
        languages={target.name: "python"},
        trees=(),
        settings=GateConfig("semgrep"),
        user_configs={},
    )
    executable, args = ToolRunner(env).locate(gate.tool), gate.command(job)
    assert executable is not None and args is not None, "semgrep is not installed"
    return [executable, *args], gate.environment(env, job)


def timed(argv: list[str], cwd: Path, env: Mapping[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start, done.returncode


LABELS = {
    "typed": "semgrep scan as typed (PATH)",
    "semgrep": "semgrep alone, as the gate",
    "hook": "hunkroute-offline hook path",
}


def measure(runs: int) -> tuple[dict[str, list[float]], set[int]]:
    """Seconds per run of each command, interleaved; and the hook's exit codes."""
    env = dict(os.environ, PYTHONPATH=str(SRC), NO_COLOR="1")
    with tempfile.TemporaryDirectory(prefix="hunkroute-bench-") as folder:
        root = Path(folder) / "repo"
        root.mkdir()
        target = scratch_repo(root)
        semgrep, semgrep_env = semgrep_alone(target, env)
        commands = {
            "typed": (["semgrep", *(a for a in semgrep[1:] if a != "--experimental")], semgrep_env),
            "semgrep": (semgrep, semgrep_env),
            "hook": ([sys.executable, "-m", "hunkroute", "precommit", "--offline"], env),
        }
        for argv, argv_env in commands.values():  # warm-up: disk caches, semgrep's rule parsing
            timed(argv, root, argv_env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        codes: set[int] = set()
        for _ in range(runs):
            for name, (argv, argv_env) in commands.items():
                seconds, code = timed(argv, root, argv_env)
                times[name].append(seconds)
                if name == "hook":
                    codes.add(code)
    return times, codes


def main() -> int:
    times, codes = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, label in LABELS.items():
        print(f"{label:30} median {median[name]:6.2f} s  best {min(times[name]):6.2f} s")
    print(f"hook exit codes: {sorted(codes)} (1 = the risky line blocked the commit)")
    print(f"hook / semgrep scan as typed: {median['hook'] / median['typed']:.2f}x")
    ratio = median["hook"] / median["semgrep"]
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(f"hook / semgrep as the gate runs it: {ratio:.2f}x; target at most {TARGET}x: {verdict}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
