"""What routing saves, on the tokens really billed (issue 14).

The seed article's five models (the built-in catalogue: prices and claimed quality) each get a
loopback fake server; every fake bills the same usage for the same request (input ≈ prompt
characters / 3.5, output ≈ the answer's length / 3.5 + 150 per hunk), so the comparison is
like for like and conservative (a reasoning model such as deepseek-r1 bills its reasoning as
output too, which would only widen the gap). For each diff:

- routed: the default config (``upgrade_share`` 0, cheapest good enough), billed cost;
- the old default (``upgrade_share: 0.5``), for comparison;
- all-premium: every hunk forced to the best model for review (deepseek-r1; all five models
  are offered every category here so that one model is best for all), billed cost;
- ratio = routed / all-premium (target ≤ 0.15), and the routed run's ``premium_baseline_usd``
  against the measured all-premium cost (target within 5%).

Diffs: the bundled example (examples/pr-export-and-billing.diff) and a generated 50-hunk PR.
Run: python bench/money_bench.py
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.helpers.fake_llm import FakeLLM, Say, Seen  # noqa: E402
from tests.helpers.gates import MemorySnapshot  # noqa: E402
from tests.helpers.llmcase import ENV, KEY_ENV, change, python_files  # noqa: E402

from hunkroute import config as configmod  # noqa: E402
from hunkroute import pipeline  # noqa: E402
from hunkroute.config import Config, catalogue  # noqa: E402
from hunkroute.diff.source import LoadedDiff  # noqa: E402
from hunkroute.model import Report, nano_to_usd  # noqa: E402
from hunkroute.models.providers.interface import Usage, cost_nano  # noqa: E402

PREMIUM = "deepseek-r1"
TASKS = "[review, debugging, boilerplate]"
ANSWER = '{"findings": []}'


def usage(seen: Seen) -> Say:
    """The same bill for the same request, whichever model answers it."""
    hunks = max(1, seen.prompt.count("@@") // 2)
    return Say(ANSWER, usage=(round(len(seen.prompt) / 3.5), 150 * hunks + 5, 0))


def config_text(fakes: dict[str, FakeLLM], names: Sequence[str], cache: Path, extra: str) -> str:
    lines = [f"cache_dir: '{cache}'", "ledger: null", "gates: []", "budget_usd: 1", extra,
             "providers:"]  # fmt: skip
    for name in names:
        lines.append(f"  - {{name: {name}, base_url: '{fakes[name].base_url}', model: m,"
                     f" api_key_env: {KEY_ENV}, supported_tasks: {TASKS}}}")  # fmt: skip
    return "\n".join(lines) + "\n"


def billed(fakes: dict[str, FakeLLM], conf: Config) -> int:
    """What the fakes billed, each at its own model's prices."""
    total = 0
    for name, fake in fakes.items():
        provider = conf.provider(name) if any(p.name == name for p in conf.providers) else None
        for tokens_in, tokens_out, cached in fake.billed:
            assert provider is not None, f"{name} billed but is not configured"
            total += cost_nano(provider, Usage(tokens_in, tokens_out, cached))
    return total


def measure(
    loaded: LoadedDiff, names: Sequence[str], work: Path, extra: str = ""
) -> tuple[Report, int]:
    fakes = {name: FakeLLM("openai", usage).start() for name in catalogue.CATALOGUE}
    try:
        conf = configmod.loads(config_text(fakes, names, work, extra), "money bench")
        report = pipeline.run(loaded, conf, pipeline.RunOptions(), ENV, judge=lambda c: [])
        return report, billed(fakes, conf)
    finally:
        for fake in fakes.values():
            fake.stop()


def bench(label: str, loaded: Callable[[], LoadedDiff]) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        routed, routed_cost = measure(loaded(), list(catalogue.CATALOGUE), Path(tmp) / "a")
        _, premium_cost = measure(loaded(), [PREMIUM], Path(tmp) / "b")
        _, old_cost = measure(loaded(), list(catalogue.CATALOGUE), Path(tmp) / "c",
                              "upgrade_share: 0.5")  # fmt: skip
    ratio = routed_cost / premium_cost
    gap = routed.premium_baseline_nano / premium_cost - 1
    models = sorted({a.model for h in routed.hunks for a in h.attempts})
    print(f"{label}: {len(routed.hunks)} hunks, routed to {', '.join(models)}")
    spent = nano_to_usd(routed.spent_nano)
    print(f"  routed ${nano_to_usd(routed_cost):.6f} (report says ${spent:.6f}) · all-premium"
          f" ${nano_to_usd(premium_cost):.6f} · ratio {ratio:.3f} (target <= 0.15)")  # fmt: skip
    print(f"  premium_baseline_usd ${nano_to_usd(routed.premium_baseline_nano):.6f}:"
          f" {100 * gap:+.1f}% of the measured all-premium cost (target within 5%)"
          f" · saving_percent {routed.saving_percent}")  # fmt: skip
    print(f"  the old default (upgrade_share 0.5, budget $1): ratio {old_cost / premium_cost:.3f}")
    return ratio <= 0.15 and abs(gap) <= 0.05 and routed_cost == routed.spent_nano


def example() -> LoadedDiff:
    data = (ROOT / "examples" / "pr-export-and-billing.diff").read_bytes()
    return LoadedDiff(data, "example", MemorySnapshot({}))


def generated() -> LoadedDiff:
    return change(*python_files(10, hunks_per_file=5))


def main() -> int:
    ok = bench("bundled example", example)
    ok = bench("generated 50-hunk PR", generated) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
