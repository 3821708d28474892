"""hookinstall.py, ``init --hooks`` and the plain sh hooks of ``hooks/`` run by real git."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hunkroute.commands import hookinstall
from tests.helpers.cli import SRC, run_main
from tests.helpers.gitrepo import GitRepo

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", "x = 1\n")
    repo.write("hunkroute.yaml", "gates: []  # these tests are about hooks, not the gates\n")
    repo.commit("base")
    monkeypatch.chdir(repo.root)
    return repo


def git_env(path_dirs: list[Path] | None = None) -> dict[str, str]:
    """git's environment for hooks: this checkout importable, and optionally a chosen PATH."""
    env = dict(os.environ, PYTHONPATH=str(SRC))
    if path_dirs is not None:
        env["PATH"] = os.pathsep.join(str(d) for d in path_dirs)
    return env


def git(repo: GitRepo, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo.root, env=env, capture_output=True, text=True, check=False
    )


def test_repository_hooks_are_the_packaged_templates() -> None:
    for name in hookinstall.HOOK_NAMES:
        plain = ROOT / "hooks" / name
        assert plain.resolve() == SRC / "hunkroute" / "data" / "hooks" / name
        assert plain.stat().st_mode & stat.S_IXUSR
        assert hookinstall.PYTHON_LINE in plain.read_text()
        assert subprocess.run(["sh", "-n", str(plain)], check=False).returncode == 0


def test_init_hooks_installs_both_with_this_python(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(["init", "--hooks"], capsys)
    assert result.code == 0
    assert "git commit --no-verify" in result.err
    for name in hookinstall.HOOK_NAMES:
        hook = repo.root / ".git" / "hooks" / name
        assert hook.stat().st_mode & stat.S_IXUSR
        assert f"hunkroute_python={sys.executable}\n" in hook.read_text()
    assert "budget_usd" not in (repo.root / "hunkroute.yaml").read_text()  # hooks only


def test_a_foreign_hook_is_kept_unless_forced(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = repo.write(".git/hooks/pre-push", "#!/bin/sh\necho mine\n")
    result = run_main(["init", "--hooks"], capsys)
    assert result.code == 2
    assert result.err == (
        f"hunkroute: error: {mine}: a hook is already there (use --force to replace it)\n"
    )
    assert mine.read_text() == "#!/bin/sh\necho mine\n"
    assert not (repo.root / ".git" / "hooks" / "pre-commit").exists()  # all or nothing
    assert run_main(["init", "--hooks", "--force"], capsys).code == 0
    assert hookinstall.MARKER in mine.read_text()


def test_reinstalling_over_our_own_hooks_needs_no_force(repo: GitRepo) -> None:
    hookinstall.install(repo.root, "/old/venv/bin/python", force=False)
    folder, _ = hookinstall.install(repo.root, "/new venv/bin/python", force=False)
    assert "hunkroute_python='/new venv/bin/python'\n" in (folder / "pre-commit").read_text()


def test_core_hooks_path_is_respected(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("config", "core.hooksPath", "tools/githooks")
    assert run_main(["init", "--hooks"], capsys).code == 0
    assert (repo.root / "tools" / "githooks" / "pre-commit").is_file()
    assert not (repo.root / ".git" / "hooks" / "pre-commit").exists()
    repo.write("app.py", "x = 2\n")
    repo.git("add", "app.py")
    committed = git(repo, "commit", "-q", "-m", "edit", env=git_env())
    assert committed.returncode == 0, committed.stderr
    assert "hunkroute: passed" in committed.stderr  # git ran our hook from core.hooksPath


def test_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_main(["init", "--hooks"], capsys).code == 2


class TestFindingHunkroute:
    """The installed hook runs its recorded Python, else ``hunkroute`` on PATH, else says so."""

    def stub(self, folder: Path) -> Path:
        folder.mkdir()
        script = folder / "hunkroute"
        script.write_text('#!/bin/sh\necho "stub hunkroute $*" >&2\nexit 0\n')
        script.chmod(0o755)
        return folder

    def commit(self, repo: GitRepo, path_dirs: list[Path]) -> subprocess.CompletedProcess[str]:
        repo.write("app.py", "x = 3\n")
        repo.git("add", "app.py")
        return git(repo, "commit", "-q", "-m", "edit", env=git_env(path_dirs))

    def git_dir(self) -> Path:
        found = subprocess.run(["sh", "-c", "command -v git"], capture_output=True, text=True)
        return Path(found.stdout.strip()).parent

    def test_falls_back_to_hunkroute_on_path(self, repo: GitRepo, tmp_path: Path) -> None:
        hookinstall.install(repo.root, str(tmp_path / "gone" / "python"), force=False)
        stubs = self.stub(tmp_path / "bin")
        result = self.commit(repo, [stubs, self.git_dir(), Path("/usr/bin"), Path("/bin")])
        assert result.returncode == 0
        assert "stub hunkroute precommit" in result.stderr

    def test_without_hunkroute_the_commit_stops_and_says_how_to_skip(
        self, repo: GitRepo, tmp_path: Path
    ) -> None:
        hookinstall.install(repo.root, str(tmp_path / "gone" / "python"), force=False)
        result = self.commit(repo, [self.git_dir(), Path("/usr/bin"), Path("/bin")])
        assert result.returncode != 0
        assert "hunkroute: not found" in result.stderr
        assert "git commit --no-verify" in result.stderr


def test_pre_push_hook_runs_on_a_real_push(repo: GitRepo, tmp_path: Path) -> None:
    remote = repo.bare_remote(tmp_path / "remote.git")
    hookinstall.install(repo.root, sys.executable, force=False)
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("feature.py", "def double(x):\n    return 2 * x\n")
    repo.git("add", "feature.py")
    assert git(repo, "commit", "-q", "-m", "feature", env=git_env()).returncode == 0
    pushed = git(repo, "push", "-q", "origin", "feature", env=git_env())
    assert pushed.returncode == 0, pushed.stderr
    assert "hunkroute: passed" in pushed.stderr
    assert "feature" in repo.git("ls-remote", str(remote))
