"""source.py: reading the change from git the way a PR sees it, and new file contents."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hunkroute import config
from hunkroute.diff import unified as diff
from hunkroute.diff.source import DiffSource, GitObjects, WorkTree, load
from hunkroute.errors import DiffError, InputError
from tests.helpers.cli import run_main
from tests.helpers.gitrepo import GitRepo

FILES = config.load(None).files


def paths(data: bytes) -> set[str]:
    return {f.path for f in diff.parse(diff.decode(data), FILES).files}


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("base.py", "x = 1\n")
    repo.commit("base")
    return repo


def diverge(repo: GitRepo, feature: tuple[str, str], main: tuple[str, str]) -> None:
    """A ``feature`` branch with one commit writing ``feature``, and ``main`` one further."""
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(*feature)
    repo.commit("feature work")
    repo.git("checkout", "-q", "main")
    repo.write(*main)
    repo.commit("main moved on")


def test_range_uses_merge_base_like_a_pull_request(repo: GitRepo) -> None:
    diverge(repo, ("feature.py", "y = 2\n"), ("main_only.py", "z = 3\n"))
    loaded = load(DiffSource("range", base="main", head="feature"), repo.root)
    assert paths(loaded.data) == {"feature.py"}
    assert loaded.origin == "main...feature"
    assert loaded.snapshot.read("feature.py") == b"y = 2\n"


def test_staged_reads_the_index_not_the_work_tree(repo: GitRepo) -> None:
    repo.write("base.py", "x = 10\n")
    repo.git("add", "base.py")
    repo.write("base.py", "x = 100\n")
    loaded = load(DiffSource("staged"), repo.root)
    assert paths(loaded.data) == {"base.py"}
    assert b"+x = 10\n" in loaded.data
    assert loaded.snapshot.read("base.py") == b"x = 10\n"


def test_default_compares_work_tree_with_upstream(tmp_path: Path, repo: GitRepo) -> None:
    remote = tmp_path / "remote.git"
    repo.git("clone", "-q", "--bare", str(repo.root), str(remote))
    repo.git("remote", "add", "origin", str(remote))
    repo.git("fetch", "-q", "origin")
    repo.git("branch", "-q", "--set-upstream-to=origin/main")
    repo.write("committed.py", "a = 1\n")
    repo.commit("local commit")
    repo.write("base.py", "x = 2\n")  # uncommitted
    loaded = load(DiffSource("upstream"), repo.root)
    assert paths(loaded.data) == {"committed.py", "base.py"}
    assert "origin/main" in loaded.origin


def test_no_upstream_is_a_clear_error(repo: GitRepo) -> None:
    with pytest.raises(InputError, match="no upstream branch"):
        load(DiffSource("upstream"), repo.root)


def test_unknown_revision(repo: GitRepo) -> None:
    with pytest.raises(InputError, match="nope: unknown git revision"):
        load(DiffSource("range", base="nope"), repo.root)


def test_revision_that_looks_like_a_flag_is_refused(repo: GitRepo) -> None:
    with pytest.raises(InputError, match="cannot start with '-'"):
        load(DiffSource("range", base="--output=/tmp/x"), repo.root)


def test_git_input_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not inside a git repository"):
        load(DiffSource("staged"), tmp_path)


def test_diff_file_missing(tmp_path: Path) -> None:
    with pytest.raises(DiffError, match="cannot read diff"):
        load(DiffSource("file", path="missing.diff"), tmp_path)


def test_work_tree_never_reads_outside_its_root(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("s")
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.py").write_text("x")
    tree = WorkTree(root)
    assert tree.read("ok.py") == b"x"
    assert tree.read("../secret.txt") is None
    assert tree.read("missing.py") is None


def test_git_objects_missing_file(repo: GitRepo) -> None:
    assert GitObjects(repo.root, "HEAD").read("missing.py") is None


# --- the local "check before I push" run -------------------------------------------------------


def test_default_includes_untracked_files_without_touching_the_index(
    tmp_path: Path, repo: GitRepo
) -> None:
    repo.tracking(tmp_path / "remote.git")
    repo.write(".gitignore", "ignored.py\n")
    repo.write("new_module.py", "def f():\n    return 1\n")
    repo.write("ignored.py", "secret = 1\n")
    before = repo.git("status", "--porcelain")
    loaded = load(DiffSource("upstream"), repo.root)
    assert paths(loaded.data) == {".gitignore", "new_module.py"}
    assert "uncommitted and untracked changes included" in loaded.origin
    assert repo.git("status", "--porcelain") == before  # still untracked, nothing staged


def test_an_edit_in_the_same_second_as_the_index_is_seen(tmp_path: Path, repo: GitRepo) -> None:
    """git trusts a file whose stat looks unchanged unless the file is no older than the index:
    the throwaway index that lists untracked files must keep the real one's mtime."""
    repo.git("config", "core.trustctime", "false")  # the edit below keeps size, inode, mtime
    path = repo.write("racy.py", "x = 1\n")
    past = path.stat().st_mtime_ns - 100 * 10**9
    os.utime(path, ns=(past, past))
    repo.commit("racy")
    repo.tracking(tmp_path / "remote.git")
    path.write_text("x = 2\n")  # same size, and the mtime git recorded
    os.utime(path, ns=(past, past))
    os.utime(repo.root / ".git" / "index", ns=(past, past))  # written in that second: racy
    assert paths(load(DiffSource("upstream"), repo.root).data) == {"racy.py"}


