"""report/text.py: the terminal report a person reads."""

from __future__ import annotations

from hunkroute.model import Classification, Finding, HunkResult, Report, Route
from hunkroute.report import text
from hunkroute.report.view import View
from tests.helpers.hunks import make_hunk


def report_with(findings: tuple[Finding, ...], spent: int = 0) -> Report:
    hunk = make_hunk("app.py", 3, ["import os", "import sys"])
    route = Route(hunk.id, "boilerplate", "cheap", None, "best value", reservation_nano=4000)
    result = HunkResult(hunk, Classification("boilerplate", ("imports (line 3)",)), route, "gated")
    return Report("pr.diff", 500_000_000, spent, spent, 10_000, (result,), findings, "error")


def test_table_findings_and_totals() -> None:
    finding = Finding("app.py", 3, 3, "error", "bandit", "B602", "shell=True")
    rendered = text.render(report_with((finding,)))
    assert "app.py:3-4" in rendered and "imports (line 3)" in rendered
    assert "findings (1, 1 blocking):" in rendered
    assert "bandit B602  shell=True" in rendered
    assert "budget $0.5000" in rendered
    assert "\033[" not in rendered


def test_color_only_when_asked() -> None:
    assert "\033[" in text.render(report_with(()), View(color=True))


def test_suggestions_say_what_they_replace_or_delete() -> None:
    replace = Finding("app.py", 3, 3, "warning", "ruff", "F401", "unused", "import sys", None, True)
    delete = Finding("app.py", 4, 4, "warning", "ruff", "F401", "unused", "", None, True)
    unvalidated = Finding("app.py", 3, 3, "note", "model", "m", "hm", "import os2", "x", False)
    rendered = text.render(report_with((replace, delete, unvalidated)))
    assert "suggestion (replaces line(s) 3):\n    + import sys" in rendered
    assert "suggestion: delete line(s) 4" in rendered
    assert "import os2" not in rendered  # a suggestion the gates did not accept is never shown


def test_model_findings_name_the_model() -> None:
    finding = Finding("app.py", 3, 3, "warning", "model", "model:review", "risky", None, "coder")
    rendered = text.render(report_with((finding,)))
    assert "warning model coder  risky" in rendered and "model:review" not in rendered
