"""What every command shares: the checked flags, the diff source they name, the config they load.

``build_config`` is the one way a command turns a config path and the flag overrides into a
``Config``: ``run``, ``plan``, ``precommit`` and the forge commands all call it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from hunkroute import config as configmod
from hunkroute.config import Config
from hunkroute.diff.source import DiffSource, repo_root
from hunkroute.errors import UsageError

FailOn = Literal["error", "warning", "never"]


@dataclass(frozen=True, slots=True)
class CliOptions:
    """Everything the flags said, checked for consistency."""

    command: str
    config: str | None = None
    diff: str | None = None
    base: str | None = None
    head: str | None = None
    staged: bool = False
    budget: float | None = None
    offline: bool = False
    format: str = "text"
    output: str | None = None
    fail_on: FailOn | None = None
    title: str | None = None  # None: what the commits say (``pipeline.RunOptions``)
    description: str | None = None
    force: bool = False
    verbosity: int = 0
    hooks: bool = False
    pre_push: str | None = None
    ledger: str | None = None  # ``stats --ledger``
    since: str | None = None  # ``stats --since``, checked by the command


def diff_source(options: CliOptions) -> DiffSource:
    """The change the flags name; none of them means the working tree against the upstream."""
    if options.diff:
        return DiffSource("file", path=options.diff)
    if options.base:
        return DiffSource("range", base=options.base, head=options.head)
    if options.staged:
        return DiffSource("staged")
    return DiffSource("upstream")


def build_config(
    config_path: str | None,
    cwd: Path,
    *,
    budget: float | None = None,
    fail_on: FailOn | None = None,
) -> Config:
    """Load the config found from ``cwd`` (or named), then apply the command's overrides."""
    root = repo_root(cwd) or cwd
    config = configmod.load(configmod.find_config(config_path, root))
    return with_overrides(config, budget=budget, fail_on=fail_on)


def with_overrides(
    config: Config, *, budget: float | None = None, fail_on: FailOn | None = None
) -> Config:
    """The command's overrides (flags, action inputs, ``HUNKROUTE_CACHE_DIR``) on a config."""
    if budget is not None:
        config = config.with_budget(budget)
    if fail_on is not None:
        config = replace(config, fail_on=fail_on)
    cache_dir = os.environ.get("HUNKROUTE_CACHE_DIR")
    return replace(config, cache_dir=cache_dir) if cache_dir else config


def options_config(options: CliOptions, cwd: Path) -> Config:
    """``build_config`` with the overrides the flags gave."""
    return build_config(options.config, cwd, budget=options.budget, fail_on=options.fail_on)


def git_root() -> Path:
    """The repository the command runs in; outside one is a usage mistake."""
    root = repo_root(Path.cwd())
    if root is None:
        raise UsageError(f"{Path.cwd()}: not inside a git repository")
    return root
