"""``hunkroute github``: inside GitHub Actions, review the pull request and post the result.

Read the event → get the PR diff (``forges/github/diff.py``: local git, else the API)
→ the same pipeline as ``run`` → post (review, check run or annotations) → always write the job
summary, the step outputs, the JSON report and a SARIF file. This module builds GitHub's pieces
of the forge interface; ``commands/forge.py`` runs the flow every forge shares.
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from hunkroute.commands import forge
from hunkroute.commands.options import with_overrides
from hunkroute.config import Config
from hunkroute.config.trusted import Revision
from hunkroute.diff import source
from hunkroute.errors import GitHubError
from hunkroute.forges.github import review as posting
from hunkroute.forges.github.client import GitHubApiError, GitHubClient
from hunkroute.forges.github.contents import GitHubRevision
from hunkroute.forges.github.diff import GitHubDiff
from hunkroute.forges.github.event import (
    PostMode,
    PullRequestEvent,
    Settings,
    read_event,
    read_settings,
)
from hunkroute.model import Report, nano_to_usd
from hunkroute.report import jsonreport, markdown, sarif, workflow
from hunkroute.report.comments import Posting, Unposted


def choose_mode(requested: PostMode, event: PullRequestEvent, token: str) -> tuple[str, str]:
    """The channel to post to, and a note when ``auto`` had to settle for annotations."""
    if requested != "auto":
        return requested, ""
    if not token:
        return "annotations", "no GitHub token: findings posted as annotations, not a review"
    if event.fork and event.name == "pull_request":
        return "annotations", (
            "fork PR: GitHub gives it a read-only token and no secrets, so hunkroute ran "
            "without the models whose keys are missing and posted annotations, not a review"
        )
    return "review", ""


def annotate(report: Report) -> Posting:
    """Print workflow-command annotations; the runner shows 10 per type, the rest are counted."""
    shown = workflow.shown(report.findings)
    sys.stdout.write(workflow.render(report, summary=True))
    reason = "over GitHub's 10 annotations per type and step"
    return Posting(
        "annotations",
        posted=len(shown.lines),
        unposted=tuple(Unposted(f, reason) for f in shown.hidden),
    )


def deliver(
    client: GitHubClient,
    pr: posting.PullRequest,
    report: Report,
    config: Config,
    mode: str,
    strict: bool,
    pause: Callable[[float], None],
) -> Posting:
    """Post where ``mode`` says; on any GitHub failure fall back to annotations and say why."""
    options = posting.PostOptions(
        "checks" if mode == "checks" else "review",
        config.github.comment_min_severity,
        config.limits.max_comments,
    )
    try:
        if mode == "review":
            return posting.post_review(client, pr, report, options, pause)
        if mode == "checks":
            return posting.post_checks(client, pr, report, options, markdown.render(report))
    except GitHubError as exc:
        fallback = annotate(report)
        denied = isinstance(exc, GitHubApiError) and exc.status == 403
        why = f"could not post the {mode} ({exc}); findings are annotations and in this summary"
        if denied and not strict:
            return replace(fallback, notes=(why + "; grant 'pull-requests: write'",))
        return replace(fallback, problems=(why,))
    return annotate(report)


def _sticky(client: GitHubClient, pr: posting.PullRequest, summary: str) -> tuple[str, ...]:
    try:
        posting.upsert_summary_comment(client, pr, summary)
    except GitHubError as exc:
        return (f"could not update the summary comment ({exc})",)
    return ()


def write_files(report: Report, summary: str, settings: Settings, env: Mapping[str, str]) -> None:
    """The JSON report, the SARIF file, the job summary and the step outputs."""
    folder = settings.output_dir
    folder.mkdir(parents=True, exist_ok=True)
    report_path, sarif_path = folder / "hunkroute-report.json", folder / "hunkroute.sarif"
    report_path.write_text(jsonreport.render(report), encoding="utf-8")
    sarif_path.write_text(sarif.render(report), encoding="utf-8")
    if env.get("GITHUB_STEP_SUMMARY"):
        with open(env["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
            out.write(summary)
    outputs = {
        "spent-usd": f"{nano_to_usd(report.spent_nano):.6f}",
        "findings": str(len(report.findings)),
        "blocking": str(len(report.blocking)),
        "report": str(report_path.resolve()),
        "sarif": str(sarif_path.resolve()),
    }
    if env.get("GITHUB_OUTPUT"):
        with open(env["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
            for name, value in outputs.items():
                delimiter = f"ghadelimiter_{uuid.uuid4()}"  # as actions/toolkit does
                out.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def _config(config: Config, settings: Settings) -> Config:
    config = with_overrides(config, budget=settings.budget, fail_on=settings.fail_on)
    if settings.max_comments is not None:
        config = replace(config, limits=replace(config.limits, max_comments=settings.max_comments))
    if settings.summary_comment is not None:
        github = replace(config.github, summary_comment=settings.summary_comment)
        config = replace(config, github=github)
    return config


@dataclass(frozen=True, slots=True)
class GitHubPoster:
    """A review, a check run or annotations (``choose_mode``), and the optional sticky comment."""

    client: GitHubClient
    event: PullRequestEvent
    config: Config
    settings: Settings
    token: str
    sleep: Callable[[float], None]

    @property
    def pr(self) -> posting.PullRequest:
        return posting.PullRequest(self.event.repository, self.event.number, self.event.head_sha)

    def post(self, report: Report) -> Posting:
        mode, note = choose_mode(self.settings.post, self.event, self.token)
        strict = self.settings.post != "auto"
        result = deliver(self.client, self.pr, report, self.config, mode, strict, self.sleep)
        return replace(result, notes=((note,) if note else ()) + result.notes)

    def post_summary(self, summary: str, result: Posting) -> tuple[str, ...]:
        if self.config.github.summary_comment and result.channel != "annotations":
            return _sticky(self.client, self.pr, summary)
        return ()


@dataclass(frozen=True, slots=True)
class GitHubOutputs:
    """``write_files`` as the flow's ``Outputs``."""

    settings: Settings
    env: Mapping[str, str]

    def write(self, report: Report, summary: str) -> None:
        write_files(report, summary, self.settings, self.env)


