"""ruff: pyflakes, syntax errors and bugbear by default, or the repository's own ruff config.

``ruff check --output-format json``. A diagnostic whose fix ruff calls "safe" becomes a finding
with a suggestion: the fix applied to whole lines of the new file, so that it can be validated and
proposed like any model's suggestion.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

from hunkroute.gates.interface import GateJob, relative
from hunkroute.model import Finding, GateName, Severity

DEFAULT_SELECT = ("E9", "F", "B")
# Syntax errors and names Python cannot resolve break the program: errors. Complexity (C90x, the
# seed's "complexity_annotation") is advice: notes. Everything else is a warning.
ERROR_PREFIXES = ("E9", "F63", "F7", "F82")
NOTE_PREFIXES = ("C90",)
SYNTAX = "invalid-syntax"


def severity(code: str) -> Severity:
    if code == SYNTAX or code.startswith(ERROR_PREFIXES):
        return "error"
    return "note" if code.startswith(NOTE_PREFIXES) else "warning"


def has_user_config(user_configs: Mapping[str, str]) -> bool:
    """True when the repository configures ruff (a pyproject.toml counts only with [tool.ruff])."""
    if "ruff.toml" in user_configs or ".ruff.toml" in user_configs:
        return True
    pyproject = user_configs.get("pyproject.toml")
    if pyproject is None:
        return False
    try:
        return "ruff" in tomllib.loads(pyproject).get("tool", {})
    except tomllib.TOMLDecodeError:
        return True  # let ruff itself report the broken file as a gate failure


class RuffGate:
    """The ruff gate."""

    name: GateName = "ruff"
    tool = "ruff"
    ok_codes = frozenset({0, 1})

    def command(self, job: GateJob) -> list[str] | None:
        targets = sorted(p for p in job.python_files() if p not in job.partial)
        if not targets:
            return None
        args = ["check", "--output-format", "json", "--no-cache", "--force-exclude"]
        select = list(job.settings.select)
        if job.settings.config_file:
            args += ["--config", job.settings.config_file]
        elif not has_user_config(job.user_configs):
            # No config of the user's: a fixed rule set, and no config from elsewhere (~/.config).
            args += ["--isolated"]
            select = [*DEFAULT_SELECT, *select]
        if select:
            flag = "--select" if "--isolated" in args else "--extend-select"
            args += [flag, ",".join(select)]
        return [*args, "--", *targets]

    def environment(self, env: Mapping[str, str], job: GateJob) -> dict[str, str]:
        return dict(env)

    def parse(self, output: str, job: GateJob) -> list[Finding]:
        data = json.loads(output)
        if not isinstance(data, list):
            raise ValueError("expected a JSON list of diagnostics")
        return [_finding(item, job) for item in data]


def _finding(item: Mapping[str, Any], job: GateJob) -> Finding:
    code = item.get("code") or SYNTAX  # ruff < 0.9 reported syntax errors with a null code
    path = relative(str(item["filename"]), job.root)
    line, end_line = int(item["location"]["row"]), int(item["end_location"]["row"])
    suggestion = None
    fix = item.get("fix")
    if isinstance(fix, Mapping) and fix.get("applicability") == "safe" and path in job.files:
        applied = apply_edits(job.files[path], fix.get("edits") or [])
        if applied is not None:
            line, end_line, suggestion = applied
    return Finding(
        file=path,
        line=line,
        end_line=max(end_line, line),
        severity=severity(code),
        source="ruff",
        rule=code,
        message=str(item["message"]),
        suggestion=suggestion,
    )


def apply_edits(text: str, edits: Sequence[Mapping[str, Any]]) -> tuple[int, int, str] | None:
    """ruff's edits (1-based row/character column) → (first line, last line, replacement lines).

    An edit ending at column 1 of the next line (a whole-line deletion) does not touch that line.
    The replacement has no final newline; an empty string deletes the lines.
    """
    if not edits:
        return None
    spans = [(_where(e["location"]), _where(e["end_location"]), str(e["content"])) for e in edits]
    lines = text.split("\n")
    first = min(start[0] for start, _, _ in spans)
    last = max(
        end[0] - 1 if end[1] == 1 and end[0] > start[0] else end[0] for start, end, _ in spans
    )
    if first < 1 or last > len(lines) or last < first:
        return None
    segment = "\n".join(lines[first - 1 : last]) + ("\n" if last < len(lines) else "")

    def offset(row: int, column: int) -> int:
        return sum(len(lines[i]) + 1 for i in range(first - 1, row - 1)) + column - 1

    for start, end, content in sorted(spans, key=lambda s: s[0], reverse=True):
        begin, stop = offset(*start), offset(*end)
        if not 0 <= begin <= stop <= len(segment):
            return None
        segment = segment[:begin] + content + segment[stop:]
    if last < len(lines) and segment.endswith("\n"):
        segment = segment[:-1]
    return first, last, "\n".join(part.rstrip("\r") for part in segment.split("\n"))


def _where(location: Mapping[str, Any]) -> tuple[int, int]:
    return int(location["row"]), int(location["column"])


RUFF = RuffGate()
