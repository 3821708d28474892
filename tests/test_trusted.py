"""config/trusted.py and the ``github`` command: a PR cannot configure its own gate (issue 11).

The config, the rule files it names and the gates' own configs are read from the PR's base
(git objects, or the contents API when the checkout lacks the base); the PR's versions are named
in a note and not used; provider keys go only to the base config's URLs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hunkroute.commands import github as ghaction
from hunkroute.commands import gitlab as glcommand
from hunkroute.config import Config, GateConfig
from hunkroute.config.trusted import pr_changes, read_trusted
from hunkroute.diff import source
from hunkroute.diff import unified as diff
from hunkroute.forges.github.client import GitHubClient
from hunkroute.forges.github.contents import GitHubRevision
from hunkroute.forges.gitlab.client import GitLabClient
from hunkroute.forges.gitlab.contents import GitLabRevision
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import BASE, GateSetup, Target, build_setup, scan
from hunkroute.model import ChangeSet
from tests.helpers.fake_github import TOKEN, FakeGitHub
from tests.helpers.fake_gitlab import TOKEN as GITLAB_TOKEN
from tests.helpers.fake_gitlab import FakeGitLab
from tests.helpers.fake_llm import serve
from tests.helpers.gitrepo import GitRepo
from tests.helpers.llmcase import ENV, KEY, KEY_ENV
from tests.helpers.mrs import gitlab_env
from tests.helpers.prs import actions_env

RULE = """rules:
  - id: no-print
    pattern: print(...)
    message: no print
    languages: [python]
    severity: ERROR
"""
BASE_FILES = {
    "hunkroute.yaml": "fail_on: error\ngates:\n  - {name: semgrep, rules: [rules/]}\n",
    "rules/print.yaml": RULE,
    "rules/more/extra.yaml": RULE.replace("no-print", "no-print-2"),
    "pyproject.toml": "[tool.ruff]\nline-length = 88\n[tool.bandit]\nskips = []\n",
    "app.py": "def double(x):\n    return 2 * x\n",
}
PR_FILES = {
    "hunkroute.yaml": "fail_on: never\ngates: []\n",
    "rules/print.yaml": "rules: []\n",
    "rules/added.yaml": "rules: []\n",
    "pyproject.toml": "[tool.ruff]\nline-length = 300\n[tool.bandit]\nskips = ['B602']\n",
    "pkg/ruff.toml": "lint.ignore = ['E']\n",
}


def _pr(root: Path, base: dict[str, str], head: dict[str, str]) -> tuple[GitRepo, str, str]:
    repo = GitRepo(root)
    for path, text in base.items():
        repo.write(path, text)
    base_sha = repo.commit("base")
    for path, text in head.items():
        repo.write(path, text)
    return repo, base_sha, repo.commit("head")


def _changes(repo: GitRepo, base: str, head: str, config: Config) -> ChangeSet:
    loaded = source.load(source.DiffSource("range", base=base, head=head), repo.root)
    return diff.parse(diff.decode(loaded.data), config.files, loaded.origin)


def test_config_rules_and_gate_configs_come_from_the_base(tmp_path: Path) -> None:
    repo, base, head = _pr(tmp_path / "repo", BASE_FILES, PR_FILES)
    trusted = read_trusted(source.GitObjects(repo.root, base), None, tmp_path / "t", base)
    assert trusted.config.fail_on == "error" and [g.name for g in trusted.config.gates] == [
        "semgrep"
    ]
    assert (tmp_path / "t" / "rules" / "print.yaml").read_text() == RULE
    assert (tmp_path / "t" / "rules" / "more" / "extra.yaml").exists()
    assert not (tmp_path / "t" / "rules" / "added.yaml").exists()  # the PR's addition
    setup = build_setup(trusted.config, source.WorkTree(trusted.folder), pinned=True)
    assert "line-length = 88" in setup.user_configs["pyproject.toml"]
    assert setup.gates[0].rules == (str((tmp_path / "t" / "rules").resolve()),)
    changed = pr_changes(trusted, _changes(repo, base, head, trusted.config))
    assert sorted(f.file for f in changed) == [
        "hunkroute.yaml", "pyproject.toml", "rules/added.yaml", "rules/print.yaml"
    ]  # fmt: skip
    assert all(f.severity == "note" and f.source == "hunkroute" for f in changed)
    assert "base commit " + base[:12] in changed[0].message


def test_no_config_at_the_base_means_the_defaults_not_the_prs_file(tmp_path: Path) -> None:
    repo, base, head = _pr(
        tmp_path / "repo", {"app.py": "x = 1\n"}, {"hunkroute.yaml": "gates: []\n"}
    )
    trusted = read_trusted(source.GitObjects(repo.root, base), None, tmp_path / "t", base)
    assert trusted.config.source == "built-in defaults" and trusted.config.gates
    (note,) = pr_changes(trusted, _changes(repo, base, head, trusted.config))
    assert note.file == "hunkroute.yaml" and note.line == 1


def test_the_contents_api_serves_the_base_when_the_checkout_lacks_it(tmp_path: Path) -> None:
    with FakeGitHub() as fake:
        fake.files_at = {"base1": {k: v.encode() for k, v in BASE_FILES.items()},
                         "head1": {k: v.encode() for k, v in PR_FILES.items()}}  # fmt: skip
        client = GitHubClient(fake.url, TOKEN, sleep=lambda s: None)
        api = GitHubRevision(client, "octo/shop", "base1")
        trusted = read_trusted(api, None, tmp_path / "t", "base1")
        client.close()
        assert fake.errors == []
    assert trusted.config.fail_on == "error"
    assert (tmp_path / "t" / "rules" / "more" / "extra.yaml").read_text().count("no-print-2")
    assert "line-length = 88" in (tmp_path / "t" / "pyproject.toml").read_text()
    assert trusted.folders == ("rules",)


def _provider(url: str) -> str:
    return (
        f"providers:\n  - {{name: p0, api: openai, base_url: '{url}', model: m,"
        f" api_key_env: {KEY_ENV}, cost_per_input_token: 0.0000001,"
        " cost_per_output_token: 0.0000002, quality: 9, timeout_s: 2,"
        " supported_tasks: [review, debugging, boilerplate]}\n"
    )


@pytest.mark.tools
def test_a_pr_rewriting_the_config_is_not_obeyed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The measured attack: another base_url, gates: [], fail_on: never, and a shell=True hunk."""
    shell = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
    with serve("openai") as good, serve("openai") as attacker, FakeGitHub() as fake:
        base_config = "budget_usd: 0.5\n" + _provider(good.base_url)
        pr_config = "fail_on: never\ngates: []\n" + _provider(attacker.base_url)
        repo, base, head = _pr(
            tmp_path / "repo",
            {"hunkroute.yaml": base_config, "app.py": "x = 1\n"},
            {
                "hunkroute.yaml": pr_config,
                "app.py": "x = 1\n",
                "tool.py": shell,
                "pyproject.toml": "[tool.bandit]\nskips = ['B602']\n",
            },  # fmt: skip
        )
        monkeypatch.chdir(repo.root)
        runner = actions_env(monkeypatch, tmp_path, fake.url, shas=(base, head))
        monkeypatch.setenv(KEY_ENV, ENV[KEY_ENV])
        monkeypatch.setenv("HUNKROUTE_POST", "review")
        code = ghaction.command(None, sleep=lambda s: None)
        assert fake.errors == []
    assert attacker.seen == [] and good.seen
    assert all(s.headers["authorization"] == f"Bearer {KEY}" for s in good.seen)
    assert code == 1  # the base's gates and fail_on: shell=True blocks
    report = json.loads((runner / "hunkroute" / "hunkroute-report.json").read_text())
    seen = {(f["source"], f["rule"]) for f in report["findings"]}
    seen |= {(a["source"], a["rule"]) for f in report["findings"] for a in f.get("also", [])}
    assert ("bandit", "B602") in seen  # the PR's [tool.bandit] skips were not used
    summary = (runner / "summary.md").read_text()
    assert "hunkroute.yaml: changed by this PR and not used" in summary
    assert "pyproject.toml: changed by this PR and not used" in summary
    (review,) = fake.reviews
    notes = [c for c in review["comments"] if "trusted-config" in c["body"]]
    assert sorted(c["path"] for c in notes) == ["hunkroute.yaml", "pyproject.toml"]


