"""Wires the stages together; the only module that knows their order.

diff text → hunks → prescan gates → categories → plan → model calls → gated suggestions → report.
Each stage is a function of plain values; this module threads them and collects what failed,
so that a failing provider or gate becomes a line in the report, never a lost run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from hunkroute import config as configmod
from hunkroute.classify import classifier as classify
from hunkroute.classify.syntax import SourceFacts, read_facts, removed_code
from hunkroute.config import Config, ProviderConfig
from hunkroute.diff import unified as diff
from hunkroute.diff.source import Commits, LoadedDiff, Snapshot
from hunkroute.gates import merge, policy, validate
from hunkroute.gates.prescan import Baseline, prescan
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import build_setup
from hunkroute.model import (
    SKIP,
    ChangeSet,
    Classification,
    FileChange,
    Finding,
    Hunk,
    HunkResult,
    HunkStatus,
    Judge,
    Learned,
    Plan,
    Report,
    Route,
    blocks,
    usd_to_nano,
)
from hunkroute.models.baseline import honest_baseline
from hunkroute.models.learning import Lessons, Table
from hunkroute.models.rounds import ModelStage
from hunkroute.models.spend import Books, Identity, LedgerAccess, books_for, close_books
from hunkroute.plan import PlanItem, make_plan, with_learned

if TYPE_CHECKING:  # execute brings httpx and the providers: imported only when a model is called
    from hunkroute.models.execute import Progress


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What the user asked for, beyond the config."""

    # None: each file's title is what the commits that changed it say (a git change's subjects,
    # ``Commits.title``); "" is no title at all
    title: str | None = None
    description: str | None = None  # the PR description; None: the commits' bodies, as for title
    branch: str = ""  # "": the branch the git change names, if any
    offline: bool = False
    interactive: bool = False
    # The pull/merge request in CI (owner/name or project path, number or iid, head commit):
    # what the spend ledger's ``RunSpec`` keys ``pr_budget_usd`` on; empty outside a forge.
    repo: str = ""
    pr: int | None = None
    head_sha: str = ""

    def title_for(self, commits: Commits, path: str | None = None) -> str:
        """The title given, else what the commits that changed ``path`` say."""
        return commits.title(path) if self.title is None else self.title

    def description_for(self, commits: Commits, path: str | None = None) -> str:
        """The description given, else the bodies of the commits that changed ``path``."""
        return commits.description(path) if self.description is None else self.description


@dataclass(frozen=True, slots=True)
class Prepared:
    """Everything known before any model is called."""

    changes: ChangeSet
    items: tuple[PlanItem, ...]
    plan: Plan
    providers: tuple[ProviderConfig, ...]  # the ones that may be called: empty when offline
    prescan: tuple[Finding, ...]
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    judge: Judge  # gates a round of suggestions in one batch (validate.build_judge)
    legacy_hidden: int = 0


def prepare(
    loaded: LoadedDiff,
    config: Config,
    options: RunOptions,
    env: Mapping[str, str],
    for_plan_only: bool = False,
    tools: ToolRunner | None = None,
    budget_nano: int | None = None,
    learned: Learned | None = None,
) -> Prepared:
    """Parse, prescan, classify and plan (within ``budget_nano``, default ``budget_usd``; on
    ``learned`` quality where a pair has it)."""
    changes = diff.parse(diff.decode(loaded.data), config.files, loaded.origin)
    gated = _gate(changes, loaded, config, tools or ToolRunner(env), for_plan_only)
    items = tuple(_items(changes, config, options, gated.findings, loaded))
    planned, callable_, notes = _providers(config, options, env, for_plan_only)
    budget = usd_to_nano(config.budget_usd) if budget_nano is None else budget_nano
    fast = options.interactive and config.precommit.prefer_low_latency
    plan = make_plan(items, config, planned, budget, interactive=fast, learned=learned)
    notes = (*notes, *gated.notes, *_plan_notes(plan))
    return Prepared(
        changes,
        items,
        plan,
        callable_,
        gated.findings,
        gated.problems,
        notes,
        gated.judge,
        gated.legacy_hidden,
    )


def _plan_notes(plan: Plan) -> tuple[str, ...]:
    """Say what the plan left without a model for budget or caps, before any call was made."""
    counts = Counter(
        r.status for r in plan.routes if r.status in ("skipped_budget", "skipped_limit")
    )
    why = {"skipped_budget": "the budget", "skipped_limit": "size or count limits (limits.*)"}
    return tuple(
        f"plan: {count} hunk(s) {status}: no model for them within {why[status]}"
        for status, count in sorted(counts.items())
        if status is not None
    )


# --- static gates ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Gated:
    findings: tuple[Finding, ...]
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    judge: Judge
    legacy_hidden: int = 0


