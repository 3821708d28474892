"""classify.syntax: which lines of a new file are code, and which scopes enclose them."""

from __future__ import annotations

import difflib

import pytest

from hunkroute.classify.syntax import read_facts, removed_code, same_code
from hunkroute.config.schema import FilesConfig
from hunkroute.diff.unified import parse
from hunkroute.model import Hunk
from tests.helpers.docstrings import NEW, OLD

SOURCE = '''"""Module docstring
spanning two lines."""
import re

# a comment line
PATTERN = re.compile(r"""
    ^(?P<name>\\w+)   # a regex in a raw triple-quoted string is code
""", re.VERBOSE)


class Guard:
    """Class docstring."""

    def check(self, value):  # trailing comment
        """Method docstring."""
        "a bare string statement is a comment"
        return PATTERN.match(value)
'''


def test_docstrings_and_comments_are_not_code() -> None:
    facts = read_facts(SOURCE)
    assert facts is not None
    assert {1, 2, 5, 12, 15, 16}.isdisjoint(facts.code)
    assert {3, 6, 7, 8, 11, 14, 17} <= facts.code


def test_a_trailing_comment_is_cut_from_the_code_part() -> None:
    facts = read_facts(SOURCE)
    assert facts is not None
    line = "    def check(self, value):  # trailing comment"
    assert facts.code_part(14, line) == "def check(self, value):"
    assert (
        facts.code_part(17, "        return PATTERN.match(value)") == "return PATTERN.match(value)"
    )


def test_scopes_enclose_lines_outermost_first() -> None:
    facts = read_facts(SOURCE)
    assert facts is not None
    assert facts.enclosing(17) == ("Guard", "check")
    assert facts.enclosing(12) == ("Guard",)
    assert facts.enclosing(3) == ()


def test_a_file_that_does_not_parse_has_no_facts() -> None:
    assert read_facts("def broken(:\n    pass\n") is None
    assert read_facts('x = """never closed\n') is None


def changes(old: str, new: str) -> tuple[Hunk, ...]:
    lines = difflib.unified_diff(old.splitlines(True), new.splitlines(True), n=0)
    text = "diff --git a/pkg/auth.py b/pkg/auth.py\n--- a/pkg/auth.py\n+++ b/pkg/auth.py\n"
    return parse(text + "".join(lines)[len("--- \n+++ \n") :], FilesConfig()).files[0].hunks


def test_removed_lines_are_read_in_the_old_version() -> None:
    hunks = changes(OLD, NEW)
    assert [len(h.removed) for h in hunks] == [1, 1, 1]
    code = removed_code(NEW.splitlines(), hunks)
    docstring, deleted, call = (code[h.id] for h in hunks)
    assert docstring == {} and deleted == {}  # ``|`` or a quote inside a docstring is prose
    assert call == {23: 'return self.headers.get("x-frame")'}


def test_removed_lines_of_only_some_hunks_are_still_read_right() -> None:
    hunks = changes(OLD, NEW)
    code = removed_code(NEW.splitlines(), hunks[2:])
    assert code == {hunks[2].id: {23: 'return self.headers.get("x-frame")'}}


def test_an_old_version_that_does_not_parse_gives_nothing() -> None:
    old = OLD.replace('    """Old helper.', "    '''Old helper.")
    hunks = changes(old, NEW)
    assert removed_code(NEW.splitlines(), hunks[1:]) == {}


@pytest.mark.parametrize(
    ("old", "new", "in_brackets", "same"),
    [
        (["def generate(", "    self, path, size", "):"], ["def generate(self, path, size):"],
         False, True),
        (["'prefix': prefix"], ["'prefix': prefix,"], True, True),
        (["x = 1"], ["x = 1,"], False, False),  # a tuple now
        (['names = ("a")'], ['names = ("a",)'], False, False),  # a one-item tuple
        (['names = ("a", "b")'], ['names = ("a", "b",)'], False, True),
        (["values = [1, 2]"], ["values = [1, 2,]"], False, True),
        (["if a:", "    b()", "c()"], ["if a:", "    b()", "    c()"], False, False),
        (["call(a, b)"], ["call(b, a)"], False, False),
        (['s = """open'], ['s = """open  '], False, False),  # no tokens to compare
        (["    "], ["    ,"], False, False),  # a lone comma where a blank line was
    ],
)  # fmt: skip
def test_same_code_laid_out_otherwise(
    old: list[str], new: list[str], in_brackets: bool, same: bool
) -> None:
    assert same_code(old, new, in_brackets) is same
