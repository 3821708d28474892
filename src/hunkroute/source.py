"""Where the diff and the new file contents come from: a file, stdin, or git.

This is an edge module: it runs ``git`` (always with an argument list, never a shell) and reads
files. ``DiffSource`` says which change to read; ``Snapshot`` reads the new version of a file
from the place that matches the change (working tree, index, or a commit), so that gates and
prompts see exactly the code the diff describes.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class LoadedDiff:
    """The raw diff bytes, a description of the range, and how to read new file contents."""

    data: bytes
    origin: str
    snapshot: Snapshot


class Snapshot(Protocol):
    """Reads the new version of a file, or ``None`` when it is not there."""

    def read(self, path: str) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class WorkTree:
    """Files as they are on disk below ``root``."""

    root: Path

    def read(self, path: str) -> bytes | None:
        target = (self.root / path).resolve()
        if not target.is_relative_to(self.root.resolve()) or not target.is_file():
            return None
        try:
            return target.read_bytes()
        except OSError:
            return None


@dataclass(frozen=True, slots=True)
class GitObjects:
    """Files as git stores them: ``rev`` is a commit, or ``""`` for the index."""

    root: Path
    rev: str

    def read(self, path: str) -> bytes | None:
        result = _git(self.root, ["show", f"{self.rev}:{path}"], check=False)
        return result.stdout if result.returncode == 0 else None


def _git(root: Path, args: list[str], check: bool = True) -> subprocess.CompletedProcess[bytes]:
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotePath=true", *args],
            cwd=root,
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
        return LoadedDiff(data, "staged changes (git diff --cached)", GitObjects(root, ""))
    if source.kind == "range":
        assert source.base is not None
        head = source.head or "HEAD"
        for rev in (source.base, head):
            _verify(root, rev)
        data = _git(root, [*GIT_DIFF_FLAGS, f"{source.base}...{head}"]).stdout
        return LoadedDiff(data, f"{source.base}...{head}", GitObjects(root, head))
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
    data = _git(root, [*GIT_DIFF_FLAGS, base]).stdout
    origin = f"working tree against {upstream} (merge-base {base[:12]})"
    return LoadedDiff(data, origin, WorkTree(root))
