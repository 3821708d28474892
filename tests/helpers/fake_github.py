"""A fake GitHub REST API on 127.0.0.1 that checks every request against GitHub's OpenAPI shapes.

Each request must match an operation of ``tests/fixtures/github/openapi-subset.json`` (method
and path template), use only the query parameters that operation declares, carry the headers
GitHub asks for (bearer token, ``X-GitHub-Api-Version``, a GitHub media type) and send a body that
validates against the operation's request schema. A violation is recorded in ``errors`` and
answered 400, so a test fails loudly. Answers are scripted per operation (``script``) or come
from a small in-memory model of one pull request: reviews, review comments (paged with ``link``
headers like GitHub), issue comments, check runs and file contents.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jsonschema

from tests.helpers.loopback import FakeApi, Seen

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "github" / "openapi-subset.json"
BOT = {"login": "github-actions[bot]", "type": "Bot", "id": 41898282}
TOKEN = "ghs_fake-token-for-tests"
REFUSED = "Pull request review thread line must be part of the diff"


def _route(template: str) -> re.Pattern[str]:
    def group(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"(?P<{name}>.+)" if name == "path" else f"(?P<{name}>[^/]+)"

    return re.compile("^" + re.sub(r"\{(\w+)\}", group, template) + "$")


class FakeGitHub(FakeApi):
    """The fake server and the state of one repository's pull request."""

    def __init__(self, diff: str = "") -> None:
        operations = json.loads(SPEC.read_text(encoding="utf-8"))["operations"]
        self.routes = [(o["method"], _route(o["path"]), name, o) for name, o in operations.items()]
        self.diff = diff
        self.errors: list[str] = []
        self.refuse: set[tuple[str, int]] = set()
        self.read_only = False
        self.files: dict[str, bytes] = {}
        self.files_at: dict[str, dict[str, bytes]] = {}  # ref → files: a base and a head
        self.reviews: list[dict[str, Any]] = []
        self.review_comments: list[dict[str, Any]] = []
        self.issue_comments: list[dict[str, Any]] = []
        self.check_runs: list[dict[str, Any]] = []
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        super().__init__()

    def seed_comment(self, body: str, path: str = "app.py", line: int = 1, **extra: Any) -> int:
        """An existing review comment on the PR (ours when ``user`` is left as the bot)."""
        comment = {"id": next(self._ids), "body": body, "path": path, "line": line,
                   "side": "RIGHT", "in_reply_to_id": None, "user": BOT, **extra}  # fmt: skip
        self.review_comments.append(comment)
        return int(comment["id"])

    # --- request handling -------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> tuple:
        split = urlsplit(target)
        path, query = unquote(split.path), {k: v[-1] for k, v in parse_qs(split.query).items()}
        match = next(((n, o, m) for meth, rx, n, o in self.routes
                      if meth == method and (m := rx.match(path))), None)  # fmt: skip
        if match is None:
            return self._fail(f"{method} {path}: no such operation in the OpenAPI subset", 404)
        name, op, found = match
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append(Seen(method, path, name, query, body, headers))
            if self.fail_all is not None:  # a proxy that echoes the request: tokens and all
                echo = f"upstream down; request had authorization: {headers.get('authorization')}"
                return self.fail_all, {}, {"message": echo}
            problem = self._check(op, found.groupdict(), query, headers, body, raw)
            if problem:
                return self._fail(f"{method} {path} ({name}): {problem}", 400)
            queued = self.scripts.get(name)
            if queued:
                answer = queued.pop(0)
                return answer.status, answer.headers, answer.body
            return getattr(self, "_" + name.replace("/", "_").replace("-", "_"))(
                found.groupdict(), query, headers, body
            )

    def _fail(self, message: str, status: int) -> tuple:
        self.errors.append(message)
        return status, {}, {"message": f"fake GitHub: {message}"}

    def _check(self, op: dict, params: dict, query: dict, headers: dict, body: Any,
               raw: bytes) -> str | None:  # fmt: skip
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return "missing or wrong 'Authorization: Bearer' header"
        if headers.get("x-github-api-version") != "2022-11-28":
            return "missing X-GitHub-Api-Version: 2022-11-28"
        if "application/vnd.github" not in headers.get("accept", ""):
            return f"Accept is not a GitHub media type: {headers.get('accept')!r}"
        declared = {p["name"]: p for p in op.get("parameters", [])}
        for name, value in (*params.items(), *query.items()):
            spec = declared.get(name)
            if spec is None:
                return f"undeclared parameter {name!r}"
            if spec["schema"].get("type") == "integer" and not value.isdigit():
                return f"parameter {name} must be an integer, got {value!r}"
        request = op.get("requestBody")
        if request is None:
            return "this operation takes no body" if raw else None
        if body is None:
            return "a JSON body is required" if request.get("required") else None
        errors = sorted(jsonschema.Draft7Validator(request["schema"]).iter_errors(body), key=str)
        return f"body does not match the schema: {errors[0].message}" if errors else None

    # --- the in-memory pull request -----------------------------------------------------

    def _pulls_get(self, params: dict, query: dict, headers: dict, body: Any) -> tuple:
        if "diff" in headers.get("accept", ""):
            return 200, {"content-type": "text/x-diff"}, self.diff.encode()
        return 200, {}, {"number": int(params["pull_number"]), "state": "open"}

    def _pulls_create_review(self, params: dict, query: dict, headers: dict, body: Any) -> tuple:
        if self.read_only:
            return 403, {}, {"message": "Resource not accessible by integration"}
        comments = (body or {}).get("comments", [])
        for c in comments:
            lines = {c.get("line"), c.get("start_line")} - {None}
            if any((c["path"], n) in self.refuse for n in lines):
                return 422, {}, {"message": "Unprocessable Entity", "errors": [REFUSED]}
        if any(r["state"] == "PENDING" for r in self.reviews):
            return 422, {}, {"message": "User can only have one pending review per pull request"}
        state = "PENDING" if "event" not in (body or {}) else "COMMENTED"
        review = {"id": next(self._ids), "state": state, "user": BOT, "body": body.get("body", ""),
                  "commit_id": body.get("commit_id"), "comments": comments}  # fmt: skip
        self.reviews.append(review)
        if state != "PENDING":
            for c in comments:
                self.review_comments.append({**c, "id": next(self._ids), "user": BOT,
                                             "pull_request_review_id": review["id"],
                                             "in_reply_to_id": None})  # fmt: skip
        return 200, {}, {k: v for k, v in review.items() if k != "comments"}

    def _pulls_delete_pending_review(self, params: dict, *_: Any) -> tuple:
        found = [r for r in self.reviews if r["id"] == int(params["review_id"])]
        if not found or found[0]["state"] != "PENDING":
            return 422, {}, {"message": "Can not delete a non-pending pull request review"}
        self.reviews.remove(found[0])
        return 200, {}, {k: v for k, v in found[0].items() if k != "comments"}

    def _pulls_list_review_comments(self, params: dict, query: dict, *_: Any) -> tuple:
        return self._page(self.review_comments, query)

    def _issues_list_comments(self, params: dict, query: dict, *_: Any) -> tuple:
        return self._page(self.issue_comments, query)

    def _page(self, items: list[dict[str, Any]], query: dict) -> tuple:
        size, page = int(query.get("per_page", 30)), int(query.get("page", 1))
        chunk = items[(page - 1) * size : page * size]
        headers = {}
        if page * size < len(items):
            base = self.requests[-1].path
            headers["link"] = f'<{self.url}{base}?per_page={size}&page={page + 1}>; rel="next"'
        return 200, headers, chunk

    def _pulls_delete_review_comment(self, params: dict, *_: Any) -> tuple:
        self.review_comments = [
            c for c in self.review_comments if c["id"] != int(params["comment_id"])
        ]
        return 204, {}, None

    def _pulls_create_reply_for_review_comment(self, params: dict, q: dict, h: dict,
                                               body: Any) -> tuple:  # fmt: skip
        reply = {"id": next(self._ids), "body": body["body"], "user": BOT,
                 "in_reply_to_id": int(params["comment_id"])}  # fmt: skip
        self.review_comments.append(reply)
        return 201, {}, reply

    def _checks_create(self, params: dict, q: dict, h: dict, body: Any) -> tuple:
        if self.read_only:
            return 403, {}, {"message": "Resource not accessible by integration"}
        run = {"id": next(self._ids), **body}
        self.check_runs.append(run)
        return 201, {}, run

    def _checks_update(self, params: dict, q: dict, h: dict, body: Any) -> tuple:
        return 200, {}, {"id": int(params["check_run_id"]), **body}

    def _issues_create_comment(self, params: dict, q: dict, h: dict, body: Any) -> tuple:
        comment = {"id": next(self._ids), "body": body["body"], "user": BOT}
        self.issue_comments.append(comment)
        return 201, {}, comment

    def _issues_update_comment(self, params: dict, q: dict, h: dict, body: Any) -> tuple:
        for comment in self.issue_comments:
            if comment["id"] == int(params["comment_id"]):
                comment["body"] = body["body"]
                return 200, {}, comment
        return 404, {}, {"message": "Not Found"}

    def _repos_get_content(self, params: dict, query: dict, *_: Any) -> tuple:
        files = self.files_at.get(query.get("ref", ""), self.files)
        path = params["path"].rstrip("/")
        data = files.get(path)
        if data is not None:
            return 200, {"content-type": "application/vnd.github.raw"}, data
        below = sorted(p for p in files if p.startswith(path + "/"))
        if not below:  # a folder is listed whatever the media type, as GitHub does
            return 404, {}, {"message": "Not Found"}
        entries = {p[: len(path) + 1 + p[len(path) + 1 :].find("/")] if "/" in p[len(path) + 1 :]
                   else p for p in below}  # fmt: skip
        listing = [{"path": e, "name": e.rsplit("/", 1)[-1],
                    "type": "file" if e in files else "dir"} for e in sorted(entries)]  # fmt: skip
        return 200, {}, listing
