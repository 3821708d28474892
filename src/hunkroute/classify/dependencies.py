"""Dependency files and repository config: their own small classification (issue 13).

A ``requirements*.txt`` change is a dependency change, not prose: routine (boilerplate) unless
a pinned version goes down or a package index or source URL appears or goes (review: that is
how a supply-chain attack looks in a diff). So is a config file's hunk that only changes pins
(``tox.ini`` deps). ``.gitignore``-like files are repository config: boilerplate. Pure; kept
apart from the classifier's code signals.
"""

from __future__ import annotations

import re

from hunkroute.diff.unified import is_dependency_file, is_repo_config
from hunkroute.model import BOILERPLATE, REVIEW, Classification, Hunk, Line

PIN = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(===?|~=|>=)\s*"
    r"(?P<version>\d[\w.!+*-]*)"
)
# a requirement named without a version (``"pyfakefs",`` in a list of extras): a pin's other side
BARE_REQUIREMENT = re.compile(r"^[\"'][A-Za-z0-9][\w.-]*(\[[^\]]*\])?[\"'],?$")
CONFIG_FILES = frozenset({"ini", "toml", "yaml"})
SOURCE = re.compile(
    r"(^|\s)(--index-url|--extra-index-url|-i|--find-links|-f)(\s|=)|git\+|https?://"
)


def classify_file(hunk: Hunk) -> Classification | None:
    """The category of a hunk of a dependency or repository-config file; None for other files."""
    if is_repo_config(hunk.file):
        return Classification(BOILERPLATE, ("repository config file",))
    if not is_dependency_file(hunk.file) and not _pins_only(hunk):
        return None
    risk = _source_change(hunk) or _downgrade(hunk)
    if risk is not None:
        return Classification(REVIEW, (risk,))
    return Classification(BOILERPLATE, ("dependency change",))


def _pins_only(hunk: Hunk) -> bool:
    """A config file's hunk (``tox.ini`` deps, ``setup.cfg`` extras) that only changes pins."""
    lines = [x.text.strip() for x in hunk.added + hunk.removed if x.text.strip()]
    pinned = [bool(PIN.match(x.strip("\"',-").strip())) for x in lines]
    return (
        hunk.language in CONFIG_FILES
        and any(pinned)
        and all(pin or BARE_REQUIREMENT.match(x) for x, pin in zip(lines, pinned, strict=True))
    )


def _source_change(hunk: Hunk) -> str | None:
    for line in hunk.added + hunk.removed:
        if SOURCE.search(line.text.split(" #")[0]):
            return f"package index or source changed (line {line.number}): {line.text.strip()}"
    return None


def _downgrade(hunk: Hunk) -> str | None:
    before = _pins(hunk.removed)
    for name, (version, line) in _pins(hunk.added).items():
        old = before.get(name)
        if old is not None and _numbers(version) < _numbers(old[0]):
            return f"dependency downgraded (line {line}): {name} {old[0]} → {version}"
    return None


def _pins(lines: tuple[Line, ...]) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for line in lines:
        match = PIN.match(line.text)
        if match:
            name = re.sub(r"[-_.]+", "-", match.group("name")).lower()  # PEP 503 names
            found[name] = (match.group("version"), line.number)
    return found


def _numbers(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))
