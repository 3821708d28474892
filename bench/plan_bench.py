"""Time parse + classify + plan of a generated 10,000-hunk diff against unidiff's parse alone.

Targets (issue 2): the whole plan costs at most 2x the bare parse, and 10,000 hunks plan in
under 2 s. Both are measured in the same run, so the ratio holds on a noisy machine.

Run: python bench/plan_bench.py [hunks]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from unidiff.patch import PatchSet  # noqa: E402

from hunkroute import config  # noqa: E402
from hunkroute.classify.classifier import ClassifyContext, classify  # noqa: E402
from hunkroute.diff import unified as diff
from hunkroute.model import usd_to_nano  # noqa: E402
from hunkroute.plan import PlanItem, make_plan  # noqa: E402

SNIPPETS = [
    ["    result = subprocess.run(cmd, shell=True)", "    return result.returncode"],
    ["    if value is None or value < 0:", "        raise ValueError(value)"],
    ["import logging", "log = logging.getLogger(__name__)"],
    ["    total = sum(item.price for item in cart)", "    return round(total, 2)"],
    ["    token = hashlib.md5(password.encode()).hexdigest()", "    return token"],
    ["    for row in rows:", "        out.append(row.name.strip())"],
]


def generate(hunks: int, per_file: int = 5, seed: int = 7) -> str:
    rng = random.Random(seed)
    parts = []
    for f in range(hunks // per_file):
        path = f"pkg/mod_{f}.py"
        parts.append(f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n")
        for h in range(per_file):
            start = 1 + h * 40
            added = rng.choice(SNIPPETS)
            removed = ["    pass"] if rng.random() < 0.4 else []
            body = ["def handler(event):"] + [f"-{r}" for r in removed] + [f"+{a}" for a in added]
            body += ["    # end", ""]
            old_len = 3 + len(removed)
            new_len = 3 + len(added)
            parts.append(f"@@ -{start},{old_len} +{start},{new_len} @@ def f{h}():\n")
            parts.append(" " + body[0] + "\n")
            parts.extend(line + "\n" for line in body[1:-2])
            parts.append(" " + body[-2] + "\n" + " \n")
    return "".join(parts)


def timed(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def whole_plan(text: str, conf: config.Config) -> int:
    changes = diff.parse(text, conf.files, "bench")
    context = ClassifyContext(risk={n: c.risk for n, c in conf.categories.items()})
    items = [PlanItem(h, classify(h, context)) for h in changes.hunks]
    providers = tuple(p for p in conf.providers if p.configured)
    plan = make_plan(items, conf, providers, usd_to_nano(conf.budget_usd))
    return len(plan.routes)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    text = generate(count)
    # caps lifted so that every hunk is really routed and batched, not cut at limits.max_hunks
    conf = config.loads(
        "budget_usd: 100\nlimits: {max_hunks: 20000, max_model_requests: 5000}\n", "bench"
    )
    assert whole_plan(text, conf) == count
    parse_only = timed(lambda: PatchSet(text))
    plan_all = timed(lambda: whole_plan(text, conf))
    print(f"hunks: {count}, diff lines: {text.count(chr(10))}")
    print(f"unidiff parse alone:           {parse_only:6.3f} s")
    print(f"parse + classify + plan:       {plan_all:6.3f} s")
    print(f"ratio: {plan_all / parse_only:.2f}x (target <= 2x); under 2 s: {plan_all < 2}")


if __name__ == "__main__":
    main()
