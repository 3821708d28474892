"""A fake GitLab REST API v4 on 127.0.0.1 that answers like GitLab does for one merge request.

It checks ``PRIVATE-TOKEN`` (401 without or with a wrong one), pages list endpoints with
GitLab's headers (``X-Page``, ``X-Per-Page``, ``X-Next-Page`` empty on the last page,
``X-Total-Pages``, ``Link``), and maps every thread's position against its own reading of the
MR's diff: a position on a line the diff does not show, or with the wrong line numbers or shas,
gets GitLab's 400 ``line_code`` answer. Faults are scripted per operation (``script``) or for
every request (``fail_all``, whose body echoes the token as some proxies do).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tests.helpers.loopback import FakeApi, Seen

TOKEN = "glpat-fake-token-for-tests"
BOT = {"id": 77, "username": "project_42_bot", "name": "hunkroute bot"}
HUMAN = {"id": 5, "username": "author", "name": "MR author"}
LINE_CODE = '400 Bad request - Note {:line_code=>["can\'t be blank", "must be a valid line code"]}'
MR = r"/api/v4/projects/(?P<project>[^/]+)/merge_requests/(?P<iid>\d+)"
ROUTES = [
    ("GET", r"/api/v4/user", "user"),
    ("GET", MR, "mr"),
    ("GET", MR + "/diffs", "diffs"),
    ("GET", MR + "/discussions", "discussions"),
    ("POST", MR + "/discussions", "create-discussion"),
    ("PUT", MR + r"/discussions/(?P<discussion>[^/]+)", "resolve-discussion"),
    ("POST", MR + "/notes", "create-note"),
    ("PUT", MR + r"/notes/(?P<note>\d+)", "update-note"),
    ("GET", r"/api/v4/projects/(?P<project>[^/]+)/repository/files/(?P<path>[^/]+)/raw", "raw"),
    ("GET", r"/api/v4/projects/(?P<project>[^/]+)/repository/tree", "tree"),
]


def diff_lines(diff: str) -> set[tuple[str, int | None, int | None]]:
    """Every (path, old_line, new_line) a thread may sit on: GitLab's own reading of the diff."""
    found: set[tuple[str, int | None, int | None]] = set()
    path, old, new = "", 0, 0
    for line in diff.splitlines():
        if line.startswith("+++ "):
            path = line[4:].removeprefix("b/")
        elif line.startswith("@@"):
            match = re.match(r"@@ -(\d+)(?:,\d+)? \+(\d+)", line)
            assert match, line
            old, new = int(match.group(1)), int(match.group(2))
        elif line.startswith(("diff --git", "--- ", "index ", "new file", "deleted file")):
            continue
        elif line.startswith("+"):
            found.add((path, None, new))
            new += 1
        elif line.startswith("-"):
            found.add((path, old, None))
            old += 1
        elif line.startswith(" "):
            found.add((path, old, new))
            old, new = old + 1, new + 1
    return found


def diff_entries(diff: str) -> list[dict[str, Any]]:
    """The ``/diffs`` answer for a git diff: per file, its paths, flags and hunks only."""
    entries: list[dict[str, Any]] = []
    for section in re.split(r"^(?=diff --git )", diff, flags=re.M):
        if not section.strip():
            continue
        head, _, hunks = section.partition("\n@@")
        old, new = re.match(r"diff --git a/(\S+) b/(\S+)", head).groups()  # type: ignore[union-attr]
        entries.append({
            "old_path": old, "new_path": new, "new_file": "new file mode" in head,
            "renamed_file": "rename from" in head, "deleted_file": "deleted file mode" in head,
            "diff": "@@" + hunks if hunks else "",
        })  # fmt: skip
    return entries


