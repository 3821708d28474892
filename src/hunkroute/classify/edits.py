"""The shape of an edit, read from its added and removed lines without parsing the language.

Shapes that make a hunk not worth a model (docs, whitespace, comments, version bumps, pure
deletions), renames (the same tokens with identifiers consistently substituted), and small
in-place edits whose shape is typical of a bug fix (``<`` → ``<=``, ``n`` → ``n - 1``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from hunkroute.classify import syntax
from hunkroute.classify.patterns import Signal, code_part, is_test_file
from hunkroute.classify.syntax import SourceFacts
from hunkroute.diff.unified import is_documentation, language_of
from hunkroute.model import BOILERPLATE, DEBUGGING, Hunk, Line

Lines = tuple[Line, ...]

CHANGELOG = re.compile(r"^(CHANGELOG|CHANGES|HISTORY|NEWS)", re.IGNORECASE)
# towncrier/scriv-style fragments: one prose file per change (``newsfragments/123.bugfix``)
FRAGMENT_DIR = re.compile(
    r"(?i:(^|/)(newsfragments?|news|changes|changelog\.d|changelog|fragments)/[^/]+$)"
)
# fragments kept as data, one per change, in a folder of the next release's changes
# (``.changes/next-release/123-bugfix-x.json``, ``changes/unreleased/5298.fix-x.toml``)
PENDING_FRAGMENT = re.compile(
    r"(?i:(^|/)\.?(changes|changelog\.d|newsfragments?)/(next-release|unreleased)/[^/]+"
    r"\.(json|toml|ya?ml)$)"
)
# reno's release notes: one YAML file of prose per change (``releasenotes/notes/x-5d5f.yaml``)
RELEASE_NOTE = re.compile(r"(^|/)releasenotes/notes/[^/]+\.ya?ml$")
# a version string, a version tuple, or a release date
VERSION = re.compile(
    r"""^\s*["']?(__version__|\w*version|appVersion|\w*VERSION|release)["']?\s*[:=]"""
    r"""\s*["']?v?\d+(\.\d+)+"""
    r"""[\w.+~-]*["']?,?\s*$|"""
    r"""^\s*_*(version(_?info)?|ver|VERSION(_INFO)?)_*\s*=\s*\(\s*\d+(\s*,\s*(\d+|["'][\w.]*["']))+"""
    r"""\s*,?\s*\)\s*$|"""
    r"""^\s*_*(release_?date|date|RELEASE_?DATE)_*\s*=\s*["'][\d/.-]{6,10}["']\s*$"""
)
INDENTED = frozenset({"python", "yaml", "make"})
PROSE_LANGUAGES = frozenset({"text", "markdown", "rst"})
TRIPLE = ('"""', "'''", 'r"""')
PROSE = re.compile(
    r"^(?!(return|raise|pass|break|continue|yield|import|del)\b)[A-Za-z][\w\s,.;:'`()!?-]*$"
)
CALL = re.compile(r"^[\w.]+\(.*\)$")  # ``self.close()`` fits PROSE, yet is code
IMPORT = re.compile(r"^\s*(from\s+\S+\s+)?import\s")
HEADER = re.compile(r"^\s*((async\s+)?def|class)\s")
TOKEN = re.compile(r"\w+|[^\w\s]")
NAME_ALREADY_HERE = "uses another name already in the code"
PURE_DELETION = "pure deletion"
DOCS_ONLY = "docstring or comment-only change"
WHITESPACE_ONLY = "whitespace-only change"
LAYOUT_ONLY = "layout-only change"
# the same code laid out otherwise: a gate finding on its lines was there before the change
SAME_CODE = frozenset({WHITESPACE_ONLY, LAYOUT_ONLY})
IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")
KEYWORDS = frozenset(
    "if elif else for while return and or not is in True False None true false null nil let "
    "const var break continue public private protected static final async await def class "
    "function func import from".split()
)
OFF_BY_ONE = re.compile(r"[-+]1(?!\d)|^1$")


