"""``hunkroute gitlab``: inside a GitLab CI merge-request pipeline, review the MR and post.

Read the ``CI_*`` variables → the MR diff (local git, fetching what a shallow clone lacks, else
the API) → the same pipeline as ``run`` → one thread per finding and a sticky summary note →
always write ``gl-code-quality-report.json``, ``hunkroute-report.json`` and the Markdown
summary in ``CI_PROJECT_DIR`` and print the text report to the job log. Without
``GITLAB_TOKEN``, or for a fork MR (whose pipeline has none of the project's secrets), nothing
is posted, only static gates run, and one stderr line says why. This module builds GitLab's
pieces of the forge interface; ``commands/forge.py`` runs the flow every forge shares.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from hunkroute.commands import forge
from hunkroute.commands.options import with_overrides
from hunkroute.config import Config
from hunkroute.config.trusted import Revision
from hunkroute.diff import source
from hunkroute.errors import GitLabError
from hunkroute.forges.gitlab import review
from hunkroute.forges.gitlab.client import GitLabClient
from hunkroute.forges.gitlab.contents import GitLabRevision
from hunkroute.forges.gitlab.diff import GitLabDiff
from hunkroute.forges.gitlab.event import MergeRequestEvent, read_event
from hunkroute.forges.interface import Poster
from hunkroute.model import Report
from hunkroute.models.cache import atomic_write
from hunkroute.report import codequality, jsonreport, text
from hunkroute.report.comments import Posting

CODE_QUALITY = "gl-code-quality-report.json"
JSON_REPORT = "hunkroute-report.json"
SUMMARY = "hunkroute-summary.md"


@dataclass(frozen=True, slots=True)
class GitLabPoster:
    """Threads on the MR's diff and one sticky summary note."""

    client: GitLabClient
    mr: review.MergeRequest
    config: Config
    sleep: Callable[[float], None]

    def post(self, report: Report) -> Posting:
        options = review.PostOptions(
            self.config.github.comment_min_severity, self.config.limits.max_comments
        )
        try:
            return review.post_discussions(self.client, self.mr, report, options, self.sleep)
        except GitLabError as exc:
            why = f"could not post the MR threads ({exc}); findings are in this summary"
            return Posting("threads", problems=(why + " and the Code Quality report",))

    def post_summary(self, summary: str, posting: Posting) -> tuple[str, ...]:
        try:
            review.upsert_summary_note(self.client, self.mr, summary)
        except GitLabError as exc:
            return (f"could not update the summary note ({exc})",)
        return ()


@dataclass(frozen=True, slots=True)
class NotPosting:
    """No token or a fork MR: nothing goes to GitLab, and the reason is said once."""

    reason: str

    def post(self, report: Report) -> Posting:
        return Posting("none", notes=(self.reason,))

    def post_summary(self, summary: str, posting: Posting) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class GitLabOutputs:
    """The Code Quality artifact, the JSON report and the summary in ``CI_PROJECT_DIR``; the log."""

    folder: Path

    def write(self, report: Report, summary: str) -> None:
        atomic_write(self.folder / CODE_QUALITY, codequality.render(report))
        atomic_write(self.folder / JSON_REPORT, jsonreport.render(report))
        atomic_write(self.folder / SUMMARY, summary)
        sys.stdout.write(text.render(report))


def why_not_posting(event: MergeRequestEvent, token: str) -> str | None:
    """Why this run posts nothing, or None when it posts."""
    if event.fork:
        return (
            "fork MR: its pipeline has none of the project's secrets, so hunkroute ran the "
            "static gates only and posted nothing (see the Code Quality report)"
        )
    if not token:
        return (
            "GITLAB_TOKEN is not set (a project access token with api scope: CI_JOB_TOKEN "
            "cannot post), so hunkroute ran the static gates only and posted nothing"
        )
    return None


def command(
    config_path: str | None,
    *,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """The whole ``gitlab`` command; returns the exit code of ``errorhandler.exit_code_for``."""
    env = os.environ
    event = read_event(env, Path.cwd())
    token = env.get("GITLAB_TOKEN", "")
    client = GitLabClient(event.api_url, token, transport=transport, sleep=sleep)
    root = source.repo_root(event.project_dir)
    chosen = config_path or env.get("HUNKROUTE_CONFIG")
    try:
        base = base_revision(event, root, client)
        with forge.trusted(base, chosen, event.project_dir, root, event.base_sha) as trusted:
            config = with_overrides(trusted.config)
            job = forge.ForgeJob(
                event,
                GitLabDiff(event, client),
                _poster(event, client, config, token, sleep),
                GitLabOutputs(event.project_dir),
                root,
                offline=why_not_posting(event, token) is not None,
                trusted=trusted,
            )
            return forge.execute(job, config, env)
    finally:
        client.close()


def _poster(
    event: MergeRequestEvent,
    client: GitLabClient,
    config: Config,
    token: str,
    sleep: Callable[[float], None],
) -> Poster:
    silent = why_not_posting(event, token)
    if silent is None:
        mr = review.MergeRequest(event.project_id, event.number)
        return GitLabPoster(client, mr, config, sleep)
    print(f"hunkroute: nothing posted to !{event.number}: {silent}", file=sys.stderr)
    return NotPosting(silent)


def base_revision(event: MergeRequestEvent, root: Path | None, client: GitLabClient) -> Revision:
    """The MR's base commit: git objects (fetched when a shallow clone lacks it), else the API."""
    if root is not None and (
        source.has_commits(root, event.base_sha) or source.fetch_commits(root, event.base_sha)
    ):
        return source.GitObjects(root, event.base_sha)
    return GitLabRevision(client, event.project_id, event.base_sha)
