"""GitHub Actions workflow commands: ``::error file=…,line=…::message`` annotations.

Escaping follows actions/toolkit ``command.ts`` and the runner's decoder (FACTS.md §2.2): in the
message ``%``, CR and LF; in property values also ``:`` and ``,``; ``%`` first. That also keeps
model text from smuggling its own ``::command`` onto a line of the log. The runner attaches only
the first 10 annotations of each type per step (FACTS.md §2.1, §2.3), so the most severe go
first and the summary counts the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hunkroute.model import Finding, Report, Severity
from hunkroute.report.comments import also_text, by_severity
from hunkroute.report.view import PLAIN, View

PER_TYPE = 10  # runner ExecutionContext._maxCountPerIssueType
MAX_MESSAGE = 4096  # the runner truncates longer messages
COMMAND: dict[Severity, str] = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int) -> str:
    """One workflow command line."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation(finding: Finding) -> str:
    origin = f"{finding.source}:{finding.model}" if finding.model else finding.source
    return command(
        COMMAND[finding.severity],
        (finding.message + also_text(finding))[:MAX_MESSAGE],
        file=finding.file,
        line=finding.line,
        endLine=max(finding.line, finding.end_line),
        title=f"hunkroute {origin} {finding.rule}",
    )


@dataclass(frozen=True, slots=True)
class Shown:
    """The annotations GitHub will display, and how many findings did not fit."""

    lines: tuple[str, ...]
    hidden: tuple[Finding, ...]


def shown(findings: Sequence[Finding]) -> Shown:
    """At most 10 annotations per type, most severe first; the rest are only counted."""
    counts: dict[str, int] = {}
    lines: list[str] = []
    hidden: list[Finding] = []
    for finding in by_severity(findings):
        kind = COMMAND[finding.severity]
        counts[kind] = counts.get(kind, 0) + 1
        if counts[kind] <= PER_TYPE:
            lines.append(annotation(finding))
        else:
            hidden.append(finding)
    return Shown(tuple(lines), tuple(hidden))


def render(report: Report, view: View = PLAIN, summary: bool = False) -> str:
    """The ``github`` output format: annotations, then a notice when some did not fit.

    Only the ``github`` command writes a job summary (``summary=True``); ``run --format github``
    elsewhere must not point at one that does not exist (issue 13).
    """
    result = shown(report.findings)
    lines = list(result.lines)
    if result.hidden:
        where = "in the job summary" if summary else "not shown (GitHub takes 10 per type)"
        more = f"hunkroute: {len(result.hidden)} more finding(s) {where}"
        lines.append(command("notice", more))
    return "\n".join(lines) + ("\n" if lines else "")