class FakeGitLab(FakeApi):
    """The fake server and the state of one merge request (project 42, !7)."""

    def __init__(self, diff: str = "", base: str = "b" * 40, head: str = "h" * 40) -> None:
        self.diff = diff
        self.refs = {"base_sha": base, "start_sha": base, "head_sha": head}
        self.files: dict[str, bytes] = {}
        self.base_files: dict[str, bytes] = {}  # the base commit's, for the trusted config
        self.discussions: list[dict[str, Any]] = []
        self._ids = itertools.count(1000)
        self._lock = threading.Lock()
        super().__init__()

    @property
    def api(self) -> str:
        return self.url + "/api/v4"

    def threads(self) -> list[dict[str, Any]]:
        """Diff threads (not the summary note)."""
        return [d for d in self.discussions if not d["individual_note"]]

    def seed_thread(self, body: str, author: dict[str, Any] = BOT, resolved: bool = False) -> str:
        note = {"id": next(self._ids), "body": body, "author": author, "resolvable": True,
                "resolved": resolved, "position": None}  # fmt: skip
        discussion = {"id": f"d{next(self._ids)}", "individual_note": False, "notes": [note]}
        self.discussions.append(discussion)
        return str(discussion["id"])

    # --- request handling -------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> tuple:
        split = urlsplit(target)
        path, query = split.path, {k: v[-1] for k, v in parse_qs(split.query).items()}
        found = next(((name, m) for meth, rx, name in ROUTES
                      if meth == method and (m := re.fullmatch(rx, path))), None)  # fmt: skip
        if found is None:
            return 404, {}, {"message": "404 Not Found"}
        name, match = found
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append(Seen(method, path, name, query, body, headers))
            if self.fail_all is not None:
                echo = f"upstream down; request had private-token: {headers.get('private-token')}"
                return self.fail_all, {}, {"message": echo}
            if headers.get("private-token") != TOKEN:
                return 401, {}, {"message": "401 Unauthorized"}
            queued = self.scripts.get(name)
            if queued:
                answer = queued.pop(0)
                return answer.status, answer.headers, answer.body
            params = {k: unquote(v) for k, v in match.groupdict().items()}
            return getattr(self, "_" + name.replace("-", "_"))(params, query, body)

    def _page(self, items: list[Any], query: dict[str, str], path: str) -> tuple:
        size = min(int(query.get("per_page", 20)), 100)
        page = int(query.get("page", 1))
        pages = max(1, -(-len(items) // size))
        has_next = page < pages
        kept = "".join(f"&{k}={v}" for k, v in query.items() if k not in ("page", "per_page"))
        nxt = f"{self.url}{path}?page={page + 1}&per_page={size}{kept}"  # GitLab keeps the query
        link = f'<{nxt}>; rel="next"' if has_next else ""
        headers = {
            "x-page": str(page), "x-per-page": str(size), "x-total": str(len(items)),
            "x-total-pages": str(pages), "x-next-page": str(page + 1) if has_next else "",
            "x-prev-page": str(page - 1) if page > 1 else "",
        }  # fmt: skip
        if link:
            headers["link"] = link
        return 200, headers, items[(page - 1) * size : page * size]

    def _user(self, *_: Any) -> tuple:
        return 200, {}, BOT

    def _mr(self, params: dict, *_: Any) -> tuple:
        return 200, {}, {"iid": int(params["iid"]), "state": "opened", "diff_refs": self.refs}

    def _diffs(self, params: dict, query: dict, body: Any) -> tuple:
        return self._page(diff_entries(self.diff), query, self.requests[-1].path)

    def _discussions(self, params: dict, query: dict, body: Any) -> tuple:
        return self._page(self.discussions, query, self.requests[-1].path)

    def _create_discussion(self, params: dict, query: dict, body: Any) -> tuple:
        problem = self._position_problem((body or {}).get("position"))
        if problem or not (body or {}).get("body"):
            return 400, {}, {"message": LINE_CODE}
        note = {"id": next(self._ids), "body": body["body"], "author": BOT, "resolvable": True,
                "resolved": False, "position": body["position"]}  # fmt: skip
        discussion = {"id": f"d{next(self._ids)}", "individual_note": False, "notes": [note]}
        self.discussions.append(discussion)
        return 201, {}, discussion

    def _position_problem(self, where: Any) -> str | None:
        if not isinstance(where, dict) or where.get("position_type") != "text":
            return "position_type"
        if any(where.get(k) != v for k, v in self.refs.items()):
            return "diff_refs"
        if where.get("old_path") != where.get("new_path"):  # this fake's diffs have no renames
            return "paths"
        spot = (where.get("new_path"), where.get("old_line"), where.get("new_line"))
        return None if spot in diff_lines(self.diff) else "line_code"

    def _resolve_discussion(self, params: dict, query: dict, body: Any) -> tuple:
        for discussion in self.discussions:
            if discussion["id"] == params["discussion"]:
                for note in discussion["notes"]:
                    note["resolved"] = query.get("resolved") == "true"
                return 200, {}, discussion
        return 404, {}, {"message": "404 Discussion Not Found"}

    def _create_note(self, params: dict, query: dict, body: Any) -> tuple:
        note = {"id": next(self._ids), "body": body["body"], "author": BOT, "resolvable": False}
        self.discussions.append({"id": f"d{next(self._ids)}", "individual_note": True,
                                 "notes": [note]})  # fmt: skip
        return 201, {}, note

    def _update_note(self, params: dict, query: dict, body: Any) -> tuple:
        for discussion in self.discussions:
            for note in discussion["notes"]:
                if note["id"] == int(params["note"]):
                    note["body"] = body["body"]
                    return 200, {}, note
        return 404, {}, {"message": "404 Note Not Found"}

    def _at(self, ref: str | None) -> dict[str, bytes]:
        at = {self.refs["head_sha"]: self.files, self.refs["base_sha"]: self.base_files}
        return at.get(ref or "", {})

    def _raw(self, params: dict, query: dict, body: Any) -> tuple:
        data = self._at(query.get("ref")).get(params["path"])
        if data is None:
            return 404, {}, {"message": "404 File Not Found"}
        return 200, {"content-type": "text/plain"}, data

    def _tree(self, params: dict, query: dict, body: Any) -> tuple:
        """``recursive=true``: every blob below ``path`` (GitLab also lists the trees)."""
        folder = query.get("path", "").rstrip("/") + "/"
        blobs = [{"path": p, "type": "blob"} for p in sorted(self._at(query.get("ref")))
                 if p.startswith(folder)]  # fmt: skip
        items = [{"path": folder.rstrip("/") + "/sub", "type": "tree"}, *blobs] if blobs else []
        where = f"/api/v4/projects/{quote(params['project'], safe='')}/repository/tree"
        return self._page(items, query, where)
