"""report/compact.py: the hook's one-line-per-finding output, suggestion diffs, closing lines."""

from __future__ import annotations

from dataclasses import replace

from hunkroute.model import Classification, Finding, HunkResult, Report, Route, usd_to_nano
from hunkroute.report.compact import closing_lines, escape, render
from tests.helpers.hunks import make_hunk

HUNK = make_hunk("app/run.py", 10, ["import subprocess", "subprocess.call(cmd, shell=True)"])
RISKY = Finding("app/run.py", 11, 11, "error", "bandit", "B602", "subprocess call with shell=True")


def report(
    *findings: Finding, problems: tuple[str, ...] = (), notes: tuple[str, ...] = ()
) -> Report:
    route = Route(HUNK.id, "review", None, "gated", "offline")
    result = HunkResult(HUNK, Classification("review", ("test",)), route, "gated")
    return Report(
        origin="staged changes",
        budget_nano=usd_to_nano(0.05),
        spent_nano=usd_to_nano(0.0012),
        reserved_nano=0,
        premium_baseline_nano=0,
        hunks=(result,),
        findings=findings,
        fail_on="error",
        problems=problems,
        notes=notes,
    )


def test_one_line_per_finding_in_file_and_line_order() -> None:
    later = Finding("app/run.py", 30, 30, "warning", "ruff", "F401", "unused import")
    earlier = Finding("app/a.py", 2, 2, "note", "model", "review", "name is vague", model="m-small")
    assert render(report(later, RISKY, earlier)).splitlines() == [
        "app/a.py:2: note review name is vague (m-small)",
        "app/run.py:11: error B602 subprocess call with shell=True (bandit)",
        "app/run.py:30: warning F401 unused import (ruff)",
    ]


def test_no_findings_prints_nothing() -> None:
    assert render(report()) == ""


def test_validated_suggestion_is_a_small_diff_against_the_lines_it_replaces() -> None:
    fixed = replace(RISKY, suggestion="subprocess.call(shlex.split(cmd))", validated=True)
    assert render(report(fixed)).splitlines()[1:] == [
        "    -subprocess.call(cmd, shell=True)",
        "    +subprocess.call(shlex.split(cmd))",
    ]


def test_suggestion_for_lines_the_diff_does_not_show_names_them() -> None:
    outside = replace(RISKY, line=40, end_line=41, suggestion="pass", validated=True)
    assert render(report(outside)).splitlines()[1:] == ["    ~ replaces lines 40-41", "    +pass"]


def test_unvalidated_suggestion_is_not_shown() -> None:
    assert render(report(replace(RISKY, suggestion="rm -rf /"))).count("\n") == 1


def test_untrusted_text_cannot_drive_the_terminal() -> None:
    sneaky = replace(
        RISKY,
        message="fine\x1b[2K\rhunkroute: passed\nsecond line",
        suggestion="x = 1\x1b]0;title\x07",
        validated=True,
    )
    out = render(report(sneaky))
    assert "\x1b" not in out and "\r" not in out and "\x07" not in out
    assert "fine\\x1b[2K hunkroute: passed second line" in out.splitlines()[0]
    assert escape("a\tb\u202ec") == "a\tb\\u202ec"  # tabs stay, bidi overrides do not


def test_closing_line_has_verdict_cost_and_time() -> None:
    assert closing_lines(report(RISKY), 2.345) == [
        "hunkroute: blocked (skip once with --no-verify) · 1 finding(s), 1 blocking"
        " · cost $0.0012 of $0.0500 · 2.3 s"
    ]
    model_only = replace(RISKY, source="model", model="m")
    assert closing_lines(report(model_only), 0.04)[-1].startswith("hunkroute: passed · 1 finding")


def test_an_outage_is_one_line_that_says_it_does_not_block() -> None:
    lines = closing_lines(report(problems=("provider a: timeout", "provider b: 503")), 1.0)
    assert lines[0] == "hunkroute: provider a: timeout (+1 more); this does not block"
    assert lines[1].startswith("hunkroute: passed")


def test_notes_are_shown_unless_asked_not_to() -> None:
    noted = report(notes=("offline: no provider has its API key set (X_KEY)",))
    assert closing_lines(noted, 0)[0] == (
        "hunkroute: note: offline: no provider has its API key set (X_KEY)"
    )
    assert len(closing_lines(noted, 0, notes=False)) == 1
