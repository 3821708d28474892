"""Command line: parse → build → execute.

argparse fills a frozen ``CliOptions``; cross-flag checks raise ``UsageError`` (exit 2); each
subcommand is a small function returning an exit code. Heavy modules are imported inside the
commands so that ``hunkroute --version`` stays fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NoReturn

from hunkroute import __version__
from hunkroute.errorhandler import guarded
from hunkroute.errors import UsageError
from hunkroute.report import NAMES as SINK_NAMES

if TYPE_CHECKING:
    from hunkroute.config import Config
    from hunkroute.source import DiffSource

RUN_FORMATS = SINK_NAMES
PLAN_FORMATS = ("text", "json")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line and exit code 2 through ``UsageError``."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


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
    fail_on: Literal["error", "warning", "never"] | None = None
    title: str = ""
    force: bool = False
    verbosity: int = 0
    hooks: bool = False
    pre_push: str | None = None


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
    parser.add_argument("--title", default="", help="the PR title: a classification signal")
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
    parser = _Parser(prog="hunkroute", description=__doc__.splitlines()[0] if __doc__ else None)
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
    precommit = commands.add_parser("precommit", parents=[common], help="check a commit or push")
    _add_precommit(precommit)
    init = commands.add_parser("init", parents=[common], help="write a starter hunkroute.yaml")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.add_argument(
        "--hooks", action="store_true", help="install the git hooks of hooks/ instead"
    )
    return parser


def parse_args(argv: Sequence[str]) -> CliOptions:
    """Flags → ``CliOptions``, with the checks argparse cannot express."""
    ns = build_parser().parse_args(argv)
    if ns.command is None:
        raise UsageError("a command is required: run, plan, github, precommit or init")
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
        title=getattr(ns, "title", ""),
        force=getattr(ns, "force", False),
        verbosity=ns.verbose - ns.quiet,
        hooks=getattr(ns, "hooks", False),
        pre_push=getattr(ns, "pre_push", None),
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


def diff_source(options: CliOptions) -> DiffSource:
    from hunkroute.source import DiffSource

    if options.diff:
        return DiffSource("file", path=options.diff)
    if options.base:
        return DiffSource("range", base=options.base, head=options.head)
    if options.staged:
        return DiffSource("staged")
    return DiffSource("upstream")


def build_config(options: CliOptions, cwd: Path) -> Config:
    from hunkroute import config as configmod
    from hunkroute.source import repo_root

    root = repo_root(cwd) or cwd
    config = configmod.load(configmod.find_config(options.config, root))
    if options.budget is not None:
        config = config.with_budget(options.budget)
    if options.fail_on is not None:
        config = replace(config, fail_on=options.fail_on)
    cache_dir = os.environ.get("HUNKROUTE_CACHE_DIR")
    return replace(config, cache_dir=cache_dir) if cache_dir else config


def use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def emit(text: str, output: str | None) -> None:
    """Write the report; if the file cannot be written, print it instead and say so."""
    if output is None:
        sys.stdout.write(text)
        return
    from hunkroute.cache import atomic_write
    from hunkroute.errors import InputError

    target = Path(output)
    try:
        if target.exists() and not target.is_file():
            # /dev/stdout, a FIFO: write in place; renaming over them would replace the device
            with open(target, "w", encoding="utf-8") as stream:
                stream.write(text)
        else:
            atomic_write(target, text)
    except OSError as exc:
        sys.stdout.write(text)
        raise InputError(
            f"{output}: cannot write report ({exc.strerror or exc}); printed it instead"
        ) from exc


def command_run(options: CliOptions) -> int:
    from hunkroute import pipeline, source
    from hunkroute.errorhandler import exit_code_for
    from hunkroute.report import sinks

    cwd = Path.cwd()
    config = build_config(options, cwd)
    wanted = diff_source(options)
    loaded = source.load(wanted, cwd)
    if wanted.kind == "upstream":  # the user named no range: say which one was chosen
        print(f"hunkroute: checking {loaded.origin}", file=sys.stderr)
    run_options = pipeline.RunOptions(title=options.title, offline=options.offline)
    progress = progress_line if sys.stderr.isatty() else None
    report = pipeline.run(loaded, config, run_options, os.environ, progress=progress)
    color = options.output is None and use_color(sys.stdout)
    emit(sinks()[options.format](report, color), options.output)
    code = exit_code_for(report, config.fail_closed)
    _summary(report, code)
    return code


def progress_line(done: int, total: int) -> None:
    """A self-overwriting progress line for a terminal; erased when the round is done."""
    end = "\r\033[K" if done >= total else ""
    sys.stderr.write(f"\r\033[Khunkroute: model requests {done}/{total}{end}")
    sys.stderr.flush()


def _summary(report: object, code: int) -> None:
    """The last stderr line; an outage is never silent, even when fallbacks covered it."""
    from hunkroute.model import Report
    from hunkroute.report.text import money

    assert isinstance(report, Report)
    verdict = {0: "passed", 1: "blocked", 4: "failed closed"}.get(code, "done")
    covered = [n for n in report.notes if "fallback models reviewed" in n]
    problems = (
        f" · {len(report.problems)} problem(s): {report.problems[0]}"
        if report.problems
        else (f" · {covered[0]}" if covered else "")
    )
    print(
        f"hunkroute: {verdict} · {len(report.findings)} finding(s), {len(report.blocking)} blocking"
        f" · spent {money(report.spent_nano)} of {money(report.budget_nano)}{problems}",
        file=sys.stderr,
    )


def command_plan(options: CliOptions) -> int:
    from hunkroute import pipeline, source
    from hunkroute.report import jsonreport, text

    cwd = Path.cwd()
    config = build_config(options, cwd)
    loaded = source.load(diff_source(options), cwd)
    run_options = pipeline.RunOptions(title=options.title)
    prepared = pipeline.prepare(loaded, config, run_options, os.environ, for_plan_only=True)
    if options.format == "json":
        import json

        data = jsonreport.plan_to_dict(prepared.items, prepared.plan, prepared.notes)
        rendered = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        color = options.output is None and use_color(sys.stdout)
        rendered = text.render_plan(prepared.items, prepared.plan, prepared.notes, color)
    emit(rendered, options.output)
    return 0


def command_init(options: CliOptions) -> int:
    from hunkroute.starter import write_starter

    if options.hooks:
        return command_init_hooks(options)

    path = write_starter(Path(options.config or "hunkroute.yaml"), force=options.force)
    print(
        f"hunkroute: wrote {path}; edit providers and budget_usd, then run 'hunkroute plan'",
        file=sys.stderr,
    )
    return 0


# --- precommit and init --hooks (issue 6) ---------------------------------------------------


def _git_root() -> Path:
    from hunkroute.source import repo_root

    root = repo_root(Path.cwd())
    if root is None:
        raise UsageError(f"{Path.cwd()}: not inside a git repository")
    return root


def command_precommit(options: CliOptions) -> int:
    import time

    from hunkroute import precommit

    root = _git_root()
    config = precommit.interactive(build_config(options, root), options.budget is not None)
    sources = precommit.hook_sources(root, os.environ, options.pre_push, sys.stdin)
    hook = precommit.HookRun(
        options.offline, use_color(sys.stdout), sys.stdout, sys.stderr, time.monotonic
    )
    return precommit.check(root, sources, config, hook, os.environ)


def command_init_hooks(options: CliOptions) -> int:
    from hunkroute import hookinstall

    folder, written = hookinstall.install(_git_root(), sys.executable, options.force)
    names = ", ".join(p.name for p in written)
    print(
        f"hunkroute: installed {names} in {folder} (runs {sys.executable} -m hunkroute);"
        " skip once with 'git commit --no-verify' or 'git push --no-verify'",
        file=sys.stderr,
    )
    return 0


# --- end of issue 6 ---------------------------------------------------------------------------


# --- github command (issue 5): the body lives in ghaction.py ---
def command_github(options: CliOptions) -> int:
    from hunkroute.ghaction import command

    return command(options.config)


# --- end github command ---


COMMANDS = {
    "run": command_run,
    "plan": command_plan,
    "init": command_init,
    "github": command_github,
    "precommit": command_precommit,
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
