"""What the GitHub Actions runner tells a step: the pull-request event and the action's inputs.

The event is read from ``GITHUB_EVENT_PATH`` (FACTS.md §2.5); the action's inputs arrive as
``HUNKROUTE_*`` environment variables, because a composite action passes inputs only through
``env:`` (never interpolated into a script). Anything wrong is one line and exit code 2.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from hunkroute.errors import InputError, UsageError

PR_EVENTS = ("pull_request", "pull_request_target")
PostMode = Literal["auto", "review", "checks", "annotations"]
FailOn = Literal["error", "warning", "never"]
N = TypeVar("N", int, float)


@dataclass(frozen=True, slots=True)
class PullRequestEvent:
    """The facts of the triggering pull request that hunkroute needs."""

    name: str
    repository: str
    number: int
    title: str
    description: str  # the PR body ("" when it has none)
    base_sha: str
    head_sha: str
    head_ref: str
    fork: bool


@dataclass(frozen=True, slots=True)
class Settings:
    """The action's inputs; ``None`` means "use the config file's value"."""

    post: PostMode = "auto"
    max_comments: int | None = None
    summary_comment: bool | None = None
    budget: float | None = None
    fail_on: FailOn | None = None
    output_dir: Path = Path(".hunkroute")


def read_event(env: Mapping[str, str]) -> PullRequestEvent:
    """The pull request behind this workflow run; exit 2 outside Actions or on another event."""
    path = env.get("GITHUB_EVENT_PATH", "")
    if env.get("GITHUB_ACTIONS") != "true" or not path:
        raise UsageError(
            "'hunkroute github' runs inside GitHub Actions (GITHUB_ACTIONS/GITHUB_EVENT_PATH "
            "not set); elsewhere use 'hunkroute run'"
        )
    name = env.get("GITHUB_EVENT_NAME", "")
    if name not in PR_EVENTS:
        raise UsageError(
            f"event '{name or '?'}' is not a pull request: run hunkroute on pull_request "
            "(or pull_request_target)"
        )
    payload = _load(Path(path))
    repository = env.get("GITHUB_REPOSITORY") or str(_field(payload, path, "repository.full_name"))
    head_repo = (payload.get("pull_request", {}).get("head") or {}).get("repo")
    # head.repo is null when the fork was deleted; a same-named repo is the same repository.
    fork = not isinstance(head_repo, dict) or head_repo.get("full_name") != repository
    return PullRequestEvent(
        name=name,
        repository=repository,
        number=_integer(_field(payload, path, "pull_request.number"), path),
        title=str(_field(payload, path, "pull_request.title", "")),
        description=str(_field(payload, path, "pull_request.body", "")),
        base_sha=str(_field(payload, path, "pull_request.base.sha")),
        head_sha=str(_field(payload, path, "pull_request.head.sha")),
        head_ref=str(_field(payload, path, "pull_request.head.ref", "")),
        fork=fork,
    )


def _load(path: Path) -> dict[str, Any]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the event payload: {exc}") from exc
    if not isinstance(payload, dict):
        raise InputError(f"{path}: the event payload is not a JSON object")
    return payload


def _field(payload: dict[str, Any], path: str, dotted: str, default: object = None) -> object:
    node: object = payload
    for key in dotted.split("."):
        node = node.get(key) if isinstance(node, dict) else None
    if node is None or node == "":
        if default is not None:
            return default
        raise InputError(f"{path}: the event payload has no {dotted}")
    return node


def _integer(value: object, path: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    raise InputError(f"{path}: pull_request.number is not a positive number: {value!r}")


def read_settings(env: Mapping[str, str], default_dir: Path) -> Settings:
    """The action's inputs from ``HUNKROUTE_*``; an empty value means the input was not given."""

    def value(name: str) -> str:
        return env.get(f"HUNKROUTE_{name}", "").strip()

    post = value("POST") or "auto"
    if post not in get_args(PostMode):
        raise UsageError(f"input post: expected auto, review, checks or annotations, got {post!r}")
    fail_on = value("FAIL_ON") or None
    if fail_on is not None and fail_on not in get_args(FailOn):
        raise UsageError(f"input fail-on: expected error, warning or never, got {fail_on!r}")
    return Settings(
        post=post,  # type: ignore[arg-type]  # checked against PostMode just above
        max_comments=_number(value("MAX_COMMENTS"), "max-comments", int),
        summary_comment=_flag(value("SUMMARY_COMMENT"), "summary-comment"),
        budget=_number(value("BUDGET"), "budget", float),
        fail_on=fail_on,  # type: ignore[arg-type]  # checked against FailOn just above
        output_dir=Path(value("OUTPUT_DIR")) if value("OUTPUT_DIR") else default_dir,
    )


def _number(text: str, name: str, kind: type[N]) -> N | None:
    if not text:
        return None
    try:
        number = kind(text)
    except ValueError:
        number = None
    if number is None or not number >= 0:
        raise UsageError(f"input {name}: expected a number >= 0, got {text!r}")
    return number


def _flag(text: str, name: str) -> bool | None:
    if not text:
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise UsageError(f"input {name}: expected true or false, got {text!r}")