def skip_reason(
    hunk: Hunk,
    added: Lines,
    removed: Lines,
    source: SourceFacts | None = None,
    removed_code: Mapping[int, str] | None = None,
) -> str | None:
    """Why the hunk needs no model at all, or ``None``; ``added``/``removed`` are code lines.

    ``source`` (the facts of the new file) and ``removed_code`` (the removed lines that were
    code in the old one) decide what is a docstring or a comment.
    """
    name = hunk.file.rpartition("/")[2]
    if CHANGELOG.match(name) and hunk.language in PROSE_LANGUAGES:  # not history.py
        return "changelog"
    prose = language_of(hunk.file) in PROSE_LANGUAGES
    if (FRAGMENT_DIR.search(hunk.file) and prose) or PENDING_FRAGMENT.search(hunk.file):
        return "changelog fragment"
    if RELEASE_NOTE.search(hunk.file):
        return "release note"
    if _documentation(hunk.file, name):
        return "documentation file"
    if all(not line.text.strip() for line in hunk.added):  # nothing but blank lines added
        if removed:  # code taken out, blank lines left: a deletion
            return PURE_DELETION
        if removed_code is not None and any(x.text.strip() for x in hunk.removed):
            return DOCS_ONLY  # the old version says none of it was code
        return "only blank lines added" if hunk.added else PURE_DELETION
    if (
        hunk.removed
        and _normalised(hunk.added, hunk.language) == _normalised(hunk.removed, hunk.language)
        and _in_place(hunk, hunk.added, hunk.removed)
    ):
        return WHITESPACE_ONLY
    if hunk.language == "python" and _reflowed(hunk):
        return LAYOUT_ONLY
    if not added and not removed:
        return "comment-only change"
    if hunk.language == "python" and _docs_only(hunk, source, removed_code):
        return "docstring-only change" if source is None else DOCS_ONLY
    if added and removed and all(VERSION.match(x.text) for x in added + removed):
        return "version bump"
    return None


def _reflowed(hunk: Hunk) -> bool:
    """Python lines re-flowed, or a trailing comma added where it changes nothing: the lines
    after the hunk's last change tell whether they sit inside brackets (a closer comes next)."""
    if not hunk.added or not hunk.removed:
        return False
    old = [x.text for x in hunk.removed]
    new = [x.text for x in hunk.added]
    if _squash("".join(old)).replace(",", "") != _squash("".join(new)).replace(",", ""):
        return False  # most hunks: other characters changed
    if not _one_block(hunk):
        return False  # lines moved past others
    context = sorted(hunk.context, key=lambda x: x.number)
    if _indent(old[0]) != _indent(new[0]):
        # lines moved into another block, unless they continue a bracket the line before
        # opened: read with that line, their indentation is layout
        first = hunk.added[0].number
        before = next((x.text for x in reversed(context) if x.number < first), "")
        if not code_part(before).endswith(("(", "[", "{", ",")):
            return False
        old, new = [before, *old], [before, *new]
    last = max(x.number for x in hunk.added)
    after = next((x.text for x in context if x.number > last), "")
    return syntax.same_code(old, new, after.lstrip()[:1] in (")", "]", "}"))


def _one_block(hunk: Hunk) -> bool:
    """The removed lines are one run, and the added lines one run in the same place."""
    added = [x.number for x in hunk.added]
    removed = [x.number for x in hunk.removed]
    if added != list(range(added[0], added[0] + len(added))):
        return False
    if removed != list(range(removed[0], removed[0] + len(removed))):
        return False
    before = sum(1 for x in hunk.context if x.number < added[0])
    return removed[0] == hunk.old_start + before


def _documentation(path: str, name: str) -> bool:
    """Prose files; a test's data file and an extension-less config (``.gitignore``,
    ``*.properties``) are "text" to the diff reader, yet they are not documentation."""
    if not is_documentation(path) or is_test_file(path):
        return False
    return language_of(path) != "text" or name.lower().endswith(".txt") or "." not in name


