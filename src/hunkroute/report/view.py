"""How a report is to be shown: colour, terminal width and verbosity, passed in as values.

The renderers stay pure (STYLE.md §3): the command reads the terminal and the flags once and
hands the result down; no renderer looks at the environment itself.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_WIDTH = 100  # when neither COLUMNS nor a terminal says otherwise


@dataclass(frozen=True, slots=True)
class View:
    """Colour, width and verbosity: -1 (``-q``) findings and verdict only, 1+ (``-v``) all hunks."""

    color: bool = False
    width: int = DEFAULT_WIDTH
    verbosity: int = 0


PLAIN = View()
