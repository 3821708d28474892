"""Real git repositories in temporary directories."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitRepo:
    """A scratch repository with helpers to write, stage and commit files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "dev@example.com")
        self.git("config", "user.name", "Dev")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        result = subprocess.run(["git", *args], cwd=self.root, capture_output=True, check=True)
        return result.stdout.decode("utf-8", "replace")

    def write(self, path: str, content: str | bytes) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return target

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def git_bytes(self, *args: str) -> bytes:
        return subprocess.run(["git", *args], cwd=self.root, capture_output=True, check=True).stdout

    def bare_remote(self, path: Path, name: str = "origin") -> Path:
        """A bare repository at ``path``, added as remote ``name``, with ``main`` pushed to it."""
        self.git("init", "-q", "--bare", str(path))
        self.git("remote", "add", name, str(path))
        self.git("push", "-q", name, "main")
        return path

    def tracking(self, path: Path) -> Path:
        """``bare_remote`` at ``path`` as ``origin``, with ``main`` tracking ``origin/main``."""
        self.bare_remote(path)
        self.git("branch", "-q", "--set-upstream-to=origin/main")
        return path


def scratch_repo(root: Path) -> GitRepo:
    """A repository with one committed Python file (``app.py``) on ``main``."""
    repo = GitRepo(root)
    repo.write("app.py", "def double(x):\n    return 2 * x\n")
    repo.commit("base")
    return repo
