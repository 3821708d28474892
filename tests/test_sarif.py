"""report/sarif.py: the fields GitHub code scanning requires, and stable fingerprints."""

from __future__ import annotations

import pytest

from hunkroute.report import sarif
from tests.helpers.prs import findings_for, make_pr, report_for


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    root = tmp_path_factory.mktemp("sarif")
    first = report_for(make_pr(root / "a"), findings_for())
    shifted = report_for(make_pr(root / "b", shift=3), findings_for(shift=3))
    return sarif.to_dict(first), sarif.to_dict(shifted)


def test_required_properties_are_present_and_non_empty(logs: tuple[dict, dict]) -> None:
    log = logs[0]
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["bandit/B307", "model/review", "ruff/T201", "ruff/E501"]
    for rule in rules:
        for key in ("shortDescription", "fullDescription", "help"):
            assert rule[key]["text"]
    for result in run["results"]:
        assert (
            result["message"]["text"] and result["partialFingerprints"]["primaryLocationLineHash"]
        )
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] <= region["endLine"]


def test_fingerprints_do_not_change_when_lines_shift(logs: tuple[dict, dict]) -> None:
    def prints(log: dict) -> list[str]:
        return [r["partialFingerprints"]["hunkroute/v1"] for r in log["runs"][0]["results"]]

    first, shifted = logs
    assert prints(first)[:3] == prints(shifted)[:3]  # the three on changed lines
    assert len(set(prints(first))) == 4
