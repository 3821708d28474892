"""The new version of a file as far as the diff alone shows it, for when it cannot be read.

A diff piped in from elsewhere (``gh pr diff | hunkroute run --diff -``) comes without the files.
A new file is all in the diff; of a changed file the hunks show their added and context lines.
Those lines are placed at their own line numbers, so findings map back unchanged; the gaps are
blank, except that an indented run of lines gets ``if True:`` openers in the gap before it, so
that the fragment still parses as Python. Such a partial view is gated by bandit and semgrep
only: pyflakes on a fragment would report every name defined in the lines it cannot see.
"""

from __future__ import annotations

from collections.abc import Sequence

from hunkroute.model import FileChange

OPENER = "if True:"


def diff_view(file: FileChange) -> tuple[str, bool]:
    """(text, complete): ``complete`` when the diff holds the whole file (a new file)."""
    known = {line.number: line.text for hunk in file.hunks for line in hunk.new_lines}
    if not known:
        return "", file.status == "added"
    lines = [""] * max(known)
    for number, text in known.items():
        lines[number - 1] = text
    if file.language == "python":
        for start in sorted(n for n in known if n - 1 not in known):
            run = [known[n] for n in range(start, start + _run_length(known, start))]
            openers = _openers(run)
            first = start - len(openers)
            if openers and first >= 1 and not any(n in known for n in range(first, start)):
                lines[first - 1 : start - 1] = openers
    return "\n".join(lines) + "\n", file.status == "added"


def _run_length(known: dict[int, str], start: int) -> int:
    length = 0
    while start + length in known:
        length += 1
    return length


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _openers(run: Sequence[str]) -> list[str]:
    """``if True:`` lines, one per indentation level the run needs around its first line."""
    code = [line for line in run if line.strip()]
    if not code or _indent(code[0]) == 0:
        return []
    first = _indent(code[0])
    levels = sorted({0} | {_indent(line) for line in code if _indent(line) < first})
    return [" " * level + OPENER for level in levels]
