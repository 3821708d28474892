"""Time the ``hunkroute-offline`` hook on a one-file staged change against semgrep alone.

The hook path is what pre-commit runs for ``hunkroute-offline``: ``hunkroute precommit
--offline`` in a repository with one staged Python file (the process start, git, the diff, every
static gate, the report). The yardstick is one ``semgrep scan`` of that same file with the
bundled rule pack and the gate's own offline flags: the slowest gate on its own. Both are timed
in the same run, interleaved, so the ratio holds on a noisy machine. Target (issue 6): the hook
takes at most 1.5x semgrep alone.

Run: python bench/precommit_bench.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))

from hunkroute.gates.semgrep import OFFLINE_FLAGS, PACK  # noqa: E402

TARGET = 1.5
QUIET_SEMGREP = {"SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}

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


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start, done.returncode


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    env = dict(os.environ, PYTHONPATH=str(SRC), NO_COLOR="1", **QUIET_SEMGREP)
    with tempfile.TemporaryDirectory(prefix="hunkroute-bench-") as folder:
        root = Path(folder) / "repo"
        root.mkdir()
        target = scratch_repo(root)
        hook = [sys.executable, "-m", "hunkroute", "precommit", "--offline"]
        semgrep = ["semgrep", "scan", "--json", *OFFLINE_FLAGS, f"--config={PACK}", str(target)]
        timed(hook, root, env)  # warm-up: disk caches, semgrep's rule parsing
        timed(semgrep, root, env)
        hook_times, semgrep_times, codes = [], [], set()
        for _ in range(runs):
            seconds, code = timed(hook, root, env)
            hook_times.append(seconds)
            codes.add(code)
            semgrep_times.append(timed(semgrep, root, env)[0])
    hook_s, semgrep_s = statistics.median(hook_times), statistics.median(semgrep_times)
    print(
        f"semgrep alone (1 file)        median {semgrep_s:6.2f} s  best {min(semgrep_times):6.2f} s"
    )
    print(f"hunkroute-offline hook path   median {hook_s:6.2f} s  best {min(hook_times):6.2f} s")
    print(f"hook exit codes: {sorted(codes)} (1 = the risky line blocked the commit)")
    ratio = hook_s / semgrep_s
    print(f"ratio {ratio:.2f}x; target at most {TARGET}x:", "met" if ratio <= TARGET else "NOT met")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
