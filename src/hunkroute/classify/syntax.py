"""What the new version of a Python file says about its own lines (issue 12).

A hunk alone cannot tell a docstring from a raw regex: its first context line may close a
string it never opened. The new file can: one ``tokenize`` pass marks the lines that hold only
comments or bare string statements (docstrings), and one ``ast`` parse gives the functions and
classes that enclose each line. Both are computed once per file, then handed to the classifier
as a value, so classification stays pure. The removed lines are read the same way, in the old
version that the new one and the diff's hunks give back (``removed_code``).
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass

from hunkroute.model import Hunk

# tokens that are layout, not code
LAYOUT = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)
# a string token that follows one of these and is followed by NEWLINE is a bare string statement
STATEMENT_START = frozenset({tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL})


@dataclass(frozen=True, slots=True)
class Scope:
    """A ``def`` or ``class`` of the file: its name and first and last line."""

    name: str
    first: int
    last: int


@dataclass(frozen=True, slots=True)
class SourceFacts:
    """Per-line facts of one file's new version.

    ``code`` holds the lines with at least one code token (a docstring or a comment is not
    code; a string assigned, passed or compared is). ``comment_at`` maps a line with code and a
    trailing comment to the column where the comment starts. ``scopes`` are sorted by first line.
    """

    code: frozenset[int]
    comment_at: dict[int, int]
    scopes: tuple[Scope, ...]

    def enclosing(self, line: int) -> tuple[str, ...]:
        """Names of the functions and classes around ``line``, outermost first."""
        return tuple(s.name for s in self.scopes if s.first <= line <= s.last)

    def code_part(self, line: int, text: str) -> str:
        """``text`` (the line ``line``) without its trailing comment, stripped."""
        return text[: self.comment_at.get(line, len(text))].strip()


def read_facts(text: str) -> SourceFacts | None:
    """The facts of a Python source, or ``None`` when it does not tokenize and parse."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
        tree = ast.parse(text)
    except (SyntaxError, tokenize.TokenError, ValueError, RecursionError, MemoryError):
        return None
    code, comment_at = _code_lines(tokens)
    return SourceFacts(code, comment_at, _scopes(tree))


def _code_lines(tokens: list[tokenize.TokenInfo]) -> tuple[frozenset[int], dict[int, int]]:
    code: set[int] = set()
    comment_at: dict[int, int] = {}
    for i, token in enumerate(tokens):
        if token.type in LAYOUT:
            continue
        if token.type == tokenize.COMMENT:
            comment_at[token.start[0]] = token.start[1]
        elif not _bare_string(tokens, i):
            code.update(range(token.start[0], token.end[0] + 1))
    return frozenset(code), {n: c for n, c in comment_at.items() if n in code}


def _bare_string(tokens: list[tokenize.TokenInfo], i: int) -> bool:
    """A string token that is a whole statement: a docstring or a string used as a comment."""
    if tokens[i].type != tokenize.STRING:
        return False
    before = tokens[i - 1].type if i else tokenize.NEWLINE
    after = next((t.type for t in tokens[i + 1 :] if t.type != tokenize.COMMENT), tokenize.NEWLINE)
    return before in STATEMENT_START and after in (tokenize.NEWLINE, tokenize.ENDMARKER)


def _scopes(tree: ast.AST) -> tuple[Scope, ...]:
    found = [
        Scope(node.name, node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    return tuple(sorted(found, key=lambda s: (s.first, -s.last)))


def removed_code(new: Sequence[str], hunks: Sequence[Hunk]) -> dict[str, dict[int, str]]:
    """Per hunk id: each removed line that held code in the old version, by its old number,
    mapped to its code (trailing comment taken off); a docstring or comment line is left out.

    The old version is ``new`` (the new file's lines) with the hunks taken back. A diff that
    lists only some of a file's hunks still gives each of them its own old lines, so the facts
    read there are right for them. Empty when that version does not tokenize and parse.
    """
    lines: list[str] = []
    shift: dict[str, int] = {}  # old line number + shift = the line's number in ``lines``
    copied = 0
    for hunk in sorted(hunks, key=lambda h: h.new_start):
        new_side = len(hunk.added) + len(hunk.context)
        # a hunk with no new side (a pure deletion without context) sits after its new_start
        first = min(x.number for x in hunk.added + hunk.context) if new_side else hunk.new_start + 1
        lines += new[copied : first - 1]
        copied = max(copied, first - 1) + new_side
        shift[hunk.id] = len(lines) + 1 - hunk.old_start
        lines += _old_side(hunk)
    lines += new[copied:]
    facts = read_facts("\n".join(lines) + "\n")
    if facts is None:
        return {}
    return {
        hunk.id: {
            x.number: facts.code_part(x.number + shift[hunk.id], x.text)
            for x in hunk.removed
            if x.number + shift[hunk.id] in facts.code
        }
        for hunk in hunks
    }


def _old_side(hunk: Hunk) -> list[str]:
    """The hunk's lines as the old version had them: removed and context lines in order."""
    gone = {x.number: x.text for x in hunk.removed}
    kept = iter(x.text for x in sorted(hunk.context, key=lambda x: x.number))
    size = len(hunk.removed) + len(hunk.context)
    return [
        gone[n] if n in gone else next(kept) for n in range(hunk.old_start, hunk.old_start + size)
    ]


def same_code(old: Sequence[str], new: Sequence[str], in_brackets: bool) -> bool:
    """Whether two runs of Python lines say the same thing laid out otherwise: a call re-flowed
    over several lines, or a trailing comma added or dropped where it changes nothing (before
    a closing ``]`` or ``}``, before a ``)`` whose group has another comma, or at the end of
    lines that sit inside brackets: ``in_brackets``). A one-item tuple's comma is code."""
    if not old or not new:
        return False
    old_tokens, new_tokens = _code_tokens(old, in_brackets), _code_tokens(new, in_brackets)
    return old_tokens is not None and old_tokens == new_tokens


def _code_tokens(lines: Sequence[str], in_brackets: bool) -> list[tuple[int, str]] | None:
    indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    text = "".join(x[indent:] + "\n" for x in lines)
    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(text).readline)
            if t.type not in (tokenize.NL, tokenize.COMMENT, tokenize.ENDMARKER)
        ]
    except (tokenize.TokenError, SyntaxError):
        return None
    # a comma is never the last token: a NEWLINE (or an error, for an open bracket) follows it
    return [
        (token.type, token.string)
        for i, token in enumerate(tokens)
        if token.string != "," or not _layout_comma(tokens, i, in_brackets)
    ]


def _layout_comma(tokens: list[tokenize.TokenInfo], at: int, in_brackets: bool) -> bool:
    following = tokens[at + 1]
    if following.type in (tokenize.NEWLINE, tokenize.DEDENT):
        return in_brackets
    if following.string in ("]", "}"):
        return True
    if following.string != ")":
        return False
    depth = 0
    for token in reversed(tokens[:at]):  # another comma in the same group: not a 1-tuple
        if token.string in (")", "]", "}"):
            depth += 1
        elif token.string in ("(", "[", "{"):
            if depth == 0:
                return False
            depth -= 1
        elif token.string == "," and depth == 0:
            return True
    return False
