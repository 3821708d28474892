"""action.yml and the workflows: GitHub's schemas, zizmor, pinned actions, inputs only via env."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
WORKFLOWS = [ROOT / "examples" / "workflows" / "hunkroute.yml",
             ROOT / ".github" / "workflows" / "hunkroute.yml"]  # fmt: skip
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a tool the test extra installs: beside this Python first (a venv not on PATH)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]' installs it"
    return subprocess.run([found, *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_action_and_workflows_match_githubs_schemas() -> None:
    action = tool("check-jsonschema", "--builtin-schema", "vendor.github-actions", str(ACTION))
    assert action.returncode == 0, action.stdout + action.stderr
    flows = tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                 *map(str, WORKFLOWS))  # fmt: skip
    assert flows.returncode == 0, flows.stdout + flows.stderr


def test_zizmor_finds_nothing() -> None:
    config = str(ROOT / ".github" / "zizmor.yml")
    result = tool("zizmor", "--offline", "--config", config, str(ACTION), *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def uses_lines(path: Path) -> list[str]:
    return [line.split("uses:", 1)[1].strip() for line in path.read_text().splitlines()
            if "uses:" in line]  # fmt: skip


def test_third_party_actions_are_pinned_to_a_sha_with_the_version() -> None:
    refs = uses_lines(ACTION) + uses_lines(WORKFLOWS[1])
    external = [r for r in refs if not r.startswith("./")]
    assert external and all(PINNED.match(r) for r in external), external


def test_inputs_reach_the_script_only_through_env() -> None:
    spec = yaml.safe_load(ACTION.read_text())
    expected = {"github-token", "config", "budget", "fail-on", "post", "max-comments",
                "python-version", "summary-comment"}  # fmt: skip
    assert expected <= set(spec["inputs"])
    assert set(spec["outputs"]) == {"spent-usd", "findings", "blocking", "report", "sarif"}
    for step in spec["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
    run = next(s for s in spec["runs"]["steps"] if s.get("id") == "run")
    assert run["env"]["GITHUB_TOKEN"] == "${{ inputs.github-token }}"


def test_example_workflow_asks_for_the_least_permissions() -> None:
    flow = yaml.safe_load(WORKFLOWS[0].read_text())
    assert flow[True] == {"pull_request": {"types": ["opened", "synchronize", "reopened"]}}
    assert flow["permissions"] == {}
    (job,) = flow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    checkout = job["steps"][0]["with"]
    assert checkout == {"fetch-depth": 0, "persist-credentials": False}


def test_the_install_is_a_cached_venv_that_a_warm_run_does_not_reinstall() -> None:
    """Issue 13: keyed on the action's ref, the OS and Python; a cache hit skips pip."""
    steps = yaml.safe_load(ACTION.read_text())["runs"]["steps"]
    cache = next(s for s in steps if s.get("id") == "install-cache")
    assert cache["uses"].startswith("actions/cache@")
    assert cache["with"]["path"] == "${{ runner.temp }}/hunkroute-venv"
    key = cache["with"]["key"]
    for part in ("github.action_ref", "runner.os", "steps.python.outputs.python-version"):
        assert part in key, key
    install = next(s for s in steps if s["name"] == "Install hunkroute")
    assert install["if"] == "steps.install-cache.outputs.cache-hit != 'true'"
    assert "pip install" in install["run"]
    order = [s.get("id") or s["name"] for s in steps]
    assert order.index("python") < order.index("install-cache") < order.index("Install hunkroute")
