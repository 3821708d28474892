"""Build hunks and plan items directly, for tests of the pure stages."""

from __future__ import annotations

from collections.abc import Sequence

from hunkroute.diff.unified import language_of
from hunkroute.model import Classification, Hunk, Line
from hunkroute.plan import PlanItem


def make_hunk(
    file: str = "app.py",
    start: int = 1,
    added: Sequence[str] = ("x = 1",),
    removed: Sequence[str] = (),
    hunk_id: str | None = None,
) -> Hunk:
    lines = tuple(Line(start + i, text) for i, text in enumerate(added))
    gone = tuple(Line(start + i, text) for i, text in enumerate(removed))
    return Hunk(
        id=hunk_id or f"{file}:{start}",
        file=file,
        language=language_of(file),
        new_start=start,
        new_end=start + max(len(added), 1) - 1,
        old_start=start,
        old_end=start + max(len(removed), 1) - 1,
        added=lines,
        removed=gone,
        context=(),
    )


def item(category: str, file: str = "app.py", start: int = 1, size: int = 3) -> PlanItem:
    hunk = make_hunk(file, start, [f"value_{i} = compute({i})" for i in range(size)])
    return PlanItem(hunk, Classification(category, (f"test: {category}",)))
