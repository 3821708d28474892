"""Sinks: where a finished ``Report`` goes (terminal, JSON, SARIF, workflow commands).

A sink is a pure ``render`` from a report to text; writing the text somewhere is the CLI's job,
so that a failing write never loses the findings.
"""

from __future__ import annotations

from typing import Protocol

from hunkroute.model import Report

# The names ``run --format`` accepts; kept here so the CLI needs no import of the renderers.
NAMES = ("text", "json", "sarif", "github")


class Sink(Protocol):
    """Renders a report as text for one output format."""

    def __call__(self, report: Report, color: bool) -> str: ...


def sinks() -> dict[str, Sink]:
    """The output formats by name; imported lazily to keep ``--version`` fast."""
    from hunkroute.report import jsonreport, sarif, text, workflow

    return {
        "text": text.render,
        "json": jsonreport.render,
        "sarif": sarif.render,
        "github": workflow.render,
    }
