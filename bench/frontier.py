"""Fixes vs cost for four routing policies over a stream of PRs with planted problems (issue 15).

Policies, each over the same stream, each with its own answer cache, all through the real
pipeline (plan, provider HTTP to a loopback fake, ruff + bandit + semgrep on every suggestion):

- all-premium: the best model only;
- static: every model, routed on the config's claimed quality (learning off);
- learned: claims as priors, then what audits and explorations show (``models/learning.py``,
  ``models/audit.py``), evidence summed PR after PR; audits are budgeted calls of their own;
- oracle: routed on the true skills, the yardstick.

A validated fix is a model finding on a planted line whose suggestion is the known fix and
that the gates accepted. Each policy keeps a real SQLite ledger, as ``run`` does; the learned
policy reads its lessons from it before every PR (``commands.ledgering.lessons_from``), and its
runs audit and explore themselves (``models/auditstage.py``): their cost is in the run's spend,
and a fix only an audit found counts, as it is reported.

Run: python bench/frontier.py [--prs 30]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]

from frontier_world import CLAIMS, PRICES, TRUE_SKILL, Planted, PullRequest, answer, stream  # noqa: E402
from tests.helpers.fake_llm import FakeLLM  # noqa: E402
from tests.helpers.llmcase import ENV, FAST_RETRY, KEY_ENV, change  # noqa: E402

from hunkroute import config as configmod  # noqa: E402
from hunkroute import pipeline  # noqa: E402
from hunkroute.commands.ledgering import ledger_access, lessons_from  # noqa: E402
from hunkroute.config import Config  # noqa: E402
from hunkroute.ledger import open_ledger  # noqa: E402
from hunkroute.model import Finding, LearnedQuality, LearningRow, Report  # noqa: E402
from hunkroute.models.learning import Lessons, claimed_vs_learned  # noqa: E402

POLICIES = ("all-premium", "static", "learned", "oracle")
START = datetime(2026, 12, 1, tzinfo=UTC)  # the ledger's clock: PR n is filed n hours later


@dataclass
class Tally:
    """Validated fixes per category and money, for one policy over some PRs."""

    fixed: set[Planted] = field(default_factory=set)
    spent_nano: int = 0
    audit_nano: int = 0
    audits: int = 0

    @property
    def fixes(self) -> Counter[str]:
        return Counter(p.category for p in self.fixed)

    def add(self, other: Tally) -> None:
        self.fixed |= other.fixed
        self.spent_nano += other.spent_nano
        self.audit_nano += other.audit_nano
        self.audits += other.audits


def config_for(base_url: str, cache: Path, models: Sequence[str], learning: bool) -> Config:
    """Providers of known price and claimed quality, and a SQLite ledger in ``cache``."""
    lines = ["budget_usd: 1.0", f"cache_dir: '{cache}'", "upgrade_share: 0", f"retry: {FAST_RETRY}",
             f"ledger: 'sqlite:///{cache}/ledger.sqlite3'",
             f"learning: {{enabled: {str(learning).lower()}, audit_share: 0.1, min_samples: 8}}",
             "classify:", "  rules:",
             "    - {path: 'api/**', category: review, reason: 'bench: api'}",
             "    - {path: 'core/**', category: debugging, reason: 'bench: core'}",
             "    - {path: 'util/**', category: boilerplate, reason: 'bench: util'}",
             "providers:"]  # fmt: skip
    for name in models:
        price_in, price_out = PRICES[name]
        quality = ", ".join(f"{c}: {q}" for c, q in CLAIMS[name].items())
        lines.append(
            f"  - {{name: {name}, base_url: '{base_url}', model: m-{name}, "
            f"api_key_env: {KEY_ENV}, cost_per_input_token: {price_in}, "
            f"cost_per_output_token: {price_out}, quality: {{{quality}}}, timeout_s: 5, "
            "supported_tasks: [review, debugging, boilerplate]}"
        )
    return configmod.loads("\n".join(lines) + "\n", "bench config")


def oracle() -> dict[tuple[str, str], LearnedQuality]:
    """The true skills as qualities: what routing would do if it knew everything."""
    return {
        (model, category): LearnedQuality(model, category, round(10 * skill.fix, 1),
                                          CLAIMS[model][category], "oracle: the true skill")
        for model, skills in TRUE_SKILL.items()
        for category, skill in skills.items()
    }  # fmt: skip


def fixes(report: Report, pr: PullRequest) -> set[Planted]:
    """Planted problems of ``pr`` that ``report`` fixed with the known, gate-accepted fix."""
    return {
        planted
        for planted in pr.planted
        if any(_is_fix(f, planted.file, planted.line, planted.fix) for f in report.findings)
    }


def _is_fix(finding: Finding, file: str, line: int, fix: str) -> bool:
    return (finding.source == "model" and finding.validated and finding.file == file
            and finding.line == line and finding.suggestion == fix)  # fmt: skip


def run_pr(conf: Config, pr: PullRequest, name: str) -> Report:
    """One PR through the real pipeline and the policy's ledger, learning as ``run`` does."""
    with ledger_access(conf, {}, offline=False) as access:
        at = START + timedelta(hours=pr.number)
        ledger = replace(access, now=lambda: at)
        lessons = Lessons(oracle()) if name == "oracle" else lessons_from(ledger, conf)
        loaded = change(pr.old, pr.new)
        return pipeline.run(loaded, conf, pipeline.RunOptions(), ENV, ledger=ledger,
                            lessons=lessons)  # fmt: skip


