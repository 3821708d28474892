"""gates/secrets.py: committed keys and tokens are findings, in code and in "documentation"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hunkroute.gates.secrets import scan_text
from tests.helpers.cli import run_cli
from tests.helpers.gitrepo import GitRepo, scratch_repo

# Assembled at run time so that this file does not itself hold a key-shaped text.
BEGIN, END = "-----BEGIN " + "RSA PRIVATE KEY-----", "-----END " + "RSA PRIVATE KEY-----"
KEY = f"{BEGIN}\nMIIEowIBAAKCAQEAzZ1example0nly\nbm90IGEgcmVhbCBrZXk=\n{END}\n"
TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def test_a_key_block_is_one_finding_and_tokens_are_one_per_line() -> None:
    text = f"intro\n{KEY}token = '{TOKEN}'\nplain = 1\n"
    found = list(scan_text("conf/x.pem", text))
    assert [(f.rule, f.line, f.end_line, f.severity) for f in found] == [
        ("private-key", 2, 5, "error"),
        ("github-token", 6, 6, "error"),
    ]
    assert all(TOKEN not in f.message and "MII" not in f.message for f in found)


def test_awss_documented_sample_key_is_not_a_secret() -> None:
    sample = "AKIA" + "IOSFODNN7EXAMPLE"
    assert list(scan_text("README.md", f"aws_access_key_id = {sample}\n")) == []
    (real,) = scan_text("app.cfg", "aws_access_key_id = AKIA" + "IOSFODNN7ABCDEFG\n")
    assert real.rule == "aws-access-key"


def test_an_unterminated_key_runs_to_the_end_of_the_file() -> None:
    (finding,) = scan_text("k.key", f"{BEGIN}\nabc\n")
    assert (finding.line, finding.end_line) == (1, 3)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return scratch_repo(tmp_path / "repo")


def run_json(repo: GitRepo) -> tuple[int, dict[str, object]]:
    base = repo.git("rev-parse", "HEAD~1").strip()
    result = run_cli(["run", "--offline", "--base", base, "--format", "json"], repo.root)
    return result.code, json.loads(result.out)


@pytest.mark.tools
def test_a_committed_key_outside_tests_blocks(repo: GitRepo) -> None:
    repo.write("deploy/server.key", KEY)
    repo.commit("add a key")
    code, report = run_json(repo)
    assert code == 1
    findings = report["findings"]
    assert isinstance(findings, list)
    (key,) = [f for f in findings if f["source"] == "secrets"]
    assert (key["file"], key["severity"], key["rule"]) == (
        "deploy/server.key",
        "error",
        "private-key",
    )
    hunks = report["hunks"]
    assert isinstance(hunks, list)
    assert hunks[0]["category"] == "review"  # never "documentation file"


@pytest.mark.tools
def test_fixture_keys_in_tests_are_warnings_and_pass(repo: GitRepo) -> None:
    repo.write("tests/certs/server.key", KEY)
    repo.write("tests/test_tls.py", "def test_tls():\n    assert True\n")
    repo.commit("add test certs")
    code, report = run_json(repo)
    assert code == 0
    findings = report["findings"]
    assert isinstance(findings, list)
    assert [(f["source"], f["severity"]) for f in findings] == [("secrets", "warning")]
