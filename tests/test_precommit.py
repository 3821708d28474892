"""precommit.py and ``hunkroute precommit``: what is checked at each stage, and the exit code."""

from __future__ import annotations

import io
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hunkroute import pipeline
from hunkroute.commands.precommit import hook_sources, parse_ref_updates
from hunkroute.config import Config
from hunkroute.diff.source import DiffSource, LoadedDiff
from hunkroute.errors import InputError
from hunkroute.model import Finding, Report, usd_to_nano
from tests.helpers.cli import Result, run_main
from tests.helpers.gitrepo import GitRepo

ZERO = "0" * 40
RISKY = Finding("app.py", 2, 2, "error", "bandit", "B602", "subprocess call with shell=True")


@dataclass
class FakePipeline:
    """Stands in for ``pipeline.run``: records what it was given, returns a set report."""

    findings: tuple[Finding, ...] = ()
    problems: tuple[str, ...] = ()
    calls: list[tuple[LoadedDiff, Config, pipeline.RunOptions]] = field(default_factory=list)

    def __call__(
        self,
        loaded: LoadedDiff,
        config: Config,
        options: pipeline.RunOptions,
        env: Mapping[str, str],
    ) -> Report:
        self.calls.append((loaded, config, options))
        return Report(loaded.origin, usd_to_nano(config.budget_usd), 0, 0, 0, (),
                      self.findings, config.fail_on, problems=self.problems)  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", "x = 1\n")
    repo.commit("base")
    monkeypatch.chdir(repo.root)
    return repo


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakePipeline:
    fake = FakePipeline()
    monkeypatch.setattr(pipeline, "run", fake)
    return fake


def test_ref_updates_parse_and_bad_lines_are_named() -> None:
    text = f"refs/heads/main {'a' * 40} refs/heads/main {ZERO}\n\n"
    assert [u.local_sha for u in parse_ref_updates(text)] == ["a" * 40]
    with pytest.raises(InputError, match="pre-push input line 3: expected"):
        parse_ref_updates(text + "refs/heads/x --upload-pack=evil refs/heads/x 123\n")


def test_source_follows_pre_commit_environment(repo: GitRepo) -> None:
    empty = io.StringIO()
    ranged = {
        "PRE_COMMIT_FROM_REF": "abc",
        "PRE_COMMIT_TO_REF": "def",
        "PRE_COMMIT_REMOTE_NAME": "o",
    }
    assert hook_sources(repo.root, ranged, None, empty) == (
        [DiffSource("range", base="abc", head="def")],
        [],
    )
    root_push = {"PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main"}
    sources, notes = hook_sources(repo.root, root_push, None, empty)
    head = repo.git("rev-parse", "HEAD").strip()
    assert sources == [DiffSource("range", base=None, head=head)]  # the root commit on its own
    assert "no base on origin" in notes[0]
    assert hook_sources(repo.root, {}, None, empty) == ([DiffSource("staged")], [])


