"""The pre-commit framework running this checkout's ``.pre-commit-hooks.yaml`` (``try-repo``).

``language: python`` makes pre-commit build a virtualenv and ``pip install`` this checkout into
it. Tests must not reach a package index, so the environment below lets that virtualenv see the
system site-packages (where hunkroute's dependencies are installed), turns the index off and
builds with the installed setuptools. The manifest itself is exercised unchanged; with registry
access (a user's machine, CI) pre-commit installs the dependencies from PyPI instead.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.helpers.cli import SRC
from tests.helpers.gitrepo import GitRepo, scratch_repo

ROOT = Path(__file__).resolve().parents[1]
NO_GATES = "gates: []  # this test is about the stage and the range, not the gates\n"


def offline_install_env() -> dict[str, str]:
    """Let try-repo's fresh virtualenv install this checkout without a package index.

    The dependencies come from the environment running the tests, through PYTHONPATH (pip
    counts what it can import as installed), and the gate tools from its ``bin`` on PATH. The
    system site-packages would not do: in a venv they are the base interpreter's, which on a
    fresh machine hold none of hunkroute's dependencies.
    """
    paths = sysconfig.get_paths()
    site = os.pathsep.join(dict.fromkeys([paths["purelib"], paths["platlib"]]))
    tools = str(Path(sys.executable).parent)
    return {
        "PYTHONPATH": site,
        "PATH": os.pathsep.join([tools, os.environ.get("PATH", os.defpath)]),
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip reads "0" here as: do not isolate the build
    }


def try_repo(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo`` of this checkout's ``hunkroute-offline`` hook in ``repo``.

    try-repo builds the hook's virtualenv afresh each time, in a throwaway store.
    """
    env = dict(os.environ)
    env.update(offline_install_env(), PRE_COMMIT_HOME=str(repo.root.parent / "pre-commit-home"))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(ROOT),
            "hunkroute-offline",
            "-v",
            *args,
        ],
        cwd=repo.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return scratch_repo(tmp_path / "scratch")


def test_manifest_is_valid_for_pre_commit() -> None:
    checked = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.tools
def test_clean_staged_change_passes(repo: GitRepo) -> None:
    repo.write("app.py", "def double(x):\n    return x * 2\n")
    repo.git("add", "app.py")
    result = try_repo(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hunkroute (static gates only)" in result.stdout
    assert "hunkroute: passed · 0 finding(s), 0 blocking" in result.stdout


def test_pre_push_stage_checks_the_pushed_range(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("hunkroute.yaml", NO_GATES)
    repo.commit("config")
    repo.bare_remote(tmp_path / "remote.git")
    pushed = repo.git("rev-parse", "origin/main").strip()
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("feature.py", "def triple(x):\n    return 3 * x\n")
    head = repo.commit("feature")
    stage = ("--hook-stage", "pre-push", "--from-ref", pushed, "--to-ref", head)
    result = try_repo(repo, *stage)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"hunkroute: checking {pushed}...{head}\n" in result.stdout
    assert "hunkroute: passed" in result.stdout


LOCAL_CONFIG = """\
repos:
  - repo: local
    hooks:
      - id: hunkroute-offline
        name: hunkroute (static gates only)
        entry: python -m hunkroute precommit --offline
        language: system
        pass_filenames: false
        require_serial: true
        stages: [pre-commit, pre-push]
"""  # the README's variant for an installed hunkroute: no virtualenv, no download


def test_installed_framework_hook_runs_on_a_real_push(repo: GitRepo, tmp_path: Path) -> None:
    repo.write("hunkroute.yaml", NO_GATES)
    repo.commit("config")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home"), "PYTHONPATH": str(SRC)}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    repo.bare_remote(tmp_path / "remote.git")
    repo.write(".pre-commit-config.yaml", LOCAL_CONFIG)
    install = [sys.executable, "-m", "pre_commit", "install", "-t", "pre-commit", "-t", "pre-push"]
    subprocess.run(install, cwd=repo.root, env=env, check=True, capture_output=True)
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("feature.py", "def triple(x):\n    return 3 * x\n")
    subprocess.run(["git", "add", "-A"], cwd=repo.root, env=env, check=True)
    for argv in (["git", "commit", "-q", "-m", "feature"], ["git", "push", "origin", "feature"]):
        run = subprocess.run(argv, cwd=repo.root, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "hunkroute (static gates only)" in run.stdout + run.stderr
