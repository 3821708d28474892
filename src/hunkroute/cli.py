"""The command line: flags into checked ``CliOptions``, then the chosen command's module.

Each command lives in ``commands/`` and is imported only when it runs, so that ``--help`` and
``--version`` stay fast. ``errorhandler.guarded`` turns every error into its exit code.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from hunkroute import __version__
from hunkroute.commands.options import CliOptions
from hunkroute.errorhandler import guarded
from hunkroute.errors import UsageError
from hunkroute.report import NAMES as SINK_NAMES

DESCRIPTION = (
    "Review a pull request's diff before it merges: each hunk goes to the cheapest AI model"
    " good enough for it within a hard budget, and every suggestion must pass ruff, bandit"
    " and semgrep before you see it."
)
RUN_FORMATS = SINK_NAMES
PLAN_FORMATS = ("text", "json")
STATS_FORMATS = ("text", "json", "markdown")  # report/stats.py RENDERS, kept equal by a test


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit code 2 through ``UsageError``."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _add_input_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("input (default: working tree against the upstream branch)")
    group.add_argument(
        "--diff", metavar="FILE", help="read a unified diff from FILE ('-' for stdin)"
    )
    group.add_argument("--base", metavar="REV", help="diff BASE...HEAD (merge-base, like a PR)")
    group.add_argument("--head", metavar="REV", help="the head revision for --base (default HEAD)")
    group.add_argument(
        "--staged", action="store_true", help="the staged change (git diff --cached)"
    )
    parser.add_argument("--budget", type=float, metavar="USD", help="hard budget for this run")
    parser.add_argument(
        "--title",
        help="the PR title: a classification signal (default: the subjects of the commits that "
        "changed each file, for a git change)",
    )
    parser.add_argument(
        "--description",
        help="the PR description: an advisory id in it (CVE-…, GHSA-…) marks a security fix "
        "(default: the bodies of the commits that changed each file, for a git change)",
    )
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE, not stdout")


def _add_precommit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offline", action="store_true", help="static gates only: no model, no cost"
    )
    parser.add_argument(
        "--budget", type=float, metavar="USD", help="budget (default precommit.budget_usd)"
    )
    parser.add_argument(
        "--pre-push",
        metavar="REMOTE",
        help="check what a push to REMOTE brings (refs on stdin, as git gives them)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hunkroute", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"hunkroute {__version__}")
    common = _Parser(add_help=False)
    common.add_argument("--config", metavar="PATH", help="config file (default hunkroute.yaml)")
    common.add_argument("-v", "--verbose", action="count", default=0, help="more log lines")
    common.add_argument("-q", "--quiet", action="count", default=0, help="fewer log lines")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    run = commands.add_parser("run", parents=[common], help="review a change and report")
    _add_input_flags(run)
    run.add_argument("--offline", action="store_true", help="no model calls: static gates only")
    run.add_argument("--format", choices=RUN_FORMATS, default="text")
    run.add_argument("--fail-on", choices=("error", "warning", "never"))
    plan = commands.add_parser("plan", parents=[common], help="show routes and costs, call nothing")
    _add_input_flags(plan)
    plan.add_argument("--format", choices=PLAN_FORMATS, default="text")
    commands.add_parser("github", parents=[common], help="run inside GitHub Actions and post")
    commands.add_parser("gitlab", parents=[common], help="run in a GitLab CI MR pipeline and post")
    precommit = commands.add_parser("precommit", parents=[common], help="check a commit or push")
    _add_precommit(precommit)
    init = commands.add_parser("init", parents=[common], help="write a starter hunkroute.yaml")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.add_argument(
        "--hooks", action="store_true", help="install the git hooks of hooks/ instead"
    )
    stats = commands.add_parser("stats", parents=[common], help="where the money went (ledger)")
    stats.add_argument("--ledger", metavar="URL", help="sqlite:///PATH or postgresql://…")
    stats.add_argument("--since", metavar="YYYY-MM-DD", help="only runs and calls from this day")
    stats.add_argument("--format", choices=STATS_FORMATS, default="text")
    stats.add_argument("--output", metavar="FILE", help="write to FILE, not stdout")
    return parser


def parse_args(argv: Sequence[str]) -> CliOptions:
    """Flags → ``CliOptions``, with the checks argparse cannot express."""
    ns = build_parser().parse_args(argv)
    if ns.command is None:
        raise UsageError(f"a command is required: {', '.join(COMMANDS)}")
    options = CliOptions(
        command=ns.command,
        config=ns.config,
        diff=getattr(ns, "diff", None),
        base=getattr(ns, "base", None),
        head=getattr(ns, "head", None),
        staged=getattr(ns, "staged", False),
        budget=getattr(ns, "budget", None),
        offline=getattr(ns, "offline", False),
        format=getattr(ns, "format", "text"),
        output=getattr(ns, "output", None),
        fail_on=getattr(ns, "fail_on", None),
        title=getattr(ns, "title", None),
        description=getattr(ns, "description", None),
        force=getattr(ns, "force", False),
        verbosity=ns.verbose - ns.quiet,
        hooks=getattr(ns, "hooks", False),
        pre_push=getattr(ns, "pre_push", None),
        ledger=getattr(ns, "ledger", None),
        since=getattr(ns, "since", None),
    )
    _check(options)
    return options


def _check(options: CliOptions) -> None:
    chosen = [f for f, on in (("--diff", options.diff), ("--base", options.base),
                              ("--staged", options.staged)) if on]  # fmt: skip
    if len(chosen) > 1:
        raise UsageError(f"choose one input: {' and '.join(chosen)} cannot be combined")
    if options.head and not options.base:
        raise UsageError("--head needs --base")
    if options.budget is not None and not options.budget >= 0:
        raise UsageError(f"--budget must be a number >= 0, got {options.budget}")


def _run(options: CliOptions) -> int:
    from hunkroute.commands import run

    return run.command(options)


def _plan(options: CliOptions) -> int:
    from hunkroute.commands import plan

    return plan.command(options)


def _github(options: CliOptions) -> int:
    from hunkroute.commands import github

    return github.command(options.config)


def _gitlab(options: CliOptions) -> int:
    from hunkroute.commands import gitlab

    return gitlab.command(options.config)


def _precommit(options: CliOptions) -> int:
    from hunkroute.commands import precommit

    return precommit.command(options)


def _init(options: CliOptions) -> int:
    from hunkroute.commands import init

    return init.command(options)


def _stats(options: CliOptions) -> int:
    from hunkroute.commands import stats

    return stats.command(options)


COMMANDS: dict[str, Callable[[CliOptions], int]] = {
    "run": _run,
    "plan": _plan,
    "github": _github,
    "gitlab": _gitlab,
    "precommit": _precommit,
    "init": _init,
    "stats": _stats,
}


def configure_logging(verbosity: int) -> None:
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(
        verbosity, logging.DEBUG if verbosity > 1 else logging.ERROR
    )
    logger = logging.getLogger("hunkroute")
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("hunkroute: %(levelname)s: %(message)s"))
        logger.addHandler(handler)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    """The console script and ``python -m hunkroute``."""
    args = list(sys.argv[1:] if argv is None else argv)

    def body() -> int:
        try:
            options = parse_args(args)
        except SystemExit as exc:  # --help and --version end here, successfully
            return int(exc.code or 0)
        configure_logging(options.verbosity)
        return COMMANDS[options.command](options)

    return guarded(body)
