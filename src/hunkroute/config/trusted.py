"""The config a pull request cannot change: read from the PR's base commit (issue 11).

In CI (``github``, and every forge command) hunkroute's config file, every rule file or folder it
names and the gates' own configs (``GATE_CONFIG_NAMES``) are read from the base revision through
a ``Revision`` (git objects, or a forge's API when the checkout lacks the base), written into a
private folder, and used from there: a PR that edits them cannot switch its gate off, redirect
its provider keys or loosen its rules. No config at the base means the built-in defaults, not
the PR's file. ``pr_changes`` then names each of these files that the PR changed, as a note
finding on that file (posted like any finding; on a line outside the diff it reaches the summary).
Local commands (``run``, ``precommit``) never come here: they read the working tree.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hunkroute.config.load import load, loads
from hunkroute.config.schema import CONFIG_FILE_NAMES, TOOL_READ_NAMES, Config
from hunkroute.errors import ConfigError
from hunkroute.model import ChangeSet, FileChange, Finding

RULE = "trusted-config"


class Revision(Protocol):
    """Files of one commit of the repository (a PR's base), by repository path."""

    def read(self, path: str) -> bytes | None: ...

    def files_below(self, folder: str) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class Trusted:
    """The base's config (paths resolve inside ``folder``) and what the PR may not change."""

    config: Config
    folder: Path  # the base versions of every trusted file, at their repository paths
    revision: str  # for messages: the base commit
    files: frozenset[str]  # repository paths whose base version is used
    folders: tuple[str, ...]  # rule folders: every file below them is trusted


def read_trusted(
    base: Revision, name: str | None, into: Path, revision: str, runner_config: Path | None = None
) -> Trusted:
    """Read the config ``name`` (or a default name) and all it relies on from ``base``.

    ``runner_config``: a config file outside the repository (the runner's, not the PR's), used
    as it is; the gates' own configs still come from ``base``."""
    if runner_config is not None:  # its rule paths are the runner's too: nothing to read here
        config, files, folders = load(runner_config), set(TOOL_READ_NAMES), []
    else:
        config, files, folder = _base_config(base, name, into)
        folders = _copy_referenced(base, _referenced(config, folder), into, files)
    for gate_config in TOOL_READ_NAMES:
        if (data := base.read(gate_config)) is not None:
            _write(into, gate_config, data)
    return Trusted(config, into, revision, frozenset(files), tuple(folders))


def _copy_referenced(
    base: Revision, paths: Iterable[str], into: Path, files: set[str]
) -> list[str]:
    """Write each rule file or folder into ``into``; add the files to ``files``; the folders."""
    folders = []
    for path in paths:
        # folders first: an API may answer a folder's read with its listing
        if below := base.files_below(path):
            folders.append(path)
            for inner in below:
                _write(into, inner, base.read(inner) or b"")
        elif (data := base.read(path)) is not None:
            _write(into, path, data)
            files.add(path)
    return folders


def _base_config(base: Revision, name: str | None, into: Path) -> tuple[Config, set[str], str]:
    """The config at the base (or the defaults when it has none), the names a PR may not
    change, and the config's folder in the repository."""
    names = (name,) if name else CONFIG_FILE_NAMES
    found = next(((n, data) for n in names if (data := base.read(n)) is not None), None)
    files = set(names) | set(TOOL_READ_NAMES)
    if found is None:
        return load(None), files, ""  # no config at the base: the defaults, never the PR's
    config = loads(_text(found[1], found[0]), str(_write(into, found[0], found[1])))
    return config, files, posixpath.dirname(found[0])


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name}: cannot read config: {exc}") from exc


def _referenced(config: Config, folder: str) -> Iterator[str]:
    """Repository paths of the rule files and folders the gates are told to use.

    An absolute path is the runner's, not the repository's: it is left as it is."""
    for gate in config.gates:
        for raw in (*gate.rules, *filter(None, [gate.config_file])):
            path = posixpath.normpath(posixpath.join(folder, raw))
            if not posixpath.isabs(raw) and path != ".." and not path.startswith("../"):
                yield path


def _write(into: Path, path: str, data: bytes) -> Path:
    target = into / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def pr_changes(trusted: Trusted, changes: ChangeSet) -> tuple[Finding, ...]:
    """A note finding on each trusted file the PR adds, edits, renames or deletes."""
    return tuple(
        _note(trusted, file, path) for file in changes.files if (path := _touched(trusted, file))
    )


def change_notes(changed: Sequence[Finding]) -> tuple[str, ...]:
    """The report's (and the job summary's) line for each trusted file the PR changed."""
    return tuple(
        f"{f.file}: changed by this PR and not used (the base's version was)" for f in changed
    )


def _touched(trusted: Trusted, file: FileChange) -> str | None:
    for path in filter(None, (file.path, file.old_path)):
        inside = any(path.startswith(folder.rstrip("/") + "/") for folder in trusted.folders)
        if path in trusted.files or inside:
            return path
    return None


def _note(trusted: Trusted, file: FileChange, path: str) -> Finding:
    lines = [line.number for hunk in file.hunks for line in hunk.added + hunk.context]
    message = (
        f"this PR changes {path}, which configures hunkroute or its gates: the run used the"
        f" version at the base commit {trusted.revision[:12]}; the change takes effect once merged"
    )
    line = min(lines, default=1)
    return Finding(file.path, line, line, "note", "hunkroute", RULE, message)
