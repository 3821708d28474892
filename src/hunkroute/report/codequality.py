"""GitLab's Code Quality report: every finding as an MR widget issue (``--format codequality``).

A JSON array of ``{description, check_name, fingerprint, severity, location: {path, lines:
{begin}}}`` (GitLab FACTS.md "Code Quality report"). The fingerprint is the one inline comments
carry (``anchors.fingerprint``: file, source, rule and the flagged code, no line numbers), so
GitLab sees the same finding as the same issue when a push moves it. A blocking finding (per
``fail_on``) is ``critical``; the rest map by severity.
"""

from __future__ import annotations

import json

from hunkroute.model import Finding, Report, Severity
from hunkroute.report import anchors
from hunkroute.report.comments import also_text
from hunkroute.report.view import PLAIN, View

SEVERITIES: dict[Severity, str] = {"error": "major", "warning": "minor", "note": "info"}
BLOCKING = "critical"


def issue(finding: Finding, fingerprint: str, blocking: bool) -> dict[str, object]:
    """One Code Quality issue."""
    by = f"{finding.source} ({finding.model})" if finding.model else finding.source
    return {
        "type": "issue",
        "description": f"{finding.message}{also_text(finding)} [{by}]",
        "check_name": f"{finding.source}/{finding.rule}",
        "fingerprint": fingerprint,
        "severity": BLOCKING if blocking else SEVERITIES[finding.severity],
        "location": {
            "path": finding.file,
            "lines": {"begin": finding.line, "end": max(finding.line, finding.end_line)},
        },
    }


def render(report: Report, view: View = PLAIN) -> str:
    """The report as GitLab reads it; the view is ignored (a file format)."""
    lines = anchors.diff_lines(r.hunk for r in report.hunks)
    names = anchors.fingerprints(report.findings, lines)
    blocking = set(report.blocking)
    issues = [issue(f, name, f in blocking) for f, name in zip(report.findings, names, strict=True)]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
