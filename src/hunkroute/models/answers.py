"""A model's answer → findings per hunk, and the checks every suggestion must pass.

Pure and forgiving about form (code fences, prose around the JSON, trailing commas), strict
about content: findings outside the hunks' lines are dropped, empty or no-op suggestions are
dropped, and every drop has a reason. ``checked_judge`` is the judge the executor always
applies first: a suggestion must replace only lines the change added, must change them, and
must not contain a redaction placeholder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hunkroute.model import Candidate, Finding, Hunk, Severity, Verdict
from hunkroute.models.redact import has_placeholder

SEVERITIES: dict[str, Severity] = {
    "error": "error", "critical": "error", "high": "error", "blocker": "error",
    "warning": "warning", "medium": "warning", "warn": "warning", "major": "warning",
    "note": "note", "low": "note", "info": "note", "minor": "note", "suggestion": "note",
}  # fmt: skip
FENCED = re.compile(r"```[\w-]*\n(.*?)```", re.S)
MAX_MESSAGE = 1000


@dataclass(frozen=True, slots=True)
class Answer:
    """Findings per hunk id, and why anything in the answer was dropped."""

    findings: Mapping[str, tuple[Finding, ...]]
    dropped: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unparseable:
    """An answer with no usable JSON in it."""

    reason: str


def parse(text: str, hunks: Sequence[Hunk], model: str, category: str) -> Answer | Unparseable:
    """Read the answer of one request about ``hunks`` (all of one file)."""
    try:
        data = extract_json(text)
    except ValueError as exc:
        return Unparseable(str(exc))
    items = data.get("findings") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return Unparseable('no "findings" list in the answer')
    found: dict[str, list[Finding]] = {h.id: [] for h in hunks}
    dropped: list[str] = []
    for index, item in enumerate(items):
        placed = _place(item, hunks, model, category)
        if isinstance(placed, str):
            dropped.append(f"finding {index + 1}: {placed}")
            continue
        hunk, finding, note = placed
        found[hunk.id].append(finding)
        if note:
            dropped.append(f"finding {index + 1}: {note}")
    return Answer({k: tuple(v) for k, v in found.items()}, tuple(dropped))


def _place(
    item: Any, hunks: Sequence[Hunk], model: str, category: str
) -> tuple[Hunk, Finding, str | None] | str:
    """The hunk a finding belongs to and the finding, or why it was dropped."""
    if not isinstance(item, dict):
        return "not an object"
    line, end = _int(item.get("line")), _int(item.get("end_line", item.get("line")))
    message = item.get("message")
    if line is None or end is None or end < line:
        return f"bad line numbers {item.get('line')!r}..{item.get('end_line')!r}"
    if not isinstance(message, str) or not message.strip():
        return "no message"
    hunk = next((h for h in hunks if h.new_start <= line and end <= h.new_end), None)
    if hunk is None:
        return f"lines {line}-{end} are outside the changed hunks"
    severity = SEVERITIES.get(str(item.get("severity", "")).lower(), "warning")
    suggestion, note = _suggestion(item.get("suggestion"), hunk, line, end)
    finding = Finding(hunk.file, line, end, severity, "model", f"model:{category}",
                      message.strip()[:MAX_MESSAGE], suggestion, model)  # fmt: skip
    return hunk, finding, note


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value) or None
    return None


def _suggestion(raw: Any, hunk: Hunk, line: int, end: int) -> tuple[str | None, str | None]:
    """The suggestion text, or ``None`` with the reason it was dropped."""
    if raw is None:
        return None, None
    if not isinstance(raw, str):
        return None, "suggestion dropped: not text"
    text = _unfence(raw).rstrip("\n")
    if not text.strip():
        return None, "suggestion dropped: empty"
    if is_noop(hunk, line, end, text):
        return None, "suggestion dropped: identical to the current code"
    return text, None


def _unfence(text: str) -> str:
    match = re.fullmatch(r"\s*```[\w-]*\n(.*?)\n?```\s*", text, re.S)
    return match.group(1) if match else text


def current_text(hunk: Hunk, line: int, end: int) -> list[str] | None:
    """The new file's lines line..end as the hunk shows them, if it shows all of them."""
    known = {ln.number: ln.text for ln in hunk.new_lines}
    wanted = [known.get(n) for n in range(line, end + 1)]
    return None if None in wanted else [t for t in wanted if t is not None]


def is_noop(hunk: Hunk, line: int, end: int, suggestion: str) -> bool:
    current = current_text(hunk, line, end)
    proposed = [t.rstrip() for t in suggestion.split("\n")]
    return current is not None and [t.rstrip() for t in current] == proposed


def suggestion_problem(candidate: Candidate) -> str | None:
    """Why a suggestion may not be offered, or ``None`` when it passes hunkroute's own checks."""
    finding, hunk = candidate.finding, candidate.hunk
    text = finding.suggestion
    if text is None or not text.strip():
        return "empty suggestion"
    if has_placeholder(text):
        return "the suggestion contains a [REDACTED:...] placeholder, not real code"
    lines = set(range(finding.line, finding.end_line + 1))
    if not lines <= hunk.added_numbers:
        return f"lines {finding.line}-{finding.end_line} are not all lines this change added"
    if is_noop(hunk, finding.line, finding.end_line, text):
        return "the suggestion does not change the code"
    return None


def checked_judge(candidates: Sequence[Candidate]) -> list[Verdict]:
    """Accept every suggestion that passes ``suggestion_problem``; the gates judge comes after."""
    verdicts = []
    for candidate in candidates:
        problem = suggestion_problem(candidate)
        reason = problem or "passes hunkroute's own checks"
        verdicts.append(Verdict(candidate, "accepted" if problem is None else "rejected", reason))
    return verdicts


def extract_json(text: str) -> Any:
    """The JSON value in an answer: whole, inside a code fence, or the first ``{…}`` in prose."""
    for chunk in [text.strip(), *FENCED.findall(text), *_objects(text)]:
        for attempt in (chunk, without_trailing_commas(chunk)):
            try:
                return json.loads(attempt)
            except ValueError:
                continue
    raise ValueError("no JSON object found in the answer" if "{" not in text
                     else "the JSON in the answer is malformed")  # fmt: skip


def _objects(text: str, limit: int = 5) -> list[str]:
    """Balanced ``{…}`` spans (strings respected), from the first few opening braces."""
    spans = []
    for start in [m.start() for m in re.finditer(r"\{", text)][:limit]:
        end = _closing(text, start)
        if end is not None:
            spans.append(text[start : end + 1])
    return spans


def _closing(text: str, start: int) -> int | None:
    depth = 0
    for index, char in _outside_strings(text, start):
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return index
    return None


def _outside_strings(text: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """Positions and characters of ``text`` that are not inside a JSON string."""
    in_string = escaped = False
    for index in range(start, len(text)):
        char = text[index]
        if escaped:
            escaped = False
        elif in_string and char == "\\":
            escaped = True
        elif char == '"':
            in_string = not in_string
        elif not in_string:
            yield index, char


def without_trailing_commas(text: str) -> str:
    """Remove commas right before ``}`` or ``]`` outside strings (a common model slip)."""
    drop = {
        index
        for index, char in _outside_strings(text)
        if char == "," and re.match(r"\s*[}\]]", text[index + 1 :])
    }
    return "".join(char for index, char in enumerate(text) if index not in drop)
