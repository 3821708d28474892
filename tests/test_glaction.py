"""commands/gitlab.py: a simulated MR pipeline from CI variables to exit code, against the fakes.

A real git repository (and, for shallow clones, a real bare "origin"), the fake GitLab, the fake
model server for a suggestion and the real bandit gate for a blocking finding.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from hunkroute import pipeline
from hunkroute.commands import gitlab as glaction
from tests.helpers.cli import run_main
from tests.helpers.fake_gitlab import TOKEN, FakeGitLab
from tests.helpers.fake_llm import FakeLLM, Seen, findings
from tests.helpers.llmcase import KEY, KEY_ENV
from tests.helpers.mrs import gitlab_env
from tests.helpers.prs import PullRequestRepo, make_pr

SUGGESTION = "total = round(price * 1.2, 2)\nprint(total)\n"


def answer(seen: Seen) -> str:
    """The model flags the float rounding (lines 5-6) with a fix; nothing elsewhere."""
    if "total = price * 1.2" not in seen.prompt:
        return '{"findings": []}'
    flagged = {"line": 5, "end_line": 6, "severity": "warning"}
    return findings({**flagged, "message": "Rounds money with a float.", "suggestion": SUGGESTION})


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLM]:
    with FakeLLM("openai", answer) as server:
        yield server


@pytest.fixture
def pr(tmp_path: Path) -> PullRequestRepo:
    return make_pr(tmp_path / "repo")


@pytest.fixture
def fake(pr: PullRequestRepo) -> Iterator[FakeGitLab]:
    with FakeGitLab(pr.repo.git("diff", pr.base, pr.head), pr.base, pr.head) as server:
        yield server


@pytest.fixture
def config(tmp_path: Path, llm: FakeLLM) -> Path:
    path = tmp_path / "hunkroute.yaml"
    path.write_text(
        "budget_usd: 0.05\nfail_on: warning\ngates: [bandit]\n"
        "github: {comment_min_severity: note}\n"
        "retry: {max_retries: 0, backoff_s: 0.001, max_backoff_s: 0.01}\nproviders:\n"
        f"  - {{name: cheap, api: openai, base_url: '{llm.base_url}', model: m-cheap,"
        f" api_key_env: {KEY_ENV}, cost_per_input_token: 0.0000001,"
        " cost_per_output_token: 0.0000002, quality: 9,"
        " supported_tasks: [review, debugging, boilerplate]}\n"
    )
    return path


def run(config: Path) -> int:
    return glaction.command(str(config), sleep=lambda s: None)


def written(root: Path) -> dict[str, str]:
    return {
        name: (root / name).read_text() for name in (glaction.CODE_QUALITY, glaction.JSON_REPORT)
    }


def test_a_merge_request_pipeline_posts_threads_a_summary_and_the_code_quality_report(
    fake: FakeGitLab, pr: PullRequestRepo, config: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    gitlab_env(monkeypatch, pr.repo.root, fake.api, (pr.base, pr.head))
    monkeypatch.setenv(KEY_ENV, KEY)
    assert run(config) == 1  # bandit's B307 on eval() blocks (fail_on: warning)
    bodies = [t["notes"][0]["body"] for t in fake.threads()]
    assert any(f"```suggestion:-0+1\n{SUGGESTION}```" in body for body in bodies), bodies
    assert any("B307" in body for body in bodies)
    (summary,) = [d for d in fake.discussions if d["individual_note"]]
    assert "| budget | spent |" in summary["notes"][0]["body"]
    issues = json.loads((pr.repo.root / glaction.CODE_QUALITY).read_text())
    names = {i["check_name"] for i in issues}
    assert "bandit/B307" in names and any(n.startswith("model/") for n in names)
    assert all(set(i) >= {"description", "check_name", "fingerprint", "severity", "location"}
               for i in issues)  # fmt: skip
    assert next(i for i in issues if i["check_name"] == "bandit/B307")["severity"] == "critical"
    err = capsys.readouterr().err
    assert "diff of !7" in err and "(local git)" in err
    threads = len(fake.threads())
    assert run(config) == 1  # the second pipeline of the same head adds no thread
    assert len(fake.threads()) == threads and len(fake.calls("update-note")) == 1


def test_without_a_token_the_report_is_written_and_the_run_says_why(
    fake: FakeGitLab, pr: PullRequestRepo, config: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    gitlab_env(monkeypatch, pr.repo.root, fake.api, (pr.base, pr.head), token=None)
    monkeypatch.setenv(KEY_ENV, KEY)
    assert run(config) == 1
    assert fake.requests == []
    err = capsys.readouterr().err
    assert "nothing posted to !7: GITLAB_TOKEN is not set" in err
    issues = json.loads(written(pr.repo.root)[glaction.CODE_QUALITY])
    assert "bandit/B307" in {i["check_name"] for i in issues}
    report = json.loads(written(pr.repo.root)[glaction.JSON_REPORT])
    assert report["spent_usd"] == 0 and all(h["status"] != "reviewed" for h in report["hunks"])


def test_a_fork_mr_posts_nothing_and_spends_nothing(
    fake: FakeGitLab, pr: PullRequestRepo, config: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    gitlab_env(monkeypatch, pr.repo.root, fake.api, (pr.base, pr.head),
               CI_MERGE_REQUEST_SOURCE_PROJECT_ID="99")  # fmt: skip
    monkeypatch.setenv(KEY_ENV, KEY)
    assert run(config) == 1 and fake.requests == []
    assert "nothing posted to !7: fork MR" in capsys.readouterr().err


def test_the_token_never_appears_in_any_output(
    fake: FakeGitLab, pr: PullRequestRepo, config: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    gitlab_env(monkeypatch, pr.repo.root, fake.api, (pr.base, pr.head))
    monkeypatch.setenv(KEY_ENV, KEY)
    run(config)
    fake.fail_all = 502  # every answer now echoes the token back
    run(config)
    captured = capsys.readouterr()
    texts = {"stdout": captured.out, "stderr": captured.err, **written(pr.repo.root)}
    texts.update((f"request {i}", json.dumps([r.path, r.query, r.body]))
                 for i, r in enumerate(fake.requests))  # fmt: skip
    assert "REDACTED:gitlab_token" in texts[glaction.JSON_REPORT]
    assert [name for name, text in texts.items() if TOKEN in text] == []


def test_a_shallow_clone_fetches_the_merge_base(
    pr: PullRequestRepo, config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    origin = pr.repo.bare_remote(tmp_path / "origin.git")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth=1", f"file://{origin}", str(clone)],
                   check=True)  # fmt: skip
    lacks = subprocess.run(["git", "cat-file", "-e", pr.base], cwd=clone, check=False)
    assert lacks.returncode != 0  # the shallow clone really lacks the merge base
    with FakeGitLab(base=pr.base, head=pr.head) as fake:
        gitlab_env(monkeypatch, clone, fake.api, (pr.base, pr.head), token=None)
        assert run(config) == 1
    err = capsys.readouterr().err
    assert "(local git, fetched the missing commits)" in err
    report = json.loads((clone / glaction.JSON_REPORT).read_text())
    assert "B307" in {f["rule"] for f in report["findings"]}


def test_without_the_commits_the_diff_comes_from_the_api(
    pr: PullRequestRepo, config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    elsewhere = tmp_path / "not-a-repo"
    elsewhere.mkdir()
    with FakeGitLab(pr.repo.git("diff", pr.base, pr.head), pr.base, pr.head) as fake:
        fake.files["app.py"] = pr.repo.git_bytes("show", f"{pr.head}:app.py")
        gitlab_env(monkeypatch, elsewhere, fake.api, (pr.base, pr.head))
        assert run(config) == 1
        assert fake.calls("diffs") and fake.calls("raw")
    assert "(GitLab API /diffs: git lacks the commits)" in capsys.readouterr().err
    report = json.loads((elsewhere / glaction.JSON_REPORT).read_text())
    assert "B307" in {f["rule"] for f in report["findings"]}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GITLAB_CI": ""}, "runs inside GitLab CI"),
        ({"CI_MERGE_REQUEST_IID": ""}, "not a merge-request pipeline"),
        ({"CI_COMMIT_SHA": ""}, "GitLab CI did not set CI_COMMIT_SHA"),
        ({"CI_MERGE_REQUEST_IID": "seven"}, "CI_MERGE_REQUEST_IID is not a positive number"),
    ],
)
def test_wrong_place_is_one_line_exit_2(
    env: dict[str, str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    gitlab_env(monkeypatch, tmp_path, "http://127.0.0.1:9/api/v4", **env)
    result = run_main(["gitlab"], capsys)
    assert result.code == 2 and message in result.err and len(result.err.strip().splitlines()) == 1
    assert TOKEN not in result.err


def test_the_example_job_has_what_the_command_needs() -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "gitlab-ci.yml"
    job = yaml.safe_load(example.read_text(encoding="utf-8"))["hunkroute"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert job["artifacts"]["reports"]["codequality"] == glaction.CODE_QUALITY
    assert job["cache"]["key"] == "hunkroute-$CI_MERGE_REQUEST_IID"
    assert job["cache"]["paths"] == [".hunkroute-cache/"]
    assert job["variables"]["HUNKROUTE_CACHE_DIR"] == "$CI_PROJECT_DIR/.hunkroute-cache"
    assert "GIT_DEPTH" in job["variables"] and job["script"] == ["python -m hunkroute gitlab"]


def test_the_pipeline_gets_the_title_the_description_and_the_mr_budget_key(
    fake: FakeGitLab, pr: PullRequestRepo, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[pipeline.RunOptions] = []
    real_run = pipeline.run

    def spy(
        loaded: object, cfg: object, options: pipeline.RunOptions, env: object, **kw: object
    ) -> object:
        seen.append(options)
        return real_run(loaded, cfg, options, env, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "run", spy)
    gitlab_env(monkeypatch, pr.repo.root, fake.api, (pr.base, pr.head))
    run(config)
    (options,) = seen
    assert (options.repo, options.pr) == ("group/shop", 7)
    assert (options.title, options.branch) == ("Fix rounding of totals", "fix-rounding")
    assert options.description == "Totals were a cent off (GHSA-xxxx in the next release)."
