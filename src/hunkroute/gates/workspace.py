"""A batch: files written to one temporary tree, every enabled gate run once over all of them.

semgrep costs seconds to start, so nothing here runs per hunk or per suggestion: the new
versions of the changed files and every patched variant of a round of suggestions go into one
tree (each variant in a folder of its own, with the same relative paths, so findings map back),
and each gate runs once over the lot. The gates run side by side.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from hunkroute.config import Config, GateConfig
from hunkroute.config.schema import GATE_CONFIG_NAMES, TOOL_READ_NAMES
from hunkroute.diff.source import Snapshot
from hunkroute.errors import ConfigError
from hunkroute.gates import GATES
from hunkroute.gates.interface import GateJob, GateResult, GateUnavailable
from hunkroute.gates.runner import ToolRunner
from hunkroute.model import Finding

BASE = ""  # the tree of the unpatched new versions


@dataclass(frozen=True, slots=True)
class Target:
    """One file to scan: ``path`` in the repository, in tree ``tree`` (a variant, or ``BASE``)."""

    tree: str
    path: str
    text: str
    language: str
    partial: bool = False  # rebuilt from the diff alone: no ruff (see diffview.py)


@dataclass(frozen=True, slots=True)
class GateSetup:
    """What every batch of a run shares: the enabled gates and the repository's config files.

    ``pinned``: the config files come from the PR's base (CI), so a changed file that the tools
    would read as their config (a nested ruff.toml, a .semgrepignore) is not written to the tree.
    """

    gates: tuple[GateConfig, ...]
    user_configs: Mapping[str, str]
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Findings per (tree, path) with ``file`` set to the repository path; what ran, what failed."""

    findings: Mapping[tuple[str, str], tuple[Finding, ...]]
    ran: tuple[str, ...]
    failures: tuple[GateUnavailable, ...]

    def of(self, tree: str, path: str) -> tuple[Finding, ...]:
        return self.findings.get((tree, path), ())


def build_setup(config: Config, snapshot: Snapshot, pinned: bool = False) -> GateSetup:
    """Enabled gates with paths resolved (next to the config file), and the repo's tool configs
    read from ``snapshot`` (the PR's base when ``pinned``)."""
    base = Path(config.source).parent
    gates = tuple(_resolved(gate, base, config.source) for gate in config.gates)
    found = {name: snapshot.read(name) for name in GATE_CONFIG_NAMES}
    texts = {name: data.decode("utf-8", "replace") for name, data in found.items() if data}
    return GateSetup(gates, texts, pinned)


def _resolved(gate: GateConfig, base: Path, source: str) -> GateConfig:
    def existing(raw: str, key: str) -> str:
        path = (base / raw).resolve()
        if not path.exists():
            raise ConfigError(f"{source}: gates: {gate.name}: {key} {raw!r} not found ({path})")
        return str(path)

    config_file = existing(gate.config_file, "config") if gate.config_file else None
    rules = tuple(existing(raw, "rules") for raw in gate.rules)
    return replace(gate, rules=rules, config_file=config_file)


def scan(
    targets: Sequence[Target],
    setup: GateSetup,
    runner: ToolRunner,
    only: Collection[str] | None = None,
) -> ScanResult:
    """Write the targets to a temporary tree; run each enabled gate (or those in ``only``) once."""
    gates = [g for g in setup.gates if only is None or g.name in only]
    if not targets or not gates:
        return ScanResult({}, (), ())
    with tempfile.TemporaryDirectory(prefix="hunkroute-gates-") as temp:
        root = str(Path(temp).resolve())
        written = [t for t in targets if not (setup.pinned and _tool_reads(t.path))]
        folders = _write(root, written, setup.user_configs)
        files = {_key(folders, t): t.text for t in written}
        languages = {_key(folders, t): t.language for t in written}
        partial = frozenset(_key(folders, t) for t in written if t.partial)
        trees = tuple(folders.values())
        jobs = [
            GateJob(root, files, languages, trees, gate, setup.user_configs, partial)
            for gate in gates
        ]
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            outcomes = list(pool.map(lambda job: runner.run(GATES[job.settings.name], job), jobs))
    return _collect(outcomes, {folder: tree for tree, folder in folders.items()})


def _tool_reads(path: str) -> bool:
    return PurePosixPath(path).name in TOOL_READ_NAMES


def _key(folders: Mapping[str, str], target: Target) -> str:
    return f"{folders[target.tree]}/{target.path}"


def _write(root: str, targets: Sequence[Target], user_configs: Mapping[str, str]) -> dict[str, str]:
    """Write every target below ``root/<tree folder>/``; returns tree → folder name."""
    folders: dict[str, str] = {}
    for target in targets:
        if target.tree not in folders:
            folder = folders.setdefault(target.tree, f"t{len(folders)}")
            for name, text in user_configs.items():
                (Path(root) / folder / name).parent.mkdir(parents=True, exist_ok=True)
                (Path(root) / folder / name).write_text(text, encoding="utf-8")
        relative = PurePosixPath(target.path)
        if relative.is_absolute() or ".." in relative.parts:
            raise ValueError(f"unsafe path in a gate batch: {target.path!r}")
        path = Path(root) / folders[target.tree] / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(target.text, encoding="utf-8", newline="")
    for name, text in user_configs.items():  # bandit reads ``-c pyproject.toml`` from the root
        (Path(root) / name).write_text(text, encoding="utf-8")
    return folders


def _collect(
    outcomes: Sequence[GateResult | GateUnavailable], trees: Mapping[str, str]
) -> ScanResult:
    findings: dict[tuple[str, str], list[Finding]] = {}
    for outcome in outcomes:
        if isinstance(outcome, GateUnavailable):
            continue
        for finding in outcome.findings:
            folder, _, path = finding.file.partition("/")
            if folder in trees and path:
                findings.setdefault((trees[folder], path), []).append(replace(finding, file=path))
    return ScanResult(
        findings={key: tuple(values) for key, values in findings.items()},
        ran=tuple(o.gate for o in outcomes if isinstance(o, GateResult)),
        failures=tuple(o for o in outcomes if isinstance(o, GateUnavailable)),
    )