def _normalised(lines: tuple[Line, ...], language: str) -> list[str]:
    """The lines without whitespace; where indentation is syntax, line by line with it kept.

    Elsewhere the lines are joined, so that a formatter re-flowing a call over several lines
    is still a whitespace-only change.
    """
    if language not in INDENTED:
        return ["".join("".join(line.text.split()) for line in lines)]
    out = []
    for line in lines:
        body = " ".join(line.text.split())
        if body:
            out.append(" " * _indent(line.text) + body)
    return out


def _in_place(hunk: Hunk, added: Lines, removed: Lines) -> bool:
    """Where indentation is syntax, the ``added`` lines stand where the ``removed`` ones stood:
    lines moved past a context line (a ``break`` now after two statements) change behaviour."""
    if hunk.language not in INDENTED:
        return True
    gone = {x.number for x in hunk.removed}
    size = len(hunk.removed) + len(hunk.context)
    kept = [n for n in range(hunk.old_start, hunk.old_start + size) if n not in gone]
    for line, old in zip(sorted(hunk.context, key=lambda x: x.number), kept, strict=False):
        before = sum(1 for x in added if x.number < line.number)
        if before != sum(1 for x in removed if x.number < old):
            return False
    return True


def _docs_only(
    hunk: Hunk, source: SourceFacts | None, removed_code: Mapping[int, str] | None
) -> bool:
    """True when the edit changes only docstrings and comments.

    With the new file's facts: the added lines' code (outside docstrings, without trailing
    comments) is the removed lines' code, read in the old version (``removed_code``) or, without
    it, the removed lines that do not read as prose or comments. Without the new file's facts,
    only a hunk whose added lines are prose inside a docstring (a string state guessed from the
    hunk alone is a guess: issue 12).
    """
    if source is None:
        return _docstring_only(hunk)
    new = [x for x in hunk.added if x.number in source.code]
    if removed_code is None:
        old = [(x, code_part(x.text)) for x in hunk.removed if not _prose(x.text.strip())]
    else:
        old = [(x, removed_code[x.number]) for x in hunk.removed if x.number in removed_code]
    old = [(x, code) for x, code in old if code]
    # indentation is syntax: a line moved into an ``if`` under a new comment is a change
    same = [(_indent(x.text), _squash(source.code_part(x.number, x.text))) for x in new] == [
        (_indent(x.text), _squash(code)) for x, code in old
    ]
    return same and _in_place(hunk, tuple(new), tuple(x for x, _ in old))  # moved: not docs


def _indent(text: str) -> int:
    expanded = text.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def _prose(stripped: str) -> bool:
    """A line that reads as docstring text, a comment or nothing."""
    body = stripped.removesuffix('"""').removesuffix("'''").removeprefix('"""').removeprefix("'''")
    body = body.strip().removeprefix(">>>").removeprefix("..").lstrip(":").strip()
    return not body or stripped.startswith("#") or bool(PROSE.match(body) and not CALL.match(body))


def _docstring_only(hunk: Hunk) -> bool:
    """True when every added line is prose inside (or opening) a docstring."""
    if not any(quote in line.text for line in hunk.new_lines for quote in ('"""', "'''")):
        return False
    if not all(_prose(line.text.strip()) for line in hunk.added):
        return False
    inside, doc = False, set()
    for line in hunk.new_lines:
        stripped = line.text.strip()
        if inside or stripped.startswith(TRIPLE):
            doc.add(line.number)
        if (stripped.count('"""') + stripped.count("'''")) % 2:
            inside = not inside
    return all(line.number in doc or not line.text.strip() for line in hunk.added) and all(
        (s := line.text.strip()).startswith(TRIPLE) or not s or PROSE.match(s)
        for line in hunk.removed
    )


