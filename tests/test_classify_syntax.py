"""classify.syntax: which lines of a new file are code, and which scopes enclose them."""

from __future__ import annotations

from hunkroute.classify.syntax import read_facts

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