def _gate(
    changes: ChangeSet, loaded: LoadedDiff, config: Config, runner: ToolRunner, plan_only: bool
) -> _Gated:
    """Prescan the changed lines (once per gate), then validate the gates' own safe fixes.

    ``plan`` runs no gates, to stay instant; ``run`` may then classify a hunk with a security
    finding as review where ``plan`` did not, and the note says so.
    """
    pinned = loaded.gate_configs is not None
    setup = build_setup(config, loaded.gate_configs or loaded.snapshot, pinned)
    if plan_only or not config.gates:
        judge = validate.build_judge(setup, runner, Baseline(), loaded.snapshot)
        note = "static gates not run by plan (run runs them; a security finding routes to review)"
        return _Gated((), (), (note if plan_only else "static gates off (gates: [])",), judge)
    scanned = prescan(changes, loaded.snapshot, setup, runner, loaded.base)
    judge = validate.build_judge(setup, runner, scanned.baseline, loaded.snapshot)
    found, problems = validate.free_round(scanned.findings, changes, judge)
    findings = merge.merged(policy.in_tests(found, config.tests))
    notes = scanned.notes
    if scanned.legacy_hidden:
        notes += (
            f"{scanned.legacy_hidden} legacy finding(s) hidden: "
            "the base version already had the same statement flagged",
        )
    problems = (*scanned.problems, *problems)
    return _Gated(findings, problems, notes, judge, scanned.legacy_hidden)


# --- end of static gates ---------------------------------------------------------------------


def _items(
    changes: ChangeSet,
    config: Config,
    options: RunOptions,
    prescan: tuple[Finding, ...],
    loaded: LoadedDiff,
) -> list[PlanItem]:
    base = classify.ClassifyContext(
        branch=options.branch or loaded.branch,
        rules=config.classify_rules,
        risk={name: c.risk for name, c in config.categories.items()},
        categories=frozenset(config.categories),
    )
    by_file: dict[str, list[Finding]] = {}
    for finding in prescan:  # grouped once: a big PR has many hunks and many findings
        by_file.setdefault(finding.file, []).append(finding)
    items: list[PlanItem] = []
    for file in changes.files:
        found = by_file.get(file.path, [])
        source, old_code = _source_facts(file, loaded.snapshot)
        said = replace(
            base,
            title=options.title_for(loaded.commits, file.path),
            description=options.description_for(loaded.commits, file.path),
        )
        for hunk in file.hunks:
            if file.skip_reason is not None:
                reason = file.skip_reason
                status: HunkStatus = "refused" if reason.startswith("refused") else "skipped"
                items.append(PlanItem(hunk, Classification(SKIP, (reason,)), status, reason))
                continue
            touching = tuple(f for f in found if _touches(f, hunk))
            context = replace(
                said, prescan=touching, source=source, removed_code=old_code.get(hunk.id)
            )
            escalation = _escalation(touching, config)
            items.append(PlanItem(hunk, classify.classify(hunk, context), escalation=escalation))
    return items


def _escalation(touching: tuple[Finding, ...], config: Config) -> str:
    """Evidence that may buy a stronger first model (``escalate_on_findings``)."""
    rules = [f.rule for f in touching if blocks(f, config.fail_on)]
    return f"blocking prescan finding {rules[0]}" if rules else ""


def _source_facts(
    file: FileChange, snapshot: Snapshot
) -> tuple[SourceFacts | None, dict[str, dict[int, str]]]:
    """Facts of a Python file's new version, if it is there and agrees with the diff, and its
    hunks' removed code lines (``syntax.removed_code``).

    A ``--diff`` file may not match the work tree it runs in: then the facts would describe
    other lines, so a file whose added lines differ from the hunks' is not used.
    """
    if file.language != "python" or file.skip_reason is not None or not file.hunks:
        return None, {}
    data = snapshot.read(file.path)
    if data is None:
        return None, {}
    lines = data.decode("utf-8", "replace").splitlines()
    for hunk in file.hunks:
        for line in hunk.added:
            if line.number > len(lines) or lines[line.number - 1].rstrip() != line.text.rstrip():
                return None, {}
    facts = read_facts("\n".join(lines) + "\n")
    if facts is None or not any(hunk.removed for hunk in file.hunks):
        return facts, {}
    return facts, removed_code(lines, file.hunks)


def _touches(finding: Finding, hunk: Hunk) -> bool:
    """A prescan finding is a signal for the hunk whose lines it touches, not the whole file."""
    same = finding.file == hunk.file
    return same and hunk.new_start <= finding.end_line and finding.line <= hunk.new_end


def _providers(
    config: Config, options: RunOptions, env: Mapping[str, str], for_plan_only: bool
) -> tuple[tuple[ProviderConfig, ...], tuple[ProviderConfig, ...], tuple[str, ...]]:
    """Providers to plan with, providers that may really be called, and notes on the rest.

    An offline run still plans with every configured provider, so its report shows where each
    hunk would go and what that would cost.
    """
    notes: list[str] = []
    # a catalogue model the user never named is no news on every run (issue 13)
    unconfigured = [p.name for p in config.providers if p.listed and not p.configured]
    if unconfigured:
        notes.append(f"not configured (no base_url/model): {', '.join(unconfigured)}")
    configured = tuple(p for p in config.providers if p.configured)
    missing = configmod.missing_keys(configured, env)
    usable = configmod.usable_providers(config, env)
    if for_plan_only:
        if missing:
            notes.append(f"API keys not set: {', '.join(missing)} (run would skip those providers)")
        return configured, (), tuple(notes)
    if options.offline:
        notes.append("offline: no model calls (--offline)")
        return configured, (), tuple(notes)
    if not usable:
        keys = ", ".join(missing) if missing else "no provider configured"
        notes.append(f"offline: no provider has its API key set ({keys})")
        return configured, (), tuple(notes)
    return usable, usable, tuple(notes)


