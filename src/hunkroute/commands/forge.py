"""The review flow every forge command shares: load the diff → run → post → write → exit code.

``github`` and ``gitlab`` only build the forge's pieces (``forges.interface``) and call
``execute``. Posting never decides whether the findings survive: whatever the forge answers,
they are in the summary, the files and the exit code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from hunkroute import pipeline
from hunkroute.commands.ledgering import ledger_access
from hunkroute.commands.output import summary_line
from hunkroute.config import Config
from hunkroute.errorhandler import exit_code_for
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


def run_options(request: ChangeRequest, offline: bool = False) -> pipeline.RunOptions:
    """The title is a classification signal; (repository, number) keys the PR's budget."""
    return pipeline.RunOptions(
        title=request.title,
        branch=request.head_ref,
        offline=offline,
        repo=request.repository,
        pr=request.number,
        head_sha=request.head_sha,
    )


def execute(job: ForgeJob, config: Config, env: Mapping[str, str]) -> int:
    """The whole flow; returns the exit code of ``errorhandler.exit_code_for``."""
    loaded = job.diff.load(job.root)
    with ledger_access(config, env, job.offline) as ledger:
        options = run_options(job.request, job.offline)
        report = pipeline.run(loaded, config, options, env, ledger=ledger)
    report, summary = publish(job.poster, report)
    job.outputs.write(report, summary)
    code = exit_code_for(report, config.fail_closed)
    summary_line(report, code)
    return code


def publish(poster: Poster, report: Report) -> tuple[Report, str]:
    """Post, then fold what posting said into the report and render the summary."""
    result = poster.post(report)
    notes = report.notes + result.notes
    report = replace(report, problems=report.problems + result.problems, notes=notes)
    summary = markdown.render(report, replace(result, problems=(), notes=()))
    sticky = poster.post_summary(summary, result)
    return replace(report, notes=report.notes + sticky), summary
