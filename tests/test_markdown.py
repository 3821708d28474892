"""report/markdown.py: the job summary's sections, escaping and the 1 MiB budget."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hunkroute.model import Finding, Report
from hunkroute.report import markdown
from hunkroute.report.comments import Posting, Unposted
from tests.helpers.prs import findings_for, make_pr, report_for


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return report_for(make_pr(tmp_path_factory.mktemp("md")), findings_for())


def test_sections_money_routing_coverage_findings_and_posting(report: Report) -> None:
    outside = Unposted(report.findings[3], "not on a line of the PR diff")
    posting = Posting("review", posted=2, already=1, unposted=(outside,))
    text = markdown.render(report, posting)
    for part in (
        "| budget | spent | reserved | premium baseline | saving |",
        "### Routing",
        "### Coverage",
        "- static gates only: **2**",
        "### Findings (4, 1 blocking)",
        "new inline: 2 · already posted: 1",
        "not inline, not on a line of the PR diff: **1**",
    ):
        assert part in text
    assert "none (planned: " in text  # offline: the routing table says no model answered


def test_cells_are_escaped(report: Report) -> None:
    odd = Finding("a|b.py", 1, 1, "warning", "model", "r", "x | y\nz @team", model="m")
    text = markdown.render(replace(report, findings=(odd,)))
    assert "a\\|b.py" in text and "x \\| y z @\u200bteam" in text


def test_huge_reports_stay_under_the_byte_budget(report: Report) -> None:
    many = tuple(Finding("a.py", i, i, "warning", "ruff", "E", "m" * 200) for i in range(5000))
    text = markdown.render(replace(report, findings=many), max_bytes=100_000)
    assert len(text.encode()) <= 100_000
    assert "more findings: see the JSON report." in text
