"""The line accounting of a unified diff: every line of a file section is read or refused.

Inside a file section a line is a file header (``diff --git``, ``index``, mode, rename, copy and
similarity lines, ``---``/``+++``, ``Binary files … differ``), a hunk header with both ranges, a
hunk line within its header's counts, or ``\\ No newline at end of file``. Anything else is a
``DiffError`` naming the line and what was expected (issue 11: lines a gate cannot account for
were dropped and the run passed). Text before the first file (a format-patch mail's headers and
message) and after a ``-- `` signature (git's version line, the next mail) is not diff: skipped.

Pure: lines in, hunk bodies out, in diff order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hunkroute.errors import DiffError
from hunkroute.model import Line

HUNK_HEADER = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_EXTENDED_HEADERS = (
    "index ", "old mode ", "new mode ", "deleted file mode ", "new file mode ",
    "similarity index ", "dissimilarity index ", "rename from ", "rename to ",
    "copy from ", "copy to ",
)  # fmt: skip
_SIGNATURE = "-- "  # git format-patch ends a mail with "-- \n<version>\n"
_HUNK_FORM = "a hunk header '@@ -START[,COUNT] +START[,COUNT] @@'"


@dataclass(frozen=True, slots=True)
class Body:
    """The lines of one hunk, read from the diff text, and where its header stands."""

    header_line: int
    old_start: int
    new_start: int
    added: tuple[Line, ...]
    removed: tuple[Line, ...]
    context: tuple[Line, ...]


class _Refusal(Exception):
    """A line that is not what the section allows: ``(index, what was expected)``."""


def hunk_bodies(lines: list[str], origin: str) -> list[Body]:
    """Every hunk body of the diff; a line the sections cannot account for is a DiffError."""
    bodies: list[Body] = []
    index = 0
    try:
        index = _skip_text(lines, index)
        while index < len(lines):
            index = _file_header(lines, index)
            index = _hunks(lines, index, bodies)
            index = _after_file(lines, index)
    except _Refusal as refusal:
        at, expected = refusal.args
        raise DiffError(
            f"{origin}: line {min(at + 1, len(lines))}: malformed diff: expected {expected},"
            f" got {_shown(lines[at]) if at < len(lines) else 'the end of the diff'}"
        ) from None
    return bodies


def _shown(line: str) -> str:
    text = line.rstrip("\r\n")
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _starts_file(lines: list[str], index: int) -> bool:
    line = lines[index]
    if line.startswith("diff --git "):
        return True
    return line.startswith("--- ") and index + 1 < len(lines) and lines[index + 1][:4] == "+++ "


def _skip_text(lines: list[str], index: int) -> int:
    """Skip mail text up to the next file section; a hunk header there belongs to no file."""
    while index < len(lines) and not _starts_file(lines, index):
        if lines[index].startswith("@@ "):
            raise _Refusal(index, "a file header ('diff --git' or '---'/'+++') before a hunk")
        index += 1
    return index


def _file_header(lines: list[str], index: int) -> int:
    """Read one file's header lines; returns the index after them."""
    if lines[index].startswith("diff --git "):
        index += 1
        while index < len(lines) and lines[index].startswith(_EXTENDED_HEADERS):
            index += 1
        if index < len(lines) and _is_binary(lines[index]):
            return index + 1
        if index < len(lines) and lines[index].startswith("@@"):
            raise _Refusal(index, "the file's '---'/'+++' lines before its first hunk")
    if index < len(lines) and lines[index].startswith("--- "):
        if index + 1 >= len(lines) or not lines[index + 1].startswith("+++ "):
            raise _Refusal(index + 1, "the '+++' line after '---'")
        index += 2
        if index >= len(lines) or not lines[index].startswith("@@"):
            raise _Refusal(index, f"{_HUNK_FORM} after the '---'/'+++' lines")
    return index


def _is_binary(line: str) -> bool:
    return line.startswith("Binary files ") and line.rstrip("\r\n").endswith(" differ")


def _hunks(lines: list[str], index: int, bodies: list[Body]) -> int:
    """Read the file's hunks: each header, then exactly the lines its counts promise."""
    while index < len(lines) and lines[index].startswith("@@"):
        match = HUNK_HEADER.match(lines[index])
        if match is None:
            raise _Refusal(index, _HUNK_FORM)
        body, index = _read_body(lines, index + 1, match)
        bodies.append(body)
    return index


def _after_file(lines: list[str], index: int) -> int:
    """After a file's last hunk: the next file, a signature and mail text, or the end."""
    if index >= len(lines) or _starts_file(lines, index):
        return index
    if lines[index].rstrip("\r\n") == _SIGNATURE:
        return _skip_text(lines, index + 1)
    if all(not line.strip() for line in lines[index:]):
        return len(lines)  # blank lines at the very end: a copy-paste artefact, no content
    raise _Refusal(index, f"{_HUNK_FORM}, the next file's 'diff --git' or the end of the diff")


def _read_body(lines: list[str], index: int, match: re.Match[str]) -> tuple[Body, int]:
    old_no, new_no = int(match[1]), int(match[3])
    old_left = 1 if match[2] is None else int(match[2])
    new_left = 1 if match[4] is None else int(match[4])
    header, added, removed, context = index, [], [], []
    end = len(lines)
    while old_left > 0 or new_left > 0:
        if index >= end:
            raise _Refusal(index, _missing(header, old_left, new_left))
        line = lines[index]
        kind = line[:1]
        if kind == "+" and new_left:
            added.append(Line(new_no, line[1:].rstrip("\r\n")))
            new_no += 1
            new_left -= 1
        elif kind == "-" and old_left:
            removed.append(Line(old_no, line[1:].rstrip("\r\n")))
            old_no += 1
            old_left -= 1
        # some tools strip an empty context line's space
        elif (kind == " " or line == "\n" or line == "\r\n") and old_left and new_left:
            context.append(Line(new_no, line[1:].rstrip("\r\n")))
            old_no += 1
            new_no += 1
            old_left -= 1
            new_left -= 1
        elif kind != "\\":
            raise _Refusal(index, _missing(header, old_left, new_left))
        index += 1
    while index < end and lines[index].startswith("\\"):
        index += 1  # "\ No newline at end of file"
    body = Body(header, int(match[1]), int(match[3]), tuple(added), tuple(removed), tuple(context))
    return body, index


def _missing(header: int, old_left: int, new_left: int) -> str:
    kinds = "' ', '+' or '-'" if old_left and new_left else ("'+'" if new_left else "'-'")
    return (
        f"a hunk line ({kinds}): the hunk header at line {header} promises"
        f" {old_left} more old and {new_left} more new line(s)"
    )
