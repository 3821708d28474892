"""Where the diff and the new file contents come from: a file, stdin, or git.

This is an edge module: it runs ``git`` (always with an argument list, never a shell) and reads
files. ``DiffSource`` says which change to read; ``Snapshot`` reads the new version of a file
from the place that matches the change (working tree, index, or a commit), so that gates and
prompts see exactly the code the diff describes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from hunkroute.errors import DiffError, InputError

GIT_DIFF_FLAGS = (
    "diff", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "-C", "--unified=3",
    "--src-prefix=a/", "--dst-prefix=b/",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DiffSource:
    """Which change to read: a diff file, a git range, the index, or the work tree vs upstream."""

    kind: Literal["file", "range", "staged", "upstream"]
    path: str | None = None
    base: str | None = None
    head: str | None = None


SUBJECTS_PER_TITLE = 5  # a long range's older subjects are other changes' titles
COMMITS_READ = 200  # a history new to the remote can be long; only its newest commits speak


@dataclass(frozen=True, slots=True)
class Commits:
    """What the commits of a git range say of themselves: the title and description a developer
    gave each change.

    ``subjects`` and ``bodies`` are the range's commit messages, newest first; ``by_path`` holds,
    for each path, the indexes of the commits that changed it. A merge counts with the files it
    brought in (GitHub merges an advisory's fix as "Merge commit from fork"), so a run without
    ``--title`` reads each file's own change, not the words of every commit of the range.
    """

    subjects: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    by_path: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def title(self, path: str | None = None) -> str:
        """The newest subjects of the commits that changed ``path`` (of the range: no path)."""
        return "\n".join(dict.fromkeys(self.subjects[i] for i in self._newest(path)))

    def description(self, path: str | None = None) -> str:
        """The bodies of the same commits as ``title``'s."""
        return "\n".join(b for b in (self.bodies[i] for i in self._newest(path)) if b)

    def _newest(self, path: str | None) -> tuple[int, ...]:
        picked = range(len(self.subjects)) if path is None else self.by_path.get(path, ())
        return tuple(picked[:SUBJECTS_PER_TITLE])


@dataclass(frozen=True, slots=True)
class LoadedDiff:
    """The raw diff bytes, a description of the range, and how to read file contents.

    ``snapshot`` reads the new versions; ``base`` the old ones, when known (a diff file read
    without git has none): the gates compare the two to tell new findings from legacy ones.
    ``commits`` and ``branch`` are what a git change says of itself (none for a diff file).
    """

    data: bytes
    origin: str
    snapshot: Snapshot
    base: Snapshot | None = None
    gate_configs: Snapshot | None = None  # where the gates' configs are read; CI: the PR's base
    commits: Commits = field(default_factory=Commits)
    branch: str = ""  # the branch checked out (or named as the head), for a git change


class Snapshot(Protocol):
    """Reads the new version of a file, or ``None`` when it is not there."""

    def read(self, path: str) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class WorkTree:
    """Files as they are on disk below ``root``."""

    root: Path

    def read(self, path: str) -> bytes | None:
        # a path from a diff may be too long or hold a NUL byte: that is "not there", not a crash
        try:
            target = (self.root / path).resolve()
            if not target.is_relative_to(self.root.resolve()) or not target.is_file():
                return None
            return target.read_bytes()
        except (OSError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class GitObjects:
    """Files as git stores them: ``rev`` is a commit, or ``""`` for the index."""

    root: Path
    rev: str

    def read(self, path: str) -> bytes | None:
        result = _git(self.root, ["show", f"{self.rev}:{path}"], check=False)
        return result.stdout if result.returncode == 0 else None

    def files_below(self, folder: str) -> tuple[str, ...]:
        """The files of commit ``rev`` below ``folder`` (repository paths), at any depth."""
        args = ["ls-tree", "-r", "-z", "--name-only", self.rev, "--", folder.rstrip("/") + "/"]
        result = _git(self.root, args, check=False)
        if result.returncode != 0:
            return ()
        return tuple(p for p in result.stdout.decode("utf-8", "surrogateescape").split("\0") if p)


def _git(
    root: Path,
    args: list[str],
    check: bool = True,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotePath=true", *args],
            cwd=root,
            env=env,
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError as exc:
        raise InputError("git is not installed or not on PATH") from exc
    if check and result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {' '.join(args[:3])}: {message[-1] if message else 'failed'}")
    return result


def repo_root(start: Path) -> Path | None:
    """The top of the git work tree containing ``start``, if any."""
    result = _git(start, ["rev-parse", "--show-toplevel"], check=False) if start.is_dir() else None
    if result is None or result.returncode != 0:
        return None
    return Path(result.stdout.decode().strip())


def git_path(root: Path, name: str) -> Path:
    """Where git keeps ``name`` (``hooks``, ``index``); honours ``core.hooksPath`` and the like."""
    found = Path(_git(root, ["rev-parse", "--git-path", name]).stdout.decode().strip())
    return found if found.is_absolute() else root / found


def load(source: DiffSource, cwd: Path) -> LoadedDiff:
    """Read the diff the user asked for."""
    if source.kind == "file":
        assert source.path is not None
        return _from_file(source.path, cwd)
    root = repo_root(cwd)
    if root is None:
        raise InputError(f"{cwd}: not inside a git repository (use --diff FILE instead)")
    if source.kind == "staged":
        data = _git(root, [*GIT_DIFF_FLAGS, "--cached"]).stdout
        origin = "staged changes (git diff --cached)"
        old = GitObjects(root, "HEAD")
        return LoadedDiff(data, origin, GitObjects(root, ""), old, branch=branch_of(root, "HEAD"))
    if source.kind == "range":
        return _range(root, source.base, source.head or "HEAD")
    return _against_upstream(root)


def _from_file(path: str, cwd: Path) -> LoadedDiff:
    if path == "-":
        data = sys.stdin.buffer.read()
        origin = "stdin"
    else:
        try:
            data = (cwd / path).read_bytes()
        except OSError as exc:
            raise DiffError(f"{path}: cannot read diff: {exc.strerror or exc}") from exc
        origin = path
    return LoadedDiff(data, origin, WorkTree(repo_root(cwd) or cwd))


def _range(root: Path, base: str | None, head: str) -> LoadedDiff:
    """``base...head``; no base means a history new to the remote: every file of ``head``."""
    for rev in (base, head):
        if rev is not None:
            _verify(root, rev)
    if base is None:
        empty_tree = _git(root, ["hash-object", "-t", "tree", "--stdin"], stdin=b"").stdout
        data = _git(root, [*GIT_DIFF_FLAGS, empty_tree.decode().strip(), head]).stdout
        origin = f"{head} (new history: every file)"
        commits, branch = read_commits(root, head), branch_of(root, head)
        return LoadedDiff(data, origin, GitObjects(root, head), commits=commits, branch=branch)
    data = _git(root, [*GIT_DIFF_FLAGS, f"{base}...{head}"]).stdout
    merge_base = _git(root, ["merge-base", base, head], check=False).stdout.decode().strip()
    old = GitObjects(root, merge_base) if merge_base else None
    commits, branch = read_commits(root, f"{base}..{head}"), branch_of(root, head)
    new = GitObjects(root, head)
    return LoadedDiff(data, f"{base}...{head}", new, old, commits=commits, branch=branch)


def resolve(root: Path, rev: str) -> str:
    """The commit a revision names; an unknown one is an ``InputError`` naming it."""
    _verify(root, rev)
    return _git(root, ["rev-parse", "--verify", f"{rev}^{{commit}}"]).stdout.decode().strip()


def _verify(root: Path, rev: str) -> None:
    if rev.startswith("-"):
        raise InputError(f"{rev}: a revision cannot start with '-'")
    result = _git(root, ["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], check=False)
    if result.returncode != 0:
        raise InputError(f"{rev}: unknown git revision (fetch it, or check the name)")


def upstream_of(root: Path) -> str | None:
    """The current branch's upstream, else ``origin/HEAD``, else None."""
    for ref in ("@{upstream}", "origin/HEAD"):
        result = _git(root, ["rev-parse", "--abbrev-ref", "--symbolic-full-name", ref], check=False)
        name = result.stdout.decode().strip()
        if result.returncode == 0 and name:
            return name
    return None


def _against_upstream(root: Path) -> LoadedDiff:
    upstream = upstream_of(root)
    if upstream is None:
        raise InputError(
            "no upstream branch and no origin/HEAD to compare with: "
            "use --base REV, --staged or --diff FILE"
        )
    base = _git(root, ["merge-base", "HEAD", upstream]).stdout.decode().strip()
    with _untracked_as_new(root) as env:
        data = _git(root, [*GIT_DIFF_FLAGS, base], env=env).stdout
    origin = (
        f"working tree (uncommitted and untracked changes included) against {upstream} "
        f"(merge-base {base[:12]})"
    )
    commits, branch = read_commits(root, f"{base}..HEAD"), branch_of(root, "HEAD")
    old = GitObjects(root, base)
    return LoadedDiff(data, origin, WorkTree(root), old, commits=commits, branch=branch)


def read_commits(root: Path, revisions: str) -> Commits:
    """The messages of the commits ``git log revisions`` lists, and the paths each changed."""
    fields = ["--format=%x01%s%x02%b", "-z", "--name-only", "--diff-merges=first-parent"]
    result = _git(root, ["log", f"--max-count={COMMITS_READ}", *fields, revisions], check=False)
    subjects: list[str] = []
    bodies: list[str] = []
    by_path: dict[str, list[int]] = {}
    for record in result.stdout.decode("utf-8", "replace").split("\x01")[1:]:
        message, _, names = record.partition("\0")
        subject, _, body = message.partition("\x02")
        for name in names.removeprefix("\n").split("\0"):
            if name:
                by_path.setdefault(name, []).append(len(subjects))
        subjects.append(subject)
        bodies.append(body.strip())
    paths = {name: tuple(indexes) for name, indexes in by_path.items()}
    return Commits(tuple(subjects), tuple(bodies), paths)


def branch_of(root: Path, rev: str) -> str:
    """The branch ``rev`` names (``HEAD``: the one checked out), or "" for a commit or tag."""
    result = _git(root, ["rev-parse", "--symbolic-full-name", rev], check=False)
    name = result.stdout.decode("utf-8", "replace").strip()
    if name.startswith("refs/heads/"):
        return name.removeprefix("refs/heads/")
    if name.startswith("refs/remotes/"):  # origin/fix/login → fix/login
        return name.removeprefix("refs/remotes/").partition("/")[2]
    return ""


@contextmanager
def _untracked_as_new(root: Path) -> Iterator[dict[str, str]]:
    """An environment whose index also lists untracked files, so ``git diff REV`` shows them.

    ``git diff REV`` only walks paths the index knows. Marking untracked (not ignored) files
    intent-to-add in a throwaway copy of the index includes them without touching the user's.
    """
    index = git_path(root, "index")
    with tempfile.TemporaryDirectory(prefix="hunkroute-index-") as folder:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(folder) / "index")}
        if index.is_file():
            # with its mtime: git re-reads a file whose stat looks unchanged only when it is
            # no older than the index, and a fresh mtime would hide a same-second, same-size edit
            shutil.copy2(index, env["GIT_INDEX_FILE"])
        untracked = _git(root, ["ls-files", "--others", "--exclude-standard", "-z"]).stdout
        if untracked:
            add = ["add", "--intent-to-add", "--pathspec-from-file=-", "--pathspec-file-nul"]
            _git(root, add, env=env, stdin=untracked)
        yield env


def is_null_sha(sha: str) -> bool:
    """git's all-zero object name: "no such ref" in hook input (SHA-1 or SHA-256 repos)."""
    return set(sha) == {"0"}


@dataclass(frozen=True, slots=True)
class Pushed:
    """The changes one pushed ref brings, and a note on how its base was chosen."""

    sources: tuple[DiffSource, ...]
    note: str = ""


def pushed_range(
    root: Path, local_sha: str, remote_sha: str, remote: str, local_ref: str = ""
) -> Pushed:
    """The change a push of ``local_sha`` brings to ``remote`` (issue 13).

    Against the remote's old tip when we have it. A new branch, or a remote with no refs at all,
    is compared with its merge base with the remote's default branch when known locally, else
    with the branch's upstream. With neither, there is no base: each pushed commit that no
    remote ref has is checked against its parent, never the whole history.
    """
    if is_null_sha(local_sha):
        return Pushed(())  # a deletion: no new code to check
    if not is_null_sha(remote_sha) and _is_commit(root, remote_sha):
        return Pushed((DiffSource("range", base=remote_sha, head=local_sha),))
    for ref in _base_candidates(remote, local_ref):
        found = _git(root, ["merge-base", local_sha, ref], check=False)
        merge_base = found.stdout.decode().strip()
        if found.returncode == 0 and merge_base:
            if merge_base == local_sha:
                return Pushed(())  # everything pushed is already there
            note = f"new on {remote}: compared with {ref} (merge base {merge_base[:12]})"
            return Pushed((DiffSource("range", base=merge_base, head=local_sha),), note)
    return _commit_by_commit(root, local_sha, remote)


def _base_candidates(remote: str, local_ref: str) -> list[str]:
    """The remote's default branch (its HEAD, else main or master), then the upstream."""
    branch = local_ref.removeprefix("refs/heads/")
    upstream = [f"{branch}@{{upstream}}"] if branch else []
    names = ("HEAD", "main", "master")
    return [f"refs/remotes/{remote}/{name}" for name in names] + upstream


def _commit_by_commit(root: Path, local_sha: str, remote: str) -> Pushed:
    listed = _git(root, ["rev-list", "--topo-order", "--reverse", local_sha, "--not",
                         "--remotes"]).stdout.decode().split()  # fmt: skip
    if not listed:
        return Pushed(())
    sources = []
    for commit in listed:
        parent = _git(root, ["rev-parse", "--verify", "--quiet", f"{commit}^"], check=False)
        base = parent.stdout.decode().strip() if parent.returncode == 0 else None
        sources.append(DiffSource("range", base=base, head=commit))
    note = (
        f"no base on {remote} (no default branch or upstream known locally): checking each of "
        f"the {len(listed)} pushed commit(s) against its parent"
    )
    return Pushed(tuple(sources), note)


def _is_commit(root: Path, sha: str) -> bool:
    return _git(root, ["cat-file", "-e", f"{sha}^{{commit}}"], check=False).returncode == 0


def has_commits(root: Path, *shas: str) -> bool:
    """Whether the checkout holds every one of these commits (a shallow clone may not)."""
    return all(_is_commit(root, sha) for sha in shas)


def fetch_commits(root: Path, *shas: str, remote: str = "origin") -> bool:
    """Fetch commits a shallow clone lacks, one level deep (their trees are all a diff needs)."""
    missing = [sha for sha in shas if not _is_commit(root, sha)]
    if missing:
        shallow = _git(root, ["rev-parse", "--is-shallow-repository"], check=False)
        depth = ["--depth=1"] if shallow.stdout.strip() == b"true" else []
        _git(root, ["fetch", "--quiet", "--no-tags", *depth, remote, *missing], check=False)
    return has_commits(root, *shas)


def between(root: Path, base: str, head: str) -> LoadedDiff:
    """``base..head`` as two trees, for a ``base`` that already is the merge base (GitLab's)."""
    data = _git(root, [*GIT_DIFF_FLAGS, base, head]).stdout
    return LoadedDiff(data, f"{base[:12]}..{head[:12]}", GitObjects(root, head))
