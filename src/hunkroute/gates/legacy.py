"""Legacy findings: those whose statement the base version of the file already had (issue 13).

"Added lines only" is the first cut, but a reformatted line is an added line too: an import
split in two, an ``assert`` that gained a ``# noqa``. A finding is legacy when every *atom* of
its statement, for the same tool and rule, is flagged in the base version of the file. Python
statements are compared as ``ast.unparse`` gives them back (no comments, no line breaks, no
optional parentheses); an import is one atom per imported name, so ``from m import a, b``
matches ``from m import a`` plus ``from m import b``; a compound statement is its header. Other
languages, and code that does not parse, fall back to the flagged lines with whitespace
collapsed. Pure.
"""

from __future__ import annotations

import ast
import copy
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hunkroute.model import Finding

Atom = tuple[str, str, str]  # source, rule, normalised statement text
BODIES = ("body", "orelse", "handlers", "finalbody", "cases")


@dataclass(frozen=True, slots=True)
class Statements:
    """One version of a file: its lines, and the innermost statement holding each line."""

    lines: Sequence[str]
    nodes: Mapping[int, ast.stmt]

    def texts(self, finding: Finding) -> frozenset[str]:
        """The normalised text(s) of the statement a finding points at."""
        node = self.nodes.get(finding.line)
        if node is not None:
            found = _node_texts(node)
            if found:
                return found
        flagged = self.lines[finding.line - 1 : max(finding.line, finding.end_line)]
        return frozenset({" ".join(" ".join(flagged).split())})


def statements(text: str, language: str) -> Statements:
    """Index one file's statements by line (Python only; other files by their lines)."""
    lines = text.split("\n")
    if language != "python":
        return Statements(lines, {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarning on odd escapes is not our business
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError):
            return Statements(lines, {})
    nodes: dict[int, ast.stmt] = {}
    for node in ast.walk(tree):  # breadth first: an inner statement overwrites its parent
        if isinstance(node, ast.stmt):
            for number in _span(node):
                nodes[number] = node
    return Statements(lines, nodes)


def _span(node: ast.stmt) -> range:
    """A simple statement's lines, or a compound statement's header lines."""
    body = getattr(node, "body", None)
    end = node.end_lineno or node.lineno
    if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
        end = max(node.lineno, body[0].lineno - 1)
    return range(node.lineno, end + 1)


def _node_texts(node: ast.stmt) -> frozenset[str]:
    if isinstance(node, ast.Import):
        return frozenset(f"import {alias.name}" for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        module = "." * node.level + (node.module or "")
        return frozenset(f"from {module} import {alias.name}" for alias in node.names)
    header = copy.copy(node)
    for name in BODIES:
        if isinstance(getattr(header, name, None), list):
            setattr(header, name, [])
    try:
        return frozenset({ast.unparse(header)})
    except (ValueError, AttributeError, TypeError, RecursionError):
        return frozenset()


def atoms(finding: Finding, version: Statements) -> set[Atom]:
    return {(finding.source, finding.rule, text) for text in version.texts(finding)}


def flagged(findings: Iterable[Finding], version: Statements) -> set[Atom]:
    """Every atom the gates flagged in one version of a file."""
    return {atom for finding in findings for atom in atoms(finding, version)}


def new_only(
    findings: Sequence[Finding],
    versions: Mapping[str, Statements],
    legacy: Mapping[str, set[Atom]],
) -> tuple[list[Finding], int]:
    """(findings the base version did not flag already, how many were hidden as legacy)."""
    kept: list[Finding] = []
    for finding in findings:
        version, old = versions.get(finding.file), legacy.get(finding.file)
        if version is None or old is None or not atoms(finding, version) <= old:
            kept.append(finding)
    return kept, len(findings) - len(kept)
