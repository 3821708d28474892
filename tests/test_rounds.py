"""rounds.py: verdicts are per hunk, so one rejected suggestion re-sends only its own hunk.

Several hunks of one file share a request; the first model suggests a fix in every hunk and the
judge rejects some. The fallback model must see exactly the rejected hunks (issue 11).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from hunkroute.model import Candidate, Finding, Judge, Verdict
from tests.helpers.fake_llm import findings, serve
from tests.helpers.llmcase import change, config_for, python_files, run


def _fix(hunk: int) -> dict[str, object]:
    """A suggestion on hunk ``hunk``'s total line (``python_files`` puts it at 15h+5)."""
    line = 15 * hunk + 5
    return {"line": line, "end_line": line, "severity": "warning", "message": "tidy",
            "suggestion": f"    total = sum(list(items)) + {hunk}"}  # fmt: skip


def _judge(rejected_lines: set[int]) -> Judge:
    def judge(candidates: Sequence[Candidate]) -> list[Verdict]:
        verdicts = []
        for c in candidates:
            bad = c.finding.model == "p0" and c.finding.line in rejected_lines
            gate = Finding(c.finding.file, c.finding.line, c.finding.line, "error", "bandit",
                           "B101", "assert used")  # fmt: skip
            verdicts.append(Verdict(c, "rejected" if bad else "accepted", "new gate findings",
                                    (gate,) if bad else ()))  # fmt: skip
        return verdicts

    return judge


@pytest.mark.parametrize(
    ("count", "rejected"),
    [(2, {0}), (2, set()), (3, {0}), (3, {1}), (3, set()), (3, {0, 2})],
)
def test_a_rejection_in_a_batch_resends_only_its_hunk(
    tmp_path: Path, count: int, rejected: set[int]
) -> None:
    old, new = python_files(1, hunks_per_file=count)
    every_fix = findings(*(_fix(h) for h in range(count)))
    with serve("openai", lambda s: every_fix) as first, serve("openai") as second:
        report = run(change(old, new), config_for([first, second], tmp_path, extra="gates: []"),
                     judge=_judge({15 * h + 5 for h in rejected}))  # fmt: skip
    assert len(first.seen) == 1  # the file's hunks shared one request
    assert len(second.seen) == (1 if rejected else 0)
    resent = {h for h in range(count) if second.seen and f"added_0_{h}" in second.seen[0].prompt}
    assert resent == rejected
    outcomes = {r.hunk.new_start: [a.outcome for a in r.attempts] for r in report.hunks}
    for h, start in enumerate(sorted(outcomes)):
        assert outcomes[start] == (["rejected", "ok"] if h in rejected else ["ok"])