def run(
    loaded: LoadedDiff,
    config: Config,
    options: RunOptions,
    env: Mapping[str, str],
    judge: Judge | None = None,
    progress: Progress | None = None,
    ledger: LedgerAccess | None = None,
    lessons: Lessons | None = None,
) -> Report:
    """The whole job: everything ``prepare`` does, then models and gates, then the report.

    With a ``ledger``, the run's budget is also bounded by what its PR and the month have
    left, every try is booked there too, and the run is closed with its honest baseline.
    Routing uses the ``lessons``' learned quality where a pair has it; with their evidence and
    a ledger to file comparisons in, the run audits some hunks too (``models/auditstage.py``).
    """
    who = Identity(options.repo, options.pr, options.head_sha)
    books = books_for(ledger or LedgerAccess(), config, who, options.offline)
    learned = lessons.learned if lessons else None
    prepared = prepare(loaded, config, options, env, budget_nano=books.budget_nano,
                       learned=learned)  # fmt: skip
    evidence = lessons.evidence if lessons else None
    models = _model_stage(prepared, loaded, config, options, env, judge, progress, books,
                          evidence)  # fmt: skip
    pairs = zip(prepared.items, prepared.plan.routes, strict=True)
    hunks = tuple(
        models.results.get(item.hunk.id) or _offline_result(item, route) for item, route in pairs
    )
    planned = tuple(p for p in config.providers if p.configured)
    baseline = honest_baseline(hunks, prepared.plan.premium_estimates, planned)
    closed = close_books(books, config, who, models.spent_nano, baseline)
    return Report(
        origin=prepared.changes.origin,
        budget_nano=books.budget_nano,
        spent_nano=models.spent_nano,
        reserved_nano=models.reserved_nano,
        premium_baseline_nano=baseline,
        hunks=hunks,
        findings=prepared.prescan + models.findings,
        fail_on=config.fail_on,
        skipped_files=tuple(f for f in prepared.changes.files if f.skip_reason),
        problems=books.problems + prepared.problems + models.problems + closed.problems,
        notes=books.notes + prepared.notes + models.notes + closed.notes,
        legacy_hidden=prepared.legacy_hidden,
        pr_budget=closed.pr_budget,
        monthly_budget=closed.monthly_budget,
    )


# --- model stage: the only pipeline code that knows about providers --------------------------
def _model_stage(
    prepared: Prepared,
    loaded: LoadedDiff,
    config: Config,
    options: RunOptions,
    env: Mapping[str, str],
    judge: Judge | None,
    progress: Progress | None,
    books: Books,
    evidence: Table | None,
) -> ModelStage:
    """Call the planned models (nothing when offline or no key is set); keys read from ``env``;
    then the audits, when there is ``evidence`` and a ledger to file their comparisons in.

    Interactive runs (``precommit``) stop waiting at ``precommit.deadline_s``; ``run`` does not.
    """
    if not prepared.providers or not prepared.plan.batches:
        return ModelStage({}, (), (), (), 0, 0)
    from hunkroute.models import auditstage, execute

    files = {b.file for b in prepared.plan.batches}
    job = execute.Job(
        plan=prepared.plan,
        items={item.hunk.id: item for item in prepared.items},
        config=config,
        providers=_as_planned(prepared),
        keys={p.name: env.get(p.api_key_env) if p.api_key_env else None
              for p in prepared.providers},
        files={path: _read_text(loaded, path) for path in sorted(files)},
        title=options.title_for(loaded.commits),
        deadline_s=config.precommit.deadline_s if options.interactive else None,
    )  # fmt: skip
    gates, shared = judge or prepared.judge, books.shared
    main = execute.run(job, gates, progress=progress, shared=shared)
    if evidence is None or shared.store is None:
        return main
    return auditstage.audited(main, job, evidence, prepared.providers, gates, shared)


def _as_planned(prepared: Prepared) -> tuple[ProviderConfig, ...]:
    """The providers with the quality the plan routed on, so fallbacks rank them the same way."""
    learned = {(q.model, q.category): q for q in prepared.plan.learned}
    return with_learned(prepared.providers, learned)


def _read_text(loaded: LoadedDiff, path: str) -> str | None:
    data = loaded.snapshot.read(path)
    return None if data is None else data.decode("utf-8", errors="replace")


# --- end of the model stage -------------------------------------------------------------------


def _offline_result(item: PlanItem, route: Route) -> HunkResult:
    """A hunk no model looked at: its planned route, and status ``gated`` or its skip."""
    return HunkResult(item.hunk, item.classification, route, route.status or "gated")
