"""report/text.py: the terminal report a person reads."""

from __future__ import annotations

from hunkroute.model import Attempt, Classification, Finding, HunkResult, Related, Report, Route
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


def noisy_report() -> Report:
    """Three hunks: one with a long finding, one a model answered, one quiet."""
    long = "x" * 300
    hunks = []
    for n, (path, status) in enumerate(
        (("a.py", "gated"), ("b.py", "reviewed"), ("c.py", "gated"))
    ):
        hunk = make_hunk(path, 1, ["v = 1"])
        attempts = (Attempt("coder", "ok", 100, 50, 2_000_000),) if status == "reviewed" else ()
        route = Route(hunk.id, "review", "coder", None, "best value", reservation_nano=9_000_000)
        result = HunkResult(hunk, Classification("review", (f"reason {n} " + long,)), route,
                            status, 2_000_000 if attempts else 0, attempts)  # type: ignore[arg-type]  # fmt: skip
        hunks.append(result)
    finding = Finding("a.py", 1, 1, "error", "semgrep", "subprocess-shell-true", long,
                      also=(Related("bandit", "B602"),))  # fmt: skip
    return Report("o", 500_000_000, 2_000_000, 9_000_000, 10_000_000, tuple(hunks), (finding,),
                  "error")  # fmt: skip


def test_default_fits_the_width_and_lists_only_hunks_worth_a_look() -> None:
    rendered = text.render(noisy_report(), View(width=60)).splitlines()
    assert all(len(line) <= 60 for line in rendered), rendered
    assert rendered[1] == "findings (1, 1 blocking):"
    assert rendered[2].startswith("a.py:1 error   semgrep subprocess-shell-true (also: bandit")
    hunk_lines = [line for line in rendered if line.startswith("  ") and ".py:1" in line]
    assert [line.split()[0] for line in hunk_lines] == ["a.py:1", "b.py:1"]  # c.py is quiet
    assert rendered[-1] == "blocked · 1 finding(s), 1 blocking"


def test_offline_rows_show_no_model_or_cost_and_a_model_row_shows_both() -> None:
    rendered = text.render(noisy_report(), View(width=200))
    rows = {line.split()[0]: line.split() for line in rendered.splitlines() if ".py:1 " in line
            and line.startswith("  ")}  # fmt: skip
    assert rows["a.py:1"][3:5] == ["-", "-"]
    assert rows["b.py:1"][3:5] == ["coder", "$0.0020"]
    assert "  review    coder  1      $0.0020" in rendered
    assert "  review    -      2      -" in rendered


def test_verbose_lists_every_hunk_and_quiet_only_findings_and_verdict() -> None:
    verbose = text.render(noisy_report(), View(verbosity=1))
    assert "c.py:1" in verbose and "hunks:" in verbose
    quiet = text.render(noisy_report(), View(verbosity=-1)).splitlines()
    assert len(quiet) == 4 and quiet[-1].startswith("blocked")
    assert "summary" not in "\n".join(quiet)