def policy(name: str, prs: Sequence[PullRequest]) -> tuple[list[Tally], tuple[LearningRow, ...]]:
    """One policy over the stream: a tally per PR, and what its ledger taught in the end."""
    with FakeLLM("openai", answer) as fake, tempfile.TemporaryDirectory() as tmp:
        models = ("premium",) if name == "all-premium" else tuple(PRICES)
        conf = config_for(fake.base_url, Path(tmp), models, learning=name == "learned")
        tallies = []
        for pr in prs:
            report = run_pr(conf, pr, name)
            audits = [a for h in report.hunks for a in h.attempts if a.audit]
            tallies.append(Tally(fixes(report, pr), report.spent_nano,
                                 sum(a.cost_nano for a in audits), len(audits)))  # fmt: skip
        store = open_ledger(conf.ledger or "")
        try:
            rows = claimed_vs_learned(store.evidence(), conf.providers, conf.learning.min_samples)
        finally:
            store.close()
        return tallies, rows


def _policy(args: tuple[str, int]) -> tuple[str, list[Tally], tuple[LearningRow, ...]]:
    name, count = args
    tallies, rows = policy(name, stream(count))
    return name, tallies, rows


def summed(tallies: Sequence[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total.add(tally)
    return total


def render(results: Mapping[str, list[Tally]], count: int) -> list[str]:
    """The frontier table: fixes and cost per policy, whole stream and second half."""
    planted = Counter(p.category for pr in stream(count) for p in pr.planted)
    late = Counter(p.category for pr in stream(count)[count // 2 :] for p in pr.planted)
    base_all = summed(results["all-premium"])
    base_late = summed(results["all-premium"][count // 2 :])
    rows = [
        "| policy | fixes (of {a}) | review fixes (of {r}) | cost $ | 2nd half: fixes (of {b}) | "
        "review (of {rl}) | cost $ | vs all-premium, 2nd half: fixes · review · cost | whole "
        "stream: cost | audits |".format(a=sum(planted.values()), r=planted["review"],
                                          b=sum(late.values()), rl=late["review"]),
        "|---|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for name in POLICIES:
        whole, half = summed(results[name]), summed(results[name][count // 2 :])
        rows.append(
            f"| {name} | {sum(whole.fixes.values())} | {whole.fixes['review']} | "
            f"{whole.spent_nano / 1e9:.4f} | {sum(half.fixes.values())} | {half.fixes['review']} | "
            f"{half.spent_nano / 1e9:.4f} | {_ratio(half, base_late)} | "
            f"{whole.spent_nano / base_all.spent_nano:.2f} | {whole.audits} "
            f"(${whole.audit_nano / 1e9:.4f}) |"
        )
    return rows


def _ratio(mine: Tally, base: Tally) -> str:
    total = sum(mine.fixes.values()) / max(1, sum(base.fixes.values()))
    review = mine.fixes["review"] / max(1, base.fixes["review"])
    return f"{total:.3f} · {review:.3f} · {mine.spent_nano / base.spent_nano:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prs", type=int, default=30)
    count = parser.parse_args(argv).prs
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(len(POLICIES)) as pool:
        done = pool.map(_policy, [(name, count) for name in POLICIES])
    results = {name: tallies for name, tallies, _ in done}
    rows = next(r for name, _, r in done if name == "learned")
    print("\n".join(render(results, count)))
    print("\nthe learned policy's ledger after the stream (hunkroute stats):")
    for row in rows:
        skill = TRUE_SKILL[row.model][row.category].fix / TRUE_SKILL["premium"][row.category].fix
        truth = CLAIMS["premium"][row.category] * skill  # what learning would reach in the end
        print(f"  {row.model:6} {row.category:12} {row.explanation} [true {truth:.1f}]")
    print(f"\n{count} PRs, 4 policies in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
