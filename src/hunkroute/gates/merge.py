"""One problem, one finding (issue 13): merge what different tools say about the same line.

bandit's B602 and semgrep's ``subprocess-shell-true`` on one line are one problem. Findings on
the same file and line whose rules name the same problem (``equivalents.py``) become one: the
most severe leads (a tie goes to the first source in ``PREFERRED``), keeps its message, and lists
the others in ``also``. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from hunkroute.gates.equivalents import problem_of
from hunkroute.model import SEVERITY_RANK, Finding, Related

PREFERRED = ("semgrep", "bandit", "secrets", "ruff", "model")


def merged(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """The findings with each problem reported once per line, in their original order."""
    groups: dict[tuple[str, int, str], list[Finding]] = {}
    order: list[Finding | tuple[str, int, str]] = []
    for finding in findings:
        problem = problem_of(finding.source, finding.rule)
        if problem is None or finding.source == "model":
            order.append(finding)
            continue
        key = (finding.file, finding.line, problem)
        if key not in groups:
            order.append(key)
        groups.setdefault(key, []).append(finding)
    return tuple(item if isinstance(item, Finding) else _one(groups[item]) for item in order)


def _one(group: list[Finding]) -> Finding:
    if len(group) == 1:
        return group[0]
    lead = min(group, key=_strength)
    severity = max((f.severity for f in group), key=SEVERITY_RANK.__getitem__)
    also = tuple(Related(f.source, f.rule) for f in group if f is not lead)
    return replace(lead, severity=severity, also=lead.also + also)


def _strength(finding: Finding) -> tuple[int, int]:
    return -SEVERITY_RANK[finding.severity], PREFERRED.index(finding.source)