def test_commit_stage_checks_the_index_not_the_work_tree(
    repo: GitRepo, fake: FakePipeline, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("app.py", "x = 1\nstaged = True\n")
    repo.git("add", "app.py")
    repo.write("app.py", "x = 1\nstaged = True\nunstaged = True\n")
    result = run_main(["precommit", "--offline"], capsys)
    assert result.code == 0
    ((loaded, _, options),) = fake.calls
    assert b"+staged = True" in loaded.data and b"unstaged" not in loaded.data
    assert loaded.snapshot.read("app.py") == b"x = 1\nstaged = True\n"
    assert options.interactive and options.offline


def test_precommit_uses_its_own_budget_unless_told(
    repo: GitRepo, fake: FakePipeline, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("hunkroute.yaml", "budget_usd: 2.0\nprecommit: {budget_usd: 0.02}\n")
    repo.git("add", "hunkroute.yaml")
    assert run_main(["precommit"], capsys).code == 0
    assert run_main(["precommit", "--budget", "0.5"], capsys).code == 0
    assert [config.budget_usd for _, config, _ in fake.calls] == [0.02, 0.5]
    assert not fake.calls[0][2].offline


def test_blocking_gate_finding_fails_and_is_printed(
    repo: GitRepo, fake: FakePipeline, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("app.py", "x = 2\n")
    repo.git("add", "app.py")
    fake.findings = (RISKY,)
    result = run_main(["precommit"], capsys)
    assert result.code == 1
    assert result.out == "app.py:2: error B602 subprocess call with shell=True (bandit)\n"
    assert "hunkroute: blocked" in result.err.splitlines()[-1]


def test_outage_never_blocks_even_when_fail_closed(
    repo: GitRepo, fake: FakePipeline, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write("hunkroute.yaml", "fail_closed: true\n")
    repo.git("add", "hunkroute.yaml")
    fake.problems = ("provider deepseek-v4-flash: connection refused",)
    fake.findings = (Finding("app.py", 1, 1, "warning", "model", "review", "hmm", model="m"),)
    result = run_main(["precommit"], capsys)
    assert result.code == 0
    assert (
        "hunkroute: provider deepseek-v4-flash: connection refused; this does not block"
        in result.err
    )


def test_nothing_staged_passes_without_running(
    repo: GitRepo, fake: FakePipeline, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(["precommit"], capsys)
    assert (result.code, fake.calls) == (0, [])
    assert "nothing to check in staged changes" in result.err


def test_outside_a_repository_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_main(["precommit"], capsys)
    assert result.code == 2
    assert result.err == f"hunkroute: error: {tmp_path}: not inside a git repository\n"


def test_malformed_pre_push_input_is_exit_2(
    repo: GitRepo,
    fake: FakePipeline,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("not a ref line\n"))
    result = run_main(["precommit", "--pre-push", "origin"], capsys)
    assert result.code == 2
    assert "pre-push input line 1: expected" in result.err


class TestPushStage:
    """The ranges a push brings, from the lines git writes on the pre-push hook's stdin."""

    @pytest.fixture
    def pushed(self, repo: GitRepo, tmp_path: Path) -> GitRepo:
        repo.bare_remote(tmp_path / "remote.git")
        return repo

    def check(
        self,
        repo: GitRepo,
        stdin: str,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> list[bytes]:
        fake = FakePipeline()
        monkeypatch.setattr(pipeline, "run", fake)
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        result = run_main(["precommit", "--pre-push", "origin"], capsys)
        assert result.code == 0
        if not fake.calls:
            assert result.err == "hunkroute: nothing new to check\n"
        for loaded, _, _ in fake.calls:
            assert f"hunkroute: checking {loaded.origin}\n" in result.err
        return [loaded.data for loaded, _, _ in fake.calls]

    def test_new_branch_is_checked_from_where_it_left_the_remote(
        self, pushed: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pushed.git("checkout", "-q", "-b", "feature")
        pushed.write("one.py", "a = 1\n")
        pushed.commit("one")
        pushed.write("two.py", "b = 2\n")
        head = pushed.commit("two")
        (data,) = self.check(
            pushed, f"refs/heads/feature {head} refs/heads/feature {ZERO}\n", capsys, monkeypatch
        )
        assert b"+++ b/one.py" in data and b"+++ b/two.py" in data and b"app.py" not in data

    def test_update_is_checked_against_the_remote_tip(
        self, pushed: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        old = pushed.git("rev-parse", "HEAD").strip()
        pushed.write("app.py", "x = 3\n")
        head = pushed.commit("edit")
        (data,) = self.check(
            pushed, f"refs/heads/main {head} refs/heads/main {old}\n", capsys, monkeypatch
        )
        assert b"+x = 3" in data

    def test_deletions_and_already_pushed_commits_bring_nothing(
        self, pushed: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        head = pushed.git("rev-parse", "HEAD").strip()
        deleted = f"(delete) {ZERO} refs/heads/gone {head}\n"
        known = f"refs/heads/copy {head} refs/heads/copy {ZERO}\n"  # main already has it
        lines = deleted + known
        assert self.check(pushed, lines, capsys, monkeypatch) == []

    def test_a_new_history_is_checked_whole(
        self, repo: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        head = repo.git("rev-parse", "HEAD").strip()
        (data,) = self.check(
            repo, f"refs/heads/main {head} refs/heads/main {ZERO}\n", capsys, monkeypatch
        )
        assert b"new file mode" in data and b"+x = 1" in data

    def feature(self, repo: GitRepo) -> str:
        repo.git("checkout", "-q", "-b", "feature")
        repo.write("one.py", "a = 1\n")
        repo.commit("one")
        repo.write("two.py", "b = 2\n")
        return repo.commit("two")

    @pytest.fixture
    def push_to_empty(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> Callable[[GitRepo, str], tuple[FakePipeline, Result]]:
        """Push ``feature`` to a second remote, ``backup``, that has no refs at all."""

        def push(repo: GitRepo, head: str) -> tuple[FakePipeline, Result]:
            repo.git("init", "-q", "--bare", str(tmp_path / "empty.git"))
            repo.git("remote", "add", "backup", str(tmp_path / "empty.git"))
            fake = FakePipeline()
            monkeypatch.setattr(pipeline, "run", fake)
            stdin = io.StringIO(f"refs/heads/feature {head} x {ZERO}\n")
            monkeypatch.setattr("sys.stdin", stdin)
            result = run_main(["precommit", "--pre-push", "backup"], capsys)
            assert result.code == 0
            return fake, result

        return push

    def test_an_empty_remote_is_compared_with_the_upstream_not_the_history(
        self, pushed: GitRepo, push_to_empty: Callable[[GitRepo, str], tuple[FakePipeline, Result]]
    ) -> None:
        """Issue 13: a remote with no refs once meant every file of the repository."""
        head = self.feature(pushed)
        pushed.git("branch", "-q", "--set-upstream-to=origin/main", "feature")
        fake, result = push_to_empty(pushed, head)
        ((loaded, _, _),) = fake.calls
        assert b"+++ b/one.py" in loaded.data and b"+++ b/two.py" in loaded.data
        assert b"app.py" not in loaded.data  # the shared history is not new
        assert "compared with feature@{upstream}" in result.err

    def test_the_remotes_default_branch_is_the_base_of_a_new_branch(
        self, pushed: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pushed.git("remote", "set-head", "origin", "main")
        head = self.feature(pushed)
        (data,) = self.check(pushed, f"refs/heads/feature {head} x {ZERO}\n", capsys, monkeypatch)
        assert b"+++ b/one.py" in data and b"app.py" not in data

    def test_without_any_base_each_pushed_commit_is_checked_on_its_own(
        self, pushed: GitRepo, push_to_empty: Callable[[GitRepo, str], tuple[FakePipeline, Result]]
    ) -> None:
        head = self.feature(pushed)
        fake, result = push_to_empty(pushed, head)
        first, second = (loaded.data for loaded, _, _ in fake.calls)
        assert b"+++ b/one.py" in first and b"two.py" not in first and b"app.py" not in first
        assert b"+++ b/two.py" in second and b"one.py" not in second
        assert "no base on backup" in result.err and "2 pushed commit(s)" in result.err


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_real_provider_outage_is_one_line_and_never_blocks(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(
        "hunkroute.yaml",
        f"""\
fail_closed: true
gates: []
retry: {{max_retries: 0, backoff_s: 0}}
providers:
  - name: local
    base_url: http://127.0.0.1:{closed_port()}/v1
    model: coder
    api_key_env: LOCAL_KEY
    cost_per_input_token: 0.000001
    cost_per_output_token: 0.000002
    quality: 9.5
    supported_tasks: [review, debugging, boilerplate]
""",
    )
    repo.write("app.py", "import subprocess\n\n\ndef run(cmd):\n    return subprocess.run(cmd)\n")
    repo.git("add", "-A")
    monkeypatch.setenv("LOCAL_KEY", "test-key")
    result = run_main(["precommit"], capsys)
    assert result.code == 0
    outage = [line for line in result.err.splitlines() if line.endswith("this does not block")]
    assert len(outage) == 1 and "provider local unavailable" in outage[0]
    assert result.err.splitlines()[-1].startswith("hunkroute: passed")
