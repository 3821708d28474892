"""The bandit gate: severity × confidence, the user's config, and # nosec."""

from __future__ import annotations

import os

import pytest

from hunkroute.config import GateConfig
from hunkroute.gates import bandit
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import BASE, GateSetup, Target, scan


@pytest.mark.parametrize(
    ("level", "confidence", "severity"),
    [("HIGH", "HIGH", "error"), ("HIGH", "LOW", "warning"), ("MEDIUM", "MEDIUM", "warning"),
     ("MEDIUM", "LOW", "note"), ("LOW", "HIGH", "note"), ("UNDEFINED", "HIGH", "warning")],
)  # fmt: skip
def test_severity_and_confidence_are_mapped_explicitly(
    level: str, confidence: str, severity: str
) -> None:
    assert bandit.severity(level, confidence) == severity


def test_only_skips_and_tests_are_taken_from_a_dot_bandit_file() -> None:
    ini = "[bandit]\nskips = B101,B602\ntests = B6\noutput = /etc/owned\ntargets = /\n"
    assert bandit.config_flags({".bandit": ini}, None) == ["-s", "B101,B602", "-t", "B6"]


def test_pyproject_is_passed_only_with_a_tool_bandit_table() -> None:
    assert bandit.config_flags({"pyproject.toml": "[tool.bandit]\nskips = []\n"}, None) == [
        "-c",
        "pyproject.toml",
    ]
    assert bandit.config_flags({"pyproject.toml": "[tool.ruff]\n"}, None) == []
    assert bandit.config_flags({}, "/etc/bandit.yaml") == ["-c", "/etc/bandit.yaml"]


CODE = "import subprocess\n\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n"


def bandit_rules(user_configs: dict[str, str], text: str = CODE) -> set[str]:
    setup = GateSetup((GateConfig("bandit"),), user_configs)
    result = scan([Target(BASE, "job.py", text, "python")], setup, ToolRunner(dict(os.environ)))
    assert result.failures == ()
    return {f.rule for f in result.of(BASE, "job.py")}


@pytest.mark.tools
def test_the_repositorys_bandit_config_is_honoured() -> None:
    assert bandit_rules({}) == {"B404", "B602"}
    assert bandit_rules({".bandit": "[bandit]\nskips = B602\n"}) == {"B404"}
    pyproject = '[tool.bandit]\nskips = ["B404"]\n'
    assert bandit_rules({"pyproject.toml": pyproject}) == {"B602"}


@pytest.mark.tools
def test_nosec_is_honoured() -> None:
    silenced = CODE.replace("import subprocess\n", "import subprocess  # nosec\n")
    assert bandit_rules({}, silenced) == {"B602"}
