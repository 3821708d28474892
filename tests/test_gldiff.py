"""forges/gitlab/diff.py: ``/diffs`` entries framed back into a diff hunkroute's parser reads."""

from __future__ import annotations

from pathlib import Path

from hunkroute import config as configmod
from hunkroute.diff import unified as parser
from hunkroute.forges.gitlab.diff import unified
from tests.helpers.fake_gitlab import diff_entries
from tests.helpers.gitrepo import GitRepo

ENTRIES = [
    {"old_path": "a.py", "new_path": "a.py", "diff": "@@ -1 +1 @@\n-x\n+y\n"},
    {"old_path": "n.py", "new_path": "n.py", "new_file": True, "diff": "@@ -0,0 +1 @@\n+z"},
    {"old_path": "d.py", "new_path": "d.py", "deleted_file": True, "diff": "@@ -1 +0,0 @@\n-z\n"},
    {"old_path": "o.py", "new_path": "r.py", "renamed_file": True, "diff": ""},
    {"old_path": "img.png", "new_path": "img.png", "diff": ""},  # binary or collapsed
]


def parse(data: bytes) -> list[tuple[str, str | None, str, int]]:
    changes = parser.parse(parser.decode(data), configmod.load(None).files, "api")
    return [(f.path, f.old_path, f.status, len(f.hunks)) for f in changes.files]


def test_every_kind_of_entry_parses() -> None:
    assert parse(unified(ENTRIES)) == [
        ("a.py", None, "modified", 1),
        ("n.py", None, "added", 1),  # a last line without its newline is still read
        ("d.py", None, "deleted", 1),
        ("r.py", "o.py", "renamed", 0),
        ("img.png", None, "modified", 0),
    ]


def test_the_api_diff_reads_like_the_git_diff(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", "a = 1\nb = 2\n")
    base = repo.commit("base")
    repo.write("app.py", "a = 1\nb = 3\nc = 4\n")
    repo.write("new.py", "x = 1\n")
    head = repo.commit("head")
    git = repo.git("diff", base, head).encode()
    assert parse(unified(diff_entries(git.decode()))) == parse(git)
