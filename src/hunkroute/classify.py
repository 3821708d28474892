"""Hunk (+ prescan findings, PR title, user rules) → ``Classification``.

Pure: no I/O. The category decides which model (if any) looks at the hunk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hunkroute.config import ClassifyRule
from hunkroute.diff import is_documentation
from hunkroute.model import BOILERPLATE, DEBUGGING, REVIEW, SKIP, Classification, Finding, Hunk


@dataclass(frozen=True, slots=True)
class ClassifyContext:
    """What the classifier knows besides the hunk itself."""

    title: str = ""
    branch: str = ""
    prescan: tuple[Finding, ...] = ()
    rules: tuple[ClassifyRule, ...] = ()
    risk: Mapping[str, int] | None = None


def classify(hunk: Hunk, context: ClassifyContext) -> Classification:
    """Pick the category of one hunk and say why."""
    if not hunk.added:
        return Classification(SKIP, ("pure deletion",))
    if is_documentation(hunk.file):
        return Classification(SKIP, ("documentation file",))
    if any(f.source in ("bandit", "semgrep") for f in context.prescan):
        return Classification(REVIEW, ("security gate finding",))
    if hunk.removed:
        return Classification(DEBUGGING, ("changes existing lines",))
    return Classification(BOILERPLATE, ("new code",))
