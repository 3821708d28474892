"""A GitLab CI merge-request pipeline's variables, for the ``gitlab`` command's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.fake_gitlab import TOKEN


def gitlab_env(
    monkeypatch: pytest.MonkeyPatch,
    project_dir: Path,
    api: str,
    shas: tuple[str, str] = ("b" * 40, "h" * 40),
    token: str | None = TOKEN,
    **extra: str,
) -> None:
    """Set what GitLab sets for MR !7 of project 42 (``group/shop``); ``extra`` overrides."""
    values = {
        "GITLAB_CI": "true",
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "CI_API_V4_URL": api,
        "CI_PROJECT_ID": "42",
        "CI_PROJECT_PATH": "group/shop",
        "CI_PROJECT_DIR": str(project_dir),
        "CI_MERGE_REQUEST_IID": "7",
        "CI_MERGE_REQUEST_PROJECT_ID": "42",
        "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "42",
        "CI_MERGE_REQUEST_TITLE": "Fix rounding of totals",
        "CI_MERGE_REQUEST_DESCRIPTION": "Totals were a cent off (GHSA-xxxx in the next release).",
        "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "fix-rounding",
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": shas[0],
        "CI_COMMIT_SHA": shas[1],
        **extra,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    if token is not None:
        monkeypatch.setenv("GITLAB_TOKEN", token)
