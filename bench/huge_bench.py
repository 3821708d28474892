"""A huge PR: 100,000 changed lines in 2,000 files through ``hunkroute plan``.

Targets (issue 7): under 10 s and under 500 MB peak memory. Runs the real CLI in a child
process and reads its peak resident size from the OS.

Run: python bench/huge_bench.py [files] [lines_per_file]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

BODY = [
    "def handler_{n}(event, context):",
    "    payload = json.loads(event['body'])",
    "    if payload.get('amount', 0) <= 0:",
    "        raise ValueError('amount must be positive')",
    "    log.info('charging %s', payload['id'])",
]


def generate(files: int, lines_per_file: int) -> str:
    parts = []
    for f in range(files):
        path = f"services/svc_{f % 50}/handler_{f}.py"
        parts.append(f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n")
        parts.append(f"+++ b/{path}\n@@ -0,0 +1,{lines_per_file} @@\n")
        for n in range(lines_per_file):
            parts.append("+" + BODY[n % len(BODY)].format(n=n) + "\n")
    return "".join(parts)


def main() -> None:
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    per_file = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    with tempfile.TemporaryDirectory() as tmp:
        diff_path = Path(tmp) / "huge.diff"
        diff_path.write_text(generate(files, per_file))
        env = dict(os.environ, PYTHONPATH=str(SRC))
        start = time.perf_counter()
        argv = ["plan", "--diff", str(diff_path), "--format", "json"]
        proc = subprocess.run(
            [sys.executable, "-m", "hunkroute", *argv],
            env=env,
            cwd=tmp,
            capture_output=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"files: {files}, changed lines: {files * per_file}, JSON plan: {len(proc.stdout)} bytes")
    print(f"exit code: {proc.returncode}; stderr: {proc.stderr.decode()[-200:]!r}")
    print(f"plan wall time: {elapsed:.2f} s (target < 10 s)")
    print(f"peak memory:    {peak_mb:.0f} MB (target < 500 MB)")


if __name__ == "__main__":
    main()
