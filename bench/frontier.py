"""Fixes vs cost for four routing policies over a stream of PRs with planted problems (issue 15).

Policies, each over the same stream, each with its own answer cache, all through the real
pipeline (plan, provider HTTP to a loopback fake, ruff + bandit + semgrep on every suggestion):

- all-premium: the best model only;
- static: every model, routed on the config's claimed quality (learning off);
- learned: claims as priors, then what audits and explorations show (``models/learning.py``,
  ``models/audit.py``), evidence summed PR after PR; audits are budgeted calls of their own;
- oracle: routed on the true skills, the yardstick.

A validated fix is a model finding on a planted line whose suggestion is the known fix and
that the gates accepted. Until the pipeline runs audits itself (issue 15, phase B), this bench
runs them: one extra pipeline run per asked model, on the audited hunks only, with only that
model configured, and it keeps its own evidence table.

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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "bench")]

from frontier_world import CLAIMS, PRICES, TRUE_SKILL, Planted, PullRequest, answer, stream  # noqa: E402
from tests.helpers.fake_llm import FakeLLM  # noqa: E402
from tests.helpers.llmcase import ENV, FAST_RETRY, KEY_ENV, change  # noqa: E402

from hunkroute import config as configmod  # noqa: E402
from hunkroute import pipeline  # noqa: E402
from hunkroute.config import Config  # noqa: E402
from hunkroute.model import Finding, LearnedQuality, Report  # noqa: E402
from hunkroute.models.audit import AuditCall, allowance, choose  # noqa: E402
from hunkroute.models.learning import Lessons, PairEvidence, add, learn, matched  # noqa: E402
from hunkroute.plan import PlanItem  # noqa: E402

POLICIES = ("all-premium", "static", "learned", "oracle")
Table = dict[tuple[str, str], PairEvidence]


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


def config_for(
    base_url: str, cache: Path, models: Sequence[str], audit_only: bool = False
) -> Config:
    """Providers of known price and claimed quality; ``audit_only`` lets one model take all."""
    lines = ["budget_usd: 1.0", f"cache_dir: '{cache}'", "upgrade_share: 0", f"retry: {FAST_RETRY}",
             "learning: {audit_share: 0.1, min_samples: 8}", "classify:", "  rules:",
             "    - {path: 'api/**', category: review, reason: 'bench: api'}",
             "    - {path: 'core/**', category: debugging, reason: 'bench: core'}",
             "    - {path: 'util/**', category: boilerplate, reason: 'bench: util'}"]  # fmt: skip
    if audit_only:
        lines += ["max_attempts: 1", "categories:"]
        lines += [f"  {c}: {{min_quality: 0}}" for c in ("review", "debugging", "boilerplate")]
    lines.append("providers:")
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


def run_pr(conf: Config, pr: PullRequest, learned: Mapping[tuple[str, str], LearnedQuality]
           ) -> Report:  # fmt: skip
    loaded = change(pr.old, pr.new)
    return pipeline.run(loaded, conf, pipeline.RunOptions(), ENV, lessons=Lessons(learned))


def policy(name: str, prs: Sequence[PullRequest]) -> tuple[list[Tally], Table]:
    """One policy over the stream: a tally per PR, and the evidence it learned from."""
    with FakeLLM("openai", answer) as fake, tempfile.TemporaryDirectory() as tmp:
        models = ("premium",) if name == "all-premium" else tuple(PRICES)
        conf = config_for(fake.base_url, Path(tmp), models)
        table: Table = {}
        tallies = []
        for pr in prs:
            learned = learn(table.values(), conf.providers, conf.learning.min_samples)
            chosen = oracle() if name == "oracle" else learned if name == "learned" else {}
            report = run_pr(conf, pr, chosen)
            tally = Tally(fixes(report, pr), report.spent_nano)
            if name == "learned":
                table = audit(fake, Path(tmp), conf, pr, report, table, tally)
            tallies.append(tally)
        return tallies, table


def audit(fake: FakeLLM, tmp: Path, conf: Config, pr: PullRequest, report: Report,
          table: Table, tally: Tally) -> Table:  # fmt: skip
    """Choose this PR's audits and explorations, run them, and add what they show."""
    items = [PlanItem(h.hunk, h.classification) for h in report.hunks]
    left = allowance(conf, report.budget_nano, report.reserved_nano)
    calls = choose([h.route for h in report.hunks], items, conf, conf.providers, table, left)
    answers = {}
    for model in sorted({c.model for c in calls}):
        mine = [c for c in calls if c.model == model]
        files = {next(h.hunk.file for h in report.hunks if h.hunk.id == c.hunk_id) for c in mine}
        sub = config_for(fake.base_url, tmp, (model,), audit_only=True).with_budget(left / 1e9)
        extra = run_pr(sub, PullRequest(pr.number, {f: pr.old[f] for f in files},
                                        {f: pr.new[f] for f in files}, ()), {})  # fmt: skip
        left -= extra.reserved_nano
        tally.spent_nano += extra.spent_nano
        tally.audit_nano += extra.spent_nano
        tally.audits += len(mine)
        tally.fixed |= fixes(extra, pr)
        answers[model] = extra
    table = gate_counts(report, table)
    for call in calls:
        table = compare(call, report, answers, table)
    return table


def compare(call: AuditCall, main: Report, answers: Mapping[str, Report], table: Table) -> Table:
    """One comparison: did the judged model find the validated fix the best model found?"""
    hunk = next(h.hunk for h in main.hunks if h.hunk.id == call.hunk_id)

    def of(model: str) -> list[Finding]:
        report = main if model == call.routed else answers[model]
        return [f for f in report.findings if f.model == model and f.file == hunk.file
                and hunk.new_start <= f.line <= hunk.new_end]  # fmt: skip

    judged = call.routed if call.kind == "audit" else call.model
    outcome = matched(of(call.best), of(judged))
    if outcome is None:
        return table
    return add(table, judged, call.category, compared=1, matched=int(outcome))


def gate_counts(report: Report, table: Table) -> Table:
    """Suggestions the gates accepted and rejected, per model and category."""
    for result in report.hunks:
        category = result.classification.category
        for attempt in result.attempts:
            if attempt.outcome == "rejected":
                table = add(table, attempt.model, category, rejected=1)
    for finding in report.findings:
        if finding.source == "model" and finding.validated and finding.model:
            category = next(h.classification.category for h in report.hunks
                            if h.hunk.file == finding.file)  # fmt: skip
            table = add(table, finding.model, category, accepted=1)
    return table


def _policy(args: tuple[str, int]) -> tuple[str, list[Tally], Table]:
    name, count = args
    tallies, table = policy(name, stream(count))
    return name, tallies, table


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
    table = next(t for name, _, t in done if name == "learned")
    print("\n".join(render(results, count)))
    print("\nthe learned policy's evidence after the stream:")
    conf = config_for("http://127.0.0.1:9/v1", Path("."), tuple(PRICES))
    learned = learn(table.values(), conf.providers, conf.learning.min_samples)
    for key, pair in sorted(table.items()):
        found = learned.get(key)
        why = found.reason if found else f"{pair.compared} comparisons: the claim stays"
        skill = TRUE_SKILL[pair.model][pair.category].fix / TRUE_SKILL["premium"][pair.category].fix
        truth = CLAIMS["premium"][pair.category] * skill  # what learning would reach in the end
        print(f"  {pair.model:6} {pair.category:12} {why} [true {truth:.1f}]")
    print(f"\n{count} PRs, 4 policies in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
