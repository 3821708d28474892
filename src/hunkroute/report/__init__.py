"""Sinks: where a finished ``Report`` goes (terminal, JSON, and more as they are added).

A sink is a pure ``render`` from a report to text; writing the text somewhere is the CLI's job,
so that a failing write never loses the findings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from hunkroute.model import Report


class Sink(Protocol):
    """Renders a report as text for one output format."""

    def __call__(self, report: Report, color: bool) -> str: ...


def sinks() -> dict[str, Callable[[Report, bool], str]]:
    """The output formats by name; imported lazily to keep ``--version`` fast."""
    from hunkroute.report import jsonreport, text

    return {"text": text.render, "json": jsonreport.render}
