"""What a GitLab CI merge-request pipeline tells a job: its ``CI_*`` variables.

GitLab FACTS.md "The job": a merge-request pipeline sets ``CI_MERGE_REQUEST_*`` beside the
project's variables. A job outside GitLab CI, or in a branch pipeline, is a usage mistake; a
missing variable is named in one line (exit 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hunkroute.errors import InputError, UsageError

REQUIRED = (
    "CI_API_V4_URL",
    "CI_PROJECT_ID",
    "CI_MERGE_REQUEST_DIFF_BASE_SHA",
    "CI_COMMIT_SHA",
)
MR_RULE = 'rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event"'


@dataclass(frozen=True, slots=True)
class MergeRequestEvent:
    """The merge request behind this pipeline (a ``forges.interface.ChangeRequest``)."""

    api_url: str
    project_id: str
    repository: str  # the project's path (group/name); with ``number`` the MR's budget key
    number: int  # the MR iid
    title: str
    description: str  # CI_MERGE_REQUEST_DESCRIPTION: GitLab keeps its first 2,700 characters
    base_sha: str  # the merge base (CI_MERGE_REQUEST_DIFF_BASE_SHA)
    head_sha: str
    head_ref: str
    fork: bool
    project_dir: Path


def read_event(env: Mapping[str, str], cwd: Path) -> MergeRequestEvent:
    """The merge request of this pipeline; exit 2 outside one, naming what is missing."""
    if env.get("GITLAB_CI") != "true":
        raise UsageError(
            "'hunkroute gitlab' runs inside GitLab CI (GITLAB_CI not set); "
            "elsewhere use 'hunkroute run'"
        )
    iid = env.get("CI_MERGE_REQUEST_IID", "")
    if not iid:
        raise UsageError(
            "not a merge-request pipeline (CI_MERGE_REQUEST_IID not set): "
            f"run the job with {MR_RULE}"
        )
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise InputError(f"GitLab CI did not set {', '.join(missing)}: cannot find the MR's diff")
    project = env["CI_PROJECT_ID"]
    target = env.get("CI_MERGE_REQUEST_PROJECT_ID") or project
    source = env.get("CI_MERGE_REQUEST_SOURCE_PROJECT_ID") or target
    return MergeRequestEvent(
        api_url=env["CI_API_V4_URL"],
        project_id=project,
        repository=env.get("CI_PROJECT_PATH") or project,
        number=_iid(iid),
        title=env.get("CI_MERGE_REQUEST_TITLE", ""),
        description=env.get("CI_MERGE_REQUEST_DESCRIPTION", ""),
        base_sha=env["CI_MERGE_REQUEST_DIFF_BASE_SHA"],
        head_sha=env["CI_COMMIT_SHA"],
        head_ref=env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", ""),
        fork=source != target,
        project_dir=Path(env.get("CI_PROJECT_DIR") or cwd),
    )


def _iid(text: str) -> int:
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise InputError(f"CI_MERGE_REQUEST_IID is not a positive number: {text!r}")
