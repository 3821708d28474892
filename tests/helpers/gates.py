"""Helpers for gate tests: in-memory snapshots, diffs from two texts, start counters, fake tools."""

from __future__ import annotations

import difflib
import os
import stat
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hunkroute import config as configmod
from hunkroute.diff import unified as diff
from hunkroute.model import ChangeSet, Hunk


@dataclass(frozen=True)
class MemorySnapshot:
    """New file contents held in memory (the ``source.Snapshot`` protocol)."""

    files: Mapping[str, str]

    def read(self, path: str) -> bytes | None:
        text = self.files.get(path)
        return None if text is None else text.encode("utf-8")


@dataclass
class Starts:
    """Records every gate process a ``ToolRunner`` starts (its ``on_start`` hook)."""

    calls: list[tuple[str, list[str]]] = field(default_factory=list)

    def __call__(self, gate: str, argv: Sequence[str]) -> None:
        self.calls.append((gate, list(argv)))

    def counts(self, since: int = 0) -> Counter[str]:
        return Counter(gate for gate, _ in self.calls[since:])


def unified(path: str, old: str, new: str) -> str:
    """A git-style diff of one file between two texts (``old == ""``: a new file)."""
    body = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        "/dev/null" if not old else f"a/{path}",
        f"b/{path}",
    )
    return f"diff --git a/{path} b/{path}\n" + "".join(body)


def changes_of(pairs: Mapping[str, tuple[str, str]]) -> ChangeSet:
    """Parse a diff made of (old, new) texts per path."""
    text = "".join(unified(path, old, new) for path, (old, new) in pairs.items())
    return diff.parse(text, configmod.load(None).files, "test diff")


def line_of(text: str, snippet: str) -> int:
    """The 1-based number of the only line of ``text`` that contains ``snippet``."""
    found = [n for n, line in enumerate(text.split("\n"), 1) if snippet in line]
    assert len(found) == 1, f"{snippet!r} found on lines {found}"
    return found[0]


def hunk_at(changes: ChangeSet, path: str, line: int) -> Hunk:
    """The hunk of ``path`` whose new-file range holds ``line``."""
    return next(h for h in changes.hunks if h.file == path and h.new_start <= line <= h.new_end)


def fake_tool(folder: Path, name: str, script: str) -> Path:
    """An executable shell script called ``name`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def link_real_tool(folder: Path, name: str, real: str) -> None:
    """Make the real tool ``real`` available in ``folder`` under ``name``."""
    folder.mkdir(parents=True, exist_ok=True)
    os.symlink(real, folder / name)