@pytest.mark.tools
@pytest.mark.parametrize(("pinned", "expected"), [(True, {"F401"}), (False, set())])
def test_a_pinned_batch_does_not_let_a_changed_nested_ruff_toml_configure_ruff(
    pinned: bool, expected: set[str]
) -> None:
    root_config = {"pyproject.toml": "[tool.ruff]\nline-length = 100\n"}  # ruff not isolated
    setup = GateSetup((GateConfig("ruff"),), root_config, pinned)
    targets = [Target(BASE, "pkg/mod.py", "import os\n", "python"),
               Target(BASE, "pkg/ruff.toml", "lint.ignore = ['F401']\n", "toml")]  # fmt: skip
    result = scan(targets, setup, ToolRunner(dict(os.environ)))
    assert result.failures == ()
    assert {f.rule for f in result.of(BASE, "pkg/mod.py")} == expected


@pytest.mark.tools
def test_an_mr_rewriting_the_config_is_not_obeyed_on_gitlab(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same attack through ``gitlab``: the shared forge flow reads the base's config."""
    shell = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
    with serve("openai") as good, serve("openai") as attacker:
        base_config = "budget_usd: 0.5\n" + _provider(good.base_url)
        repo, base, head = _pr(
            tmp_path / "repo",
            {"hunkroute.yaml": base_config, "app.py": "x = 1\n"},
            {"hunkroute.yaml": "fail_on: never\ngates: []\n" + _provider(attacker.base_url),
             "app.py": "x = 1\n", "tool.py": shell},
        )  # fmt: skip
        with FakeGitLab(repo.git("diff", base, head), base, head) as fake:
            monkeypatch.chdir(repo.root)
            gitlab_env(monkeypatch, repo.root, fake.api, (base, head))
            monkeypatch.setenv(KEY_ENV, ENV[KEY_ENV])
            code = glcommand.command(None, sleep=lambda s: None)
    assert attacker.seen == [] and good.seen
    assert code == 1
    summary = (repo.root / glcommand.SUMMARY).read_text()
    assert "hunkroute.yaml: changed by this PR and not used" in summary


def test_gitlabs_repository_api_serves_the_base_when_git_cannot(tmp_path: Path) -> None:
    with FakeGitLab() as fake:
        fake.base_files = {k: v.encode() for k, v in BASE_FILES.items()}
        fake.base_files |= {f"rules/many/r{i}.yaml": RULE.encode() for i in range(120)}
        fake.files = {k: v.encode() for k, v in PR_FILES.items()}  # the head's: never read
        client = GitLabClient(fake.api, GITLAB_TOKEN, sleep=lambda s: None)
        revision = GitLabRevision(client, "group/shop", fake.refs["base_sha"])
        trusted = read_trusted(revision, None, tmp_path / "t", "b" * 40)
        client.close()
    assert trusted.config.fail_on == "error" and trusted.folders == ("rules",)
    assert len(list((tmp_path / "t" / "rules" / "many").iterdir())) == 120  # over two pages
    assert "line-length = 88" in (tmp_path / "t" / "pyproject.toml").read_text()
