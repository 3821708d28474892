"""``hunkroute precommit``: the gate a developer meets before a commit or a push.

At the commit stage it checks the staged change, reading the new files from the index, so that
unstaged edits neither hide nor cause findings. At the push stage it checks what the push brings:
the range pre-commit passes in ``PRE_COMMIT_FROM_REF``/``PRE_COMMIT_TO_REF``, or, from the plain
``hooks/pre-push``, the ref lines git writes on the hook's stdin (githooks(5)). The run is
interactive: the ``precommit:`` budget, low-latency models, compact output, and only blocking
gate findings fail it; an unavailable provider or gate never blocks a commit.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from hunkroute import pipeline
from hunkroute.commands.options import CliOptions, git_root, options_config
from hunkroute.commands.output import use_color
from hunkroute.config import Config
from hunkroute.diff import source
from hunkroute.diff.source import DiffSource
from hunkroute.errorhandler import BLOCKING, PASSED
from hunkroute.errors import InputError
from hunkroute.report import compact

_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


@dataclass(frozen=True, slots=True)
class RefUpdate:
    """One line git gives a pre-push hook: ``<local ref> <local sha> <remote ref> <remote sha>``."""

    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str


@dataclass(frozen=True, slots=True)
class HookRun:
    """How the hook was called: offline or not, and where its output goes."""

    offline: bool
    color: bool
    out: TextIO
    err: TextIO
    clock: Callable[[], float]


def parse_ref_updates(text: str) -> tuple[RefUpdate, ...]:
    """The pre-push hook's stdin; a malformed line is an ``InputError`` naming it."""
    updates: list[RefUpdate] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.rsplit(maxsplit=3)
        if len(parts) != 4 or not all(_SHA.match(sha) for sha in (parts[1], parts[3])):
            raise InputError(
                f"pre-push input line {number}: expected "
                f"'<local ref> <local sha> <remote ref> <remote sha>', got {line[:80]!r}"
            )
        updates.append(RefUpdate(*parts))
    return tuple(updates)


def hook_sources(
    root: Path, env: Mapping[str, str], pre_push_remote: str | None, stdin: TextIO
) -> tuple[list[DiffSource], list[str]]:
    """The changes to check (pushed ranges at the push stage, else the staged change), and notes.

    A new branch or an empty remote gets a base from ``source.pushed_range``, never the whole
    history; the notes say which base was chosen.
    """
    if pre_push_remote is not None:
        updates = parse_ref_updates(stdin.read())
        return _pushed(
            source.pushed_range(root, u.local_sha, u.remote_sha, pre_push_remote, u.local_ref)
            for u in updates
        )
    from_ref, to_ref = env.get("PRE_COMMIT_FROM_REF"), env.get("PRE_COMMIT_TO_REF")
    if from_ref and to_ref:
        return [DiffSource("range", base=from_ref, head=to_ref)], []
    local_branch, remote = env.get("PRE_COMMIT_LOCAL_BRANCH"), env.get("PRE_COMMIT_REMOTE_NAME")
    if remote and local_branch:
        # pre-commit passes no refs when the remote has none of the branch's history
        sha = source.resolve(root, local_branch)
        zero = "0" * len(sha)
        return _pushed([source.pushed_range(root, sha, zero, remote, local_branch)])
    return [DiffSource("staged")], []


def _pushed(found: Iterable[source.Pushed]) -> tuple[list[DiffSource], list[str]]:
    pushes = list(found)
    return [s for p in pushes for s in p.sources], [p.note for p in pushes if p.note]


def interactive(config: Config, budget_overridden: bool) -> Config:
    """The config for a hook run: the ``precommit:`` budget unless ``--budget`` was given."""
    return config if budget_overridden else config.with_budget(config.precommit.budget_usd)


def check(
    root: Path,
    sources: Sequence[DiffSource],
    config: Config,
    hook: HookRun,
    env: Mapping[str, str],
) -> int:
    """Run the pipeline on each change, print compactly, and decide: 1 only on blocking findings."""
    if not sources:
        print("hunkroute: nothing new to check", file=hook.err)
        return PASSED
    code = PASSED
    for wanted in sources:
        code = max(code, _check_one(root, wanted, config, hook, env))
    return code


def _check_one(
    root: Path, wanted: DiffSource, config: Config, hook: HookRun, env: Mapping[str, str]
) -> int:
    started = hook.clock()
    loaded = source.load(wanted, root)
    if wanted.kind != "staged":  # a push: say which commits were looked at
        print(f"hunkroute: checking {loaded.origin}", file=hook.err)
    if not loaded.data.strip():
        print(f"hunkroute: nothing to check in {loaded.origin}", file=hook.err)
        return PASSED
    options = pipeline.RunOptions(offline=hook.offline, interactive=True)
    report = pipeline.run(loaded, config, options, env)
    hook.out.write(compact.render(report, hook.color))
    hook.out.flush()
    for line in compact.closing_lines(report, hook.clock() - started, not hook.offline):
        print(line, file=hook.err)
    return BLOCKING if report.blocking else PASSED


def command(options: CliOptions) -> int:
    """The hook's entry: the staged change, or the pushed range ``--pre-push`` names."""
    root = git_root()
    config = interactive(options_config(options, root), options.budget is not None)
    sources, notes = hook_sources(root, os.environ, options.pre_push, sys.stdin)
    for note in notes:
        print(f"hunkroute: {note}", file=sys.stderr)
    hook = HookRun(options.offline, use_color(sys.stdout), sys.stdout, sys.stderr, time.monotonic)
    return check(root, sources, config, hook, os.environ)