def test_run_without_input_flags_says_which_range_it_used(
    tmp_path: Path,
    repo: GitRepo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo.write("hunkroute.yaml", "gates: []\n")
    repo.commit("config")
    repo.bare_remote(tmp_path / "remote.git")
    repo.git("remote", "set-head", "origin", "main")  # no upstream: origin/HEAD is the base
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write("base.py", "x = 2\n")
    monkeypatch.chdir(repo.root)
    result = run_main(["run", "--offline", "--format", "json"], capsys)
    assert result.code == 0
    assert result.err.splitlines()[0] == (
        "hunkroute: checking working tree (uncommitted and untracked changes included) "
        f"against origin/main (merge-base {base[:12]})"
    )
    assert [h["file"] for h in json.loads(result.out)["hunks"]] == ["base.py"]


def test_work_tree_reads_impossible_paths_as_missing(tmp_path: Path) -> None:
    tree = WorkTree(tmp_path)  # both found by fuzzing the whole offline run
    assert tree.read("x" * 5000 + ".py") is None
    assert tree.read("nul\x00byte.py") is None


def test_every_git_source_reads_the_base_versions_too(repo: GitRepo) -> None:
    """Issue 13: the gates compare with the base version, read from the merge base."""
    diverge(repo, ("base.py", "x = 2\n"), ("base.py", "x = 3\n"))
    ranged = load(DiffSource("range", base="main", head="feature"), repo.root)
    assert ranged.base is not None and ranged.base.read("base.py") == b"x = 1\n"
    repo.write("base.py", "x = 4\n")
    repo.git("add", "base.py")
    staged = load(DiffSource("staged"), repo.root)
    assert staged.base is not None and staged.base.read("base.py") == b"x = 3\n"
    (repo.root / "c.diff").write_bytes(staged.data)
    assert load(DiffSource("file", path="c.diff"), repo.root).base is None  # no git: added only


def test_a_range_says_which_commit_subjects_changed_each_file(repo: GitRepo) -> None:
    """Issue 12: without ``--title`` a file's own commits are its title, newest first."""
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("upload.py", "ROOT = '/srv'\n")
    repo.write("docs/usage.md", "Upload files.\n")
    repo.commit("Add uploads")
    repo.write("upload.py", "ROOT = '/srv/files'\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Fix path traversal in uploads", "-m", "Fixes CVE-2031-0001.")
    loaded = load(DiffSource("range", base="main", head="feature"), repo.root)
    assert loaded.commits.subjects == ("Fix path traversal in uploads", "Add uploads")
    assert loaded.commits.title("upload.py") == "Fix path traversal in uploads\nAdd uploads"
    assert loaded.commits.title("docs/usage.md") == "Add uploads"
    assert loaded.commits.title("base.py") == ""  # no commit of the range changed it
    assert loaded.commits.description("upload.py") == "Fixes CVE-2031-0001."
    assert loaded.commits.description("docs/usage.md") == ""
    assert loaded.branch == "feature"


def test_a_merge_speaks_for_the_files_it_brought_in(repo: GitRepo) -> None:
    """GitHub merges an advisory's private fork as "Merge commit from fork"."""
    start = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "fork")
    repo.write("safe.py", "def join(a, b):\n    return a + b\n")
    repo.commit("tidy the join")
    repo.git("checkout", "-q", "main")
    repo.write("other.py", "y = 1\n")
    repo.commit("unrelated work")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge commit from fork", "fork")
    loaded = load(DiffSource("range", base=start), repo.root)
    assert loaded.commits.title("safe.py") == "Merge commit from fork\ntidy the join"
    assert loaded.commits.title("other.py") == "unrelated work"


def test_only_the_newest_subjects_of_a_file_are_its_title(repo: GitRepo) -> None:
    start = repo.git("rev-parse", "HEAD").strip()
    for n in range(7):
        repo.write("base.py", f"x = {n + 2}\n")
        repo.commit(f"step {n}")
    loaded = load(DiffSource("range", base=start, head="HEAD~0"), repo.root)
    assert loaded.commits.title("base.py").splitlines() == [f"step {n}" for n in (6, 5, 4, 3, 2)]
    assert loaded.branch == ""  # HEAD~0 names a commit, not a branch


def test_the_work_tree_against_upstream_reads_the_unpushed_commits(
    tmp_path: Path, repo: GitRepo
) -> None:
    repo.tracking(tmp_path / "remote.git")
    repo.write("session.py", "TTL = 60\n")
    repo.commit("Expire sessions after a minute")
    repo.write("base.py", "x = 2\n")  # uncommitted: no commit speaks for it
    loaded = load(DiffSource("upstream"), repo.root)
    assert loaded.commits.subjects == ("Expire sessions after a minute",)
    assert loaded.commits.title("base.py") == ""
    assert (loaded.branch, load(DiffSource("staged"), repo.root).commits.subjects) == ("main", ())
    repo.git("push", "-q", "origin", "main:fix/login")
    repo.git("fetch", "-q", "origin")
    remote_head = load(DiffSource("range", base="main~1", head="origin/fix/login"), repo.root)
    assert remote_head.branch == "fix/login"  # the remote's name is not the branch's
