"""Pure renders of a ``Report``: terminal, JSON, SARIF, Markdown, annotations, Code Quality.

Nothing in this package does I/O. A sink is a ``render`` from a report to text; writing the
text somewhere is the command's job, so that a failing write never loses the findings. Posting
to a forge lives in ``forges/``.
"""

from __future__ import annotations

from typing import Literal, Protocol, get_args

from hunkroute.model import Report
from hunkroute.report.view import View

# The names ``run --format`` accepts; kept here so the CLI needs no import of the renderers.
# ``sinks()`` is keyed by them, and a test keeps the two equal.
SinkName = Literal["text", "json", "sarif", "github", "codequality"]
NAMES: tuple[SinkName, ...] = get_args(SinkName)


class Sink(Protocol):
    """Renders a report as text for one output format."""

    def __call__(self, report: Report, view: View) -> str: ...


def sinks() -> dict[str, Sink]:
    """The output formats by name; imported lazily to keep ``--version`` fast."""
    from hunkroute.report import codequality, jsonreport, sarif, text, workflow

    return {
        "text": text.render,
        "json": jsonreport.render,
        "sarif": sarif.render,
        "github": workflow.render,
        "codequality": codequality.render,
    }
