"""Terminal primitives shared by the text renderers: colour, money, tables, fitting a width."""

from __future__ import annotations

from collections.abc import Sequence

from hunkroute.model import nano_to_usd

COLORS = {"error": "31", "warning": "33", "note": "36", "dim": "2", "bold": "1", "ok": "32"}


def paint(text: str, style: str, color: bool) -> str:
    return f"\033[{COLORS[style]}m{text}\033[0m" if color else text


def money(nano: int) -> str:
    return f"${nano_to_usd(nano):.4f}"


def table(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def where(file: str, start: int, end: int) -> str:
    return f"{file}:{start}" if end <= start else f"{file}:{start}-{end}"


def cut(text: str, width: int) -> str:
    """One line fitted to ``width`` by cutting its end (never a column)."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
