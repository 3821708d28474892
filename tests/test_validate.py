"""Suggestion verdicts: pure checks, and one real gate batch judging a whole round."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from hunkroute import config as configmod
from hunkroute.gates import validate
from hunkroute.gates.prescan import Baseline
from hunkroute.gates.runner import ToolRunner
from hunkroute.gates.workspace import build_setup
from hunkroute.model import Candidate, Finding, Hunk, Line, Verdict
from tests.helpers.gates import MemorySnapshot, Starts, changes_of, hunk_at, line_of

FIXTURES = Path(__file__).parent / "fixtures" / "gates" / "judge"
OLD = (FIXTURES / "service_old.py").read_text(encoding="utf-8")
NEW = (FIXTURES / "service_new.py").read_text(encoding="utf-8")
PATH = "app/service.py"
CHANGES = changes_of({PATH: (OLD, NEW)})


def suggest(anchor: str, replacement: str, end_anchor: str | None = None) -> Candidate:
    """A model-style suggestion replacing the line holding ``anchor`` (through ``end_anchor``)."""
    line = line_of(NEW, anchor)
    end = line_of(NEW, end_anchor) if end_anchor else line
    finding = Finding(PATH, line, end, "warning", "model", "review", "fix", replacement, "m")
    return Candidate(hunk_at(CHANGES, PATH, line), finding)


# Suggestions a reviewer must never see, and the two that fix real findings.
ROUND = {
    "adds shell=True": suggest(
        'subprocess.run(["ls", path]', '    return subprocess.run("ls " + path, shell=True)'
    ),
    "adds pickle.loads": suggest("data = json.loads(blob)", "    data = pickle.loads(blob)"),
    "adds eval": suggest("value = int(text)", "    value = eval(text)"),
    "breaks syntax": suggest("    return count", "    return count +"),
    "disables TLS": suggest(
        "requests.get(url, timeout=10)", "    return requests.get(url, timeout=10, verify=False)"
    ),
    "undefined name": suggest("    return count", "    return cnt"),
    "outside the hunk": suggest("def ping", 'def ping():\n    return "PONG"', 'return "pong"'),
    "redaction": suggest("amount = sum(items)", "    amount = sum(items)  # [REDACTED:api_key]"),
    "no-op": suggest("value = int(text)", "    value = int(text)\n"),
    "fixes bandit": suggest("shell=True)", "    subprocess.call(shlex.split(cmd))"),
    "fixes undefined name": suggest("return amout", "    return amount"),
}


@pytest.fixture(scope="module")
def round_verdicts() -> tuple[dict[str, Verdict], Starts]:
    """One judge round over every suggestion above: one process per gate for all of them."""
    starts = Starts()
    config = configmod.load(None)
    snapshot = MemorySnapshot({PATH: NEW})
    runner = ToolRunner(dict(os.environ), on_start=starts)
    judge = validate.build_judge(build_setup(config, snapshot), runner, Baseline(), snapshot)
    verdicts = judge(list(ROUND.values()))
    return dict(zip(ROUND, verdicts, strict=True)), starts


def rules_of(findings: Sequence[Finding]) -> set[str]:
    return {f"{f.source}:{f.rule}" for f in findings}


@pytest.mark.tools
def test_one_process_per_gate_for_the_whole_round(
    round_verdicts: tuple[dict[str, Verdict], Starts],
) -> None:
    verdicts, starts = round_verdicts
    assert starts.counts() == {"ruff": 1, "bandit": 1, "semgrep": 1}
    assert len(verdicts) == len(ROUND)


@pytest.mark.tools
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("adds shell=True", {"bandit:B602", "semgrep:subprocess-shell-true"}),
        ("adds pickle.loads", {"bandit:B301", "semgrep:unsafe-deserialization"}),
        ("adds eval", {"bandit:B307", "semgrep:eval-exec-dynamic"}),
        ("disables TLS", {"bandit:B501", "semgrep:tls-verification-disabled"}),
        ("undefined name", {"ruff:F821"}),
    ],
)
def test_rejects_a_suggestion_that_adds_findings(
    round_verdicts: tuple[dict[str, Verdict], Starts], case: str, expected: set[str]
) -> None:
    verdict = round_verdicts[0][case]
    assert not verdict.accepted
    assert expected <= rules_of(verdict.new_findings)
    line = ROUND[case].finding.line
    assert all(abs(f.line - line) <= validate.AROUND for f in verdict.new_findings)


@pytest.mark.tools
@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("breaks syntax", "breaks Python syntax"),
        ("outside the hunk", "that the change did not add"),
        ("redaction", "redaction placeholder"),
        ("no-op", "no-op"),
    ],
)
def test_rejects_before_any_gate_runs(
    round_verdicts: tuple[dict[str, Verdict], Starts], case: str, reason: str
) -> None:
    verdict = round_verdicts[0][case]
    assert not verdict.accepted
    assert reason in verdict.reason
    assert verdict.new_findings == ()


@pytest.mark.tools
def test_accepts_a_fix_of_a_bandit_finding_despite_the_milder_b603(
    round_verdicts: tuple[dict[str, Verdict], Starts],
) -> None:
    verdict = round_verdicts[0]["fixes bandit"]
    assert verdict.accepted, verdict.reason
    assert {"bandit:B602", "semgrep:subprocess-shell-true", "ruff:F401"} <= rules_of(verdict.fixed)
    assert "fixes bandit B602" in verdict.reason


@pytest.mark.tools
def test_accepts_a_fix_of_an_undefined_name(
    round_verdicts: tuple[dict[str, Verdict], Starts],
) -> None:
    verdict = round_verdicts[0]["fixes undefined name"]
    assert verdict.accepted, verdict.reason
    assert rules_of(verdict.fixed) == {"ruff:F821", "ruff:F841"}  # and `amount` is used again


# --- pure checks ------------------------------------------------------------------------------


def test_apply_replaces_whole_lines_and_keeps_crlf() -> None:
    text = "a = 1\r\nb = 2\r\nc = 3\r\n"
    assert validate.apply(text, 2, 2, "b = 20\nb += 1") == "a = 1\r\nb = 20\r\nb += 1\r\nc = 3\r\n"
    assert validate.apply("a\nb\nc\n", 1, 2, "") == "c\n"


def test_line_shift_does_not_make_an_old_finding_new() -> None:
    before = "import os\nx = eval(s)\n"
    after = "import os\n\n\nx  =  eval(s)\n"
    old = Finding("f.py", 2, 2, "warning", "bandit", "B307", "eval")
    moved = Finding("f.py", 4, 4, "warning", "bandit", "B307", "eval")
    new, fixed = validate.difference([old], before, [moved], after)
    assert (new, fixed) == ([], [])


def test_a_finding_on_changed_text_is_new_and_the_old_one_fixed() -> None:
    old = Finding("f.py", 1, 1, "error", "bandit", "B602", "shell")
    new_one = Finding("f.py", 1, 1, "note", "bandit", "B603", "no shell")
    new, fixed = validate.difference([old], "call(c, shell=True)\n", [new_one], "call(c)\n")
    assert (new, fixed) == ([new_one], [old])


def _hunk(numbers: Sequence[int]) -> Hunk:
    added = tuple(Line(n, f"line {n}") for n in numbers)
    return Hunk("h1", "f.py", "python", min(numbers), max(numbers), 1, 1, added, (), ())


def test_milder_finding_of_another_tool_is_not_excused() -> None:
    text = "line 1\nline 2\n"
    finding = Finding("f.py", 1, 1, "warning", "model", "r", "m", "line one")
    candidate = Candidate(_hunk([1, 2]), finding)
    worse = Finding("f.py", 1, 1, "error", "bandit", "B602", "shell")
    milder = Finding("f.py", 1, 1, "note", "semgrep", "other", "x")
    verdict = validate.decide(
        candidate,
        validate.Scanned(text, [worse]),
        validate.Scanned("line one\nline 2\n", [milder]),
    )
    assert not verdict.accepted
    assert verdict.new_findings == (milder,)


def test_the_same_finding_on_rewritten_lines_is_no_worse() -> None:
    before = Finding("f.py", 1, 1, "error", "bandit", "B602", "shell")
    after = Finding("f.py", 1, 2, "error", "bandit", "B602", "shell")
    finding = Finding("f.py", 1, 1, "warning", "model", "r", "m", "call(\n    c, shell=True)")
    verdict = validate.decide(
        Candidate(_hunk([1, 2]), finding),
        validate.Scanned("call(c, shell=True)\nline 2\n", [before]),
        validate.Scanned("call(\n    c, shell=True)\nline 2\n", [after]),
    )
    assert verdict.accepted, verdict.reason


def test_precheck_rejects_lines_beyond_the_file() -> None:
    finding = Finding("f.py", 3, 4, "warning", "model", "r", "m", "x")
    reason = validate.precheck(Candidate(_hunk([3, 4]), finding), "a\nb\n")
    assert reason == "lines 3-4 are not in f.py"


def test_syntax_error_ignores_warnings_and_names_the_line() -> None:
    assert validate.syntax_error('x = "\\d"\n') is None  # only a SyntaxWarning
    assert validate.syntax_error("def f(:\n") == "line 1: invalid syntax"


def test_free_round_keeps_only_validated_suggestions() -> None:
    changes = changes_of({"f.py": ("", "import os\nx = f'a'\n")})
    kept = Finding("f.py", 2, 2, "warning", "ruff", "F541", "f-string", "x = 'a'")
    dropped = Finding("f.py", 1, 1, "warning", "ruff", "F401", "unused", "")

    def judge(candidates: Sequence[Candidate]) -> list[Verdict]:
        return [
            Verdict(c, "accepted" if c.finding is kept else "rejected", "test") for c in candidates
        ]

    findings, problems = validate.free_round([kept, dropped], changes, judge)
    assert findings[0].validated and findings[0].suggestion == "x = 'a'"
    assert findings[1].suggestion is None and not findings[1].validated
    assert problems == ()
