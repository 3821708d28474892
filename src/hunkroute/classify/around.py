"""What is around a hunk's code: the PR title, the branch, the enclosing code (issue 12).

These speak for code that acts, never for plumbing, and a generic title word needs the hunk's
own evidence beside it (see ``signals``).
"""

from __future__ import annotations

from dataclasses import dataclass

from hunkroute.classify import edits, security, titles
from hunkroute.classify.patterns import Signal
from hunkroute.classify.syntax import SourceFacts
from hunkroute.model import DEBUGGING, REVIEW, Hunk, Line

Lines = tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Around:
    """The PR title, branch and description, and the facts of the hunk's file (when readable)."""

    title: str = ""
    branch: str = ""
    source: SourceFacts | None = None
    description: str = ""

    def said(self) -> titles.TitleSignals:
        return titles.read_title(self.title, self.branch, self.description)


def signals(
    hunk: Hunk, added: Lines, removed: Lines, found: list[Signal], context: Around
) -> list[Signal]:
    """What the PR title, the branch and the enclosing code say about code that acts.

    Code that only passes things along (imports, signatures, parameters) gets none of it: a
    title speaks for the PR, not for its plumbing. A generic title word (``titles.WEAK``)
    counts in full beside evidence in the hunk: a security shape, new validation, or a boundary
    named other than by the title's own word (an OAuth library's "authorization" everywhere).
    Alone it is a small signal of its own kind, which the learned weights weigh: "race",
    "deadlock" or "credentials" over a plain-looking fix is often all a security fix says.
    New code that acts gets the title word alone (a generic one as its small signal): a security
    fix often adds the helper that does the work (a ``sanitize`` function, a path normaliser).
    Statements only put in another order under a title about threads ("race", "lock") are the
    fix itself: ordering is what a race is about.
    """
    listed = security.list_signal(hunk.new_lines, added)
    title = context.said()
    if title.concurrency and edits.reordered(added, removed):  # the order is the fix
        reason = f"statements reordered under a concurrency title ({title.concurrency})"
        return [*title.fix, Signal(REVIEW, 2.5, reason, added[0].number)]
    if listed is None and not security.acts(added, removed):
        return []
    if not removed and listed is None and not any(s.category in (REVIEW, DEBUGGING) for s in found):
        word = title.strong or title.weak_alone
        return [*title.fix, *([word] if word is not None else [])]
    around = _boundary(hunk, added, context)
    out = [*title.fix, *around, *([listed] if listed else [])]
    if title.strong is not None:
        out.append(title.strong)
    elif title.weak is not None and _corroborated(title.weak, around, found, listed):
        out.append(title.weak)
    elif title.weak_alone is not None:
        out.append(title.weak_alone)
    return out


def fix_signals(context: Around, renamed: Signal) -> list[Signal]:
    """What the title and branch say of a fix, for an edit that renames a thing: in a fix PR
    that is often the fix (the wrong variable, a misspelt keyword). A title that names
    security work speaks too when the new name is one the code already has (``renamed`` is
    then a debugging signal): that swap is the fix, where a plain rename is plumbing."""
    title = context.said()
    strong = [title.strong] if title.strong is not None and renamed.category == DEBUGGING else []
    return [*title.fix, *strong]


def _corroborated(
    weak: Signal, around: list[Signal], found: list[Signal], listed: Signal | None
) -> bool:
    if listed is not None or any(s.category == REVIEW and s.weight >= 1.0 for s in found):
        return True
    word = weak.reason.rpartition("(")[2][:4].lower()
    return any(s.weight >= 2.0 or word not in s.reason.lower() for s in around)


def _boundary(hunk: Hunk, added: Lines, context: Around) -> list[Signal]:
    """The enclosing code on a security boundary (``security.boundary_signals``) or in a
    concurrency primitive (``security.concurrency_signal``)."""
    names = _names(hunk, added, context)
    concurrent = security.concurrency_signal(names, hunk.file)
    return [
        *security.boundary_signals(names, hunk.file, added, hunk.removed),
        *([concurrent] if concurrent is not None else []),
    ]


def _names(hunk: Hunk, added: Lines, context: Around) -> tuple[str, ...]:
    """The functions and classes around the hunk's first line, innermost first."""
    names = security.section_names(hunk.section)
    if context.source is not None:
        names = context.source.enclosing(added[0].number if added else hunk.new_start)[::-1] + names
    return names + security.section_names("\n".join(line.text for line in added))


def removed_check(hunk: Hunk, removed: Lines, context: Around) -> list[Signal]:
    """A pure deletion that takes a check out of code on a security boundary (an early
    ``return False`` in ``same_origin``), or takes code out under a title that names security
    work (the vulnerable code, a check added at the wrong place): not "nothing to review".
    ``removed`` are the deleted code lines (no comments); imports are left alone."""
    where = security.boundary_place(_names(hunk, (), context), hunk.file)
    found = None if where is None else security.removed_check_signal(where, (), hunk.removed)
    if found is not None:
        return [found]
    word = context.said().strong_word
    if not word or all(security.plumbing(x.text) for x in removed):
        return []
    return [Signal(REVIEW, 2.0, f"code taken out under a security title ({word})")]