def rename(added: Lines, removed: Lines) -> dict[str, str] | None:
    """Old name → new name when the edit only substitutes identifiers consistently, else
    ``None``.

    An identifier right after a dot is an attribute or a method of something else
    (``yaml.safe_load`` → ``yaml.load``), so changing it is never a mere rename.
    """
    if not removed or len(removed) != len(added):
        return None
    mapping: dict[str, str] = {}
    for old_line, new_line in zip(removed, added, strict=True):
        old, new = TOKEN.findall(old_line.text), TOKEN.findall(new_line.text)
        if len(old) != len(new):
            return None
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a == b:
                continue
            if not _renameable(a, b) or (i and old[i - 1] == "."):
                return None
            if mapping.setdefault(a, b) != b:
                return None
    return mapping or None


def _renameable(a: str, b: str) -> bool:
    return bool(IDENTIFIER.match(a) and IDENTIFIER.match(b)) and not {a, b} & KEYWORDS


def reordered(added: Lines, removed: Lines) -> bool:
    """The added lines are the removed ones in another order: the edit only moves statements
    (``self.close()`` now after ``self._dispatch_error(e)``)."""
    if not added or len(added) != len(removed):
        return False
    return sorted(x.text.strip() for x in added) == sorted(x.text.strip() for x in removed)


def edit_signals(added: Lines, removed: Lines) -> list[Signal]:
    """Debugging signals from removed/added line pairs and changed return values."""
    out: list[Signal] = []
    if removed and len(removed) == len(added) and len(removed) <= 8:
        for old, new in zip(removed, added, strict=True):
            signal = _pair_signal(old.text, new)
            if signal:
                out.append(signal)
    old_returns = {_squash(x.text) for x in removed if x.text.lstrip().startswith("return")}
    for line in added:
        squashed = _squash(line.text)
        if old_returns and squashed.startswith("return") and squashed not in old_returns:
            out.append(Signal(DEBUGGING, 1.5, "changed return value", line.number))
    return out


def _pair_signal(old: str, new: Line) -> Signal | None:
    """A signal for one removed line replaced by one added line, when the edit is small."""
    a, b = _squash(old), _squash(new.text)
    if a == b or (IMPORT.match(old) and IMPORT.match(new.text)) or _extends(old, new.text):
        return None
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    was, now = a[start : len(a) - end], b[start : len(b) - end]
    if len(was) + len(now) > 16:
        return None
    changed = set(was + now)
    if OFF_BY_ONE.search(was) or OFF_BY_ONE.search(now):
        return Signal(DEBUGGING, 2.5, "off-by-one shaped edit", new.number)
    if changed <= set("<>=!"):
        return Signal(DEBUGGING, 2.5, "changed comparison", new.number)
    if changed <= set("+-*/%&|^~"):
        return Signal(DEBUGGING, 2.0, "changed operator", new.number)
    return Signal(DEBUGGING, 1.0, "small edit to an expression", new.number)


def _extends(old: str, new: str) -> bool:
    """A ``def`` or ``class`` line that only gains parameters, annotations or bases: plumbing
    for the code that uses them, where a changed default or order would change behaviour."""
    if not (HEADER.match(old) and HEADER.match(new)):
        return False
    remaining = iter(TOKEN.findall(new))
    return all(token in remaining for token in TOKEN.findall(old))  # in order


def _squash(text: str) -> str:
    return "".join(text.split())


def rename_signal(renamed: dict[str, str], added: Lines, context: Lines) -> Signal:
    """A strong boilerplate signal for a pure rename (``rename``), or a debugging one when the
    new name was already there: a refactor brings a name in, while a fix swaps in the right one
    of two the code already has (``lat`` ↔ ``lon``, ``stdout`` → ``stdin`` beside a ``stdin``
    check)."""
    around = {token for line in context for token in TOKEN.findall(line.text)}
    there = [(a, b) for a, b in renamed.items() if b in around or b in renamed]
    if there:
        old, new = there[0]
        return Signal(DEBUGGING, 2.5, f"{NAME_ALREADY_HERE}: {old} → {new}", added[0].number)
    old, new = next(iter(renamed.items()))
    return Signal(BOILERPLATE, 3.0, f"rename: {old} → {new}", added[0].number)
