"""The semgrep gate: offline by construction, and the bundled rule pack tested by semgrep."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from hunkroute.config import GateConfig
from hunkroute.gates import semgrep
from hunkroute.gates.interface import GateJob
from hunkroute.gates.runner import ToolRunner


def job(rules: tuple[str, ...] = ()) -> GateJob:
    files = {"t0/a.py": "x\n", "t0/b.js": "x\n"}
    languages = {"t0/a.py": "python", "t0/b.js": "javascript"}
    settings = GateConfig("semgrep", rules=rules)
    return GateJob("/tmp/root", files, languages, ("t0",), settings, {})


def test_the_command_is_offline_and_uses_local_rules_only() -> None:
    args = semgrep.SEMGREP.command(job())
    assert args is not None
    assert {"--metrics=off", "--disable-version-check", "--json"} <= set(args)
    assert [a for a in args if a.startswith("--config")] == [f"--config={semgrep.PACK}"]
    assert args[-2:] == ["--", "t0/a.py"]


def test_other_languages_are_scanned_only_with_user_rules() -> None:
    args = semgrep.SEMGREP.command(job(("/rules/js.yaml",)))
    assert args is not None
    assert "--config=/rules/js.yaml" in args
    assert args[-3:] == ["--", "t0/a.py", "t0/b.js"]


def test_the_environment_has_no_token_and_no_network_features() -> None:
    env = {"PATH": "/bin", "SEMGREP_APP_TOKEN": "secret", "SEMGREP_RULES": "p/ci"}
    clean = semgrep.offline_environment(env, "/tmp/root")
    assert "SEMGREP_APP_TOKEN" not in clean and "SEMGREP_RULES" not in clean
    assert clean["SEMGREP_ENABLE_VERSION_CHECK"] == "0"
    assert clean["SEMGREP_SEND_METRICS"] == "off"
    assert clean["SEMGREP_SETTINGS_FILE"].startswith("/tmp/root/")


def test_rule_ids_lose_the_folder_prefix_semgrep_adds() -> None:
    assert semgrep.rule_id("tmp.x.rules.subprocess-shell-true") == "subprocess-shell-true"


RULE_FILES = sorted(semgrep.PACK.glob("*.yaml"))


def test_every_bundled_rule_has_true_and_false_positive_cases() -> None:
    assert len(RULE_FILES) >= 15
    for rule_file in RULE_FILES:
        rule = rule_file.stem
        cases = rule_file.with_suffix(".py").read_text(encoding="utf-8")
        assert re.search(rf"# ruleid: {re.escape(rule)}\n", cases), rule
        assert re.search(rf"# ok: {re.escape(rule)}\n", cases), rule


@pytest.mark.tools
def test_the_rule_pack_passes_its_own_tests() -> None:
    """One semgrep process tests the whole pack (``semgrep test``, the fast --test)."""
    tools = ToolRunner(dict(os.environ))
    executable = tools.locate("semgrep")
    assert executable is not None
    proc = subprocess.run(
        [executable, "test", "--json", str(semgrep.PACK)],
        env=semgrep.offline_environment(dict(os.environ), str(semgrep.PACK.parent)),
        capture_output=True,
        timeout=120,
        check=False,
    )
    report = json.loads(proc.stdout)
    assert report["config_missing_tests"] == [] and report["config_with_errors"] == []
    checks = {rid: c for r in report["results"].values() for rid, c in r["checks"].items()}
    assert set(checks) == {f.stem for f in RULE_FILES}
    failed = {rid: c["matches"] for rid, c in checks.items() if not c["passed"]}
    assert failed == {}
    assert proc.returncode == 0