def command(
    config_path: str | None,
    *,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """The whole ``github`` command; returns the exit code of ``errorhandler.exit_code_for``."""
    env = os.environ
    event = read_event(env)
    cwd = Path(env.get("GITHUB_WORKSPACE") or Path.cwd())
    settings = read_settings(env, Path(env.get("RUNNER_TEMP") or cwd) / "hunkroute")
    token = env.get("GITHUB_TOKEN", "")
    api = env.get("GITHUB_API_URL") or "https://api.github.com"
    client = GitHubClient(api, token, transport=transport, sleep=sleep)
    root = source.repo_root(cwd)
    chosen = config_path or env.get("HUNKROUTE_CONFIG")
    try:
        base = base_revision(event, root, client)
        with forge.trusted(base, chosen, cwd, root, event.base_sha) as trusted:
            config = _config(trusted.config, settings)
            poster = GitHubPoster(client, event, config, settings, token, sleep)
            outputs = GitHubOutputs(settings, env)
            job = forge.ForgeJob(event, GitHubDiff(event, client), poster, outputs, root,
                                 trusted=trusted)  # fmt: skip
            return forge.execute(job, config, env)
    finally:
        client.close()


def base_revision(event: PullRequestEvent, root: Path | None, client: GitHubClient) -> Revision:
    """The PR's base commit: git objects when the checkout has it, else the contents API."""
    if root is not None and source.has_commits(root, event.base_sha):
        return source.GitObjects(root, event.base_sha)
    return GitHubRevision(client, event.repository, event.base_sha)
