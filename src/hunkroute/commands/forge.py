"""The review flow every forge command shares: load the diff → run → post → write → exit code.

``github`` and ``gitlab`` only build the forge's pieces (``forges.interface``), read the trusted
config from the request's base (``trusted``, issue 11) and call ``execute``. Posting never
decides whether the findings survive: whatever the forge answers, they are in the summary, the
files and the exit code.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from hunkroute import pipeline
from hunkroute.commands.ledgering import ledger_access, lessons_from
from hunkroute.commands.output import summary_line
from hunkroute.config import Config
from hunkroute.config.trusted import Revision, Trusted, change_notes, pr_changes, read_trusted
from hunkroute.diff import unified
from hunkroute.diff.source import LoadedDiff, WorkTree
from hunkroute.errorhandler import exit_code_for
from hunkroute.errors import ConfigError
from hunkroute.forges.interface import ChangeRequest, DiffLoader, Outputs, Poster
from hunkroute.model import Report
from hunkroute.report import markdown


@dataclass(frozen=True, slots=True)
class ForgeJob:
    """One request on one forge, and the pieces that talk to it."""

    request: ChangeRequest
    diff: DiffLoader
    poster: Poster
    outputs: Outputs
    root: Path | None  # the checkout, when there is one
    offline: bool = False  # static gates only (e.g. a fork MR: its keys are not ours to spend)
    trusted: Trusted | None = None  # the base's config files: the gates read theirs from it


def run_options(request: ChangeRequest, offline: bool = False) -> pipeline.RunOptions:
    """The title and the description are classification signals; (repository, number) keys
    the PR's budget."""
    return pipeline.RunOptions(
        title=request.title,
        description=request.description,
        branch=request.head_ref,
        offline=offline,
        repo=request.repository,
        pr=request.number,
        head_sha=request.head_sha,
    )


def execute(job: ForgeJob, config: Config, env: Mapping[str, str]) -> int:
    """The whole flow; returns the exit code of ``errorhandler.exit_code_for``."""
    loaded = job.diff.load(job.root)
    if job.trusted is not None:
        loaded = replace(loaded, gate_configs=WorkTree(job.trusted.folder))
    with ledger_access(config, env, job.offline) as ledger:
        options = run_options(job.request, job.offline)
        lessons = lessons_from(ledger, config)
        report = pipeline.run(loaded, config, options, env, ledger=ledger, lessons=lessons)
    if job.trusted is not None:
        report = with_change_notes(report, loaded, config, job.trusted)
    report, summary = publish(job.poster, report)
    job.outputs.write(report, summary)
    code = exit_code_for(report, config.fail_closed)
    summary_line(report, code)
    return code


@contextmanager
def trusted(base: Revision, chosen: str | None, cwd: Path, root: Path | None,
            base_sha: str) -> Iterator[Trusted]:  # fmt: skip
    """The config ``chosen`` (the ``config`` input / ``HUNKROUTE_CONFIG``, else a default name)
    and all it relies on, read from the request's base into a private folder for the run."""
    name, outside = config_name(chosen, cwd, root or cwd)
    with tempfile.TemporaryDirectory(prefix="hunkroute-base-") as folder:
        yield read_trusted(base, name, Path(folder), base_sha, outside)


def config_name(chosen: str | None, cwd: Path, root: Path) -> tuple[str | None, Path | None]:
    """A repository path (read at the base), or a file outside the repository (the runner's,
    not the request's: read as it is)."""
    if not chosen:
        return None, None
    path = (cwd / chosen).resolve()
    if path.is_relative_to(root.resolve()):
        return path.relative_to(root.resolve()).as_posix(), None
    if not path.is_file():
        raise ConfigError(f"{chosen}: config file not found")
    return None, path


def with_change_notes(
    report: Report, loaded: LoadedDiff, config: Config, trusted: Trusted
) -> Report:
    """A note (and a note finding on the file) for each trusted file the request changed."""
    changes = unified.parse(unified.decode(loaded.data), config.files, loaded.origin)
    changed = pr_changes(trusted, changes)
    notes = report.notes + change_notes(changed)
    return replace(report, findings=report.findings + changed, notes=notes)


def publish(poster: Poster, report: Report) -> tuple[Report, str]:
    """Post, then fold what posting said into the report and render the summary."""
    result = poster.post(report)
    notes = report.notes + result.notes
    report = replace(report, problems=report.problems + result.problems, notes=notes)
    summary = markdown.render(report, replace(result, problems=(), notes=()))
    sticky = poster.post_summary(summary, result)
    return replace(report, notes=report.notes + sticky), summary
