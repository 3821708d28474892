"""report/commands.py: workflow-command escaping and the 10-per-type annotation limit."""

from __future__ import annotations

import re

from hunkroute.model import Finding, Report
from hunkroute.report.workflow import command, escape_data, escape_property, render, shown


def runner_unescape_property(text: str) -> str:
    """The runner's decoder order (ActionCommand.cs): %0D, %0A, %3A, %2C, then %25 last."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def test_data_escapes_percent_first_then_cr_and_lf() -> None:
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_data("%0A") == "%250A"  # a literal "%0A" survives the round trip


def test_property_escapes_colon_and_comma_too() -> None:
    assert escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    for text in ("src/a,b.py", "C:\\x", "50%3A", "x\r\ny"):
        assert runner_unescape_property(escape_property(text)) == text


def test_a_command_is_one_line_whatever_the_message() -> None:
    line = command("error", "bad\n::add-mask::secret", file="a,b.py", line=3, title="t: x")
    assert "\n" not in line
    assert line == "::error file=a%2Cb.py,line=3,title=t%3A x::bad%0A::add-mask::secret"


def test_ten_per_type_most_severe_first_rest_counted() -> None:
    def many(severity: str, n: int) -> list[Finding]:
        return [Finding("a.py", i, i, severity, "ruff", "X", "m") for i in range(1, n + 1)]  # type: ignore[arg-type]

    result = shown(many("note", 3) + many("warning", 12) + many("error", 11))
    kinds = [re.match(r"::(\w+)", line).group(1) for line in result.lines]  # type: ignore[union-attr]
    assert kinds == ["error"] * 10 + ["warning"] * 10 + ["notice"] * 3
    assert sorted(f.severity for f in result.hidden) == ["error", "warning", "warning"]


def test_only_the_github_command_points_at_a_job_summary() -> None:
    """Issue 13: ``run --format github`` outside Actions has no job summary to point at."""
    many = tuple(Finding("a.py", n, n, "error", "bandit", "B602", "m") for n in range(1, 13))
    report = Report("d", 0, 0, 0, 0, (), many, "error")
    assert "2 more finding(s) not shown" in render(report)
    assert "job summary" not in render(report)
    assert "2 more finding(s) in the job summary" in render(report, summary=True)
