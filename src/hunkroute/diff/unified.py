"""Unified diff text → ``ChangeSet`` of files and hunks (parsed with unidiff).

Pure: takes text, returns values. ``sections`` accounts for every line first (a line it cannot
place is refused); unidiff then reads the file headers. Git-specific headers unidiff does not
model (copies, mode changes, C-quoted paths) are read from each file's header lines. Files that
are never worth a model call (binary, deleted, lock, generated or vendored, too large, outside
the repository) keep their hunks but carry a skip reason, so that every skip reaches the report.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterator
from fnmatch import translate
from functools import lru_cache

from unidiff.errors import UnidiffParseError
from unidiff.patch import Hunk as UnifiedHunk
from unidiff.patch import PatchedFile, PatchSet

from hunkroute.config import FilesConfig
from hunkroute.diff import sections
from hunkroute.diff.sections import Body
from hunkroute.errors import DiffError
from hunkroute.model import ChangeSet, FileChange, FileStatus, Hunk, Line

LANGUAGES = {
    ".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript",
    ".cjs": "javascript", ".jsx": "javascript", ".ts": "typescript", ".tsx": "typescript",
    ".go": "go", ".rs": "rust", ".java": "java", ".kt": "kotlin", ".rb": "ruby", ".php": "php",
    ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".hpp": "cpp", ".cs": "csharp",
    ".swift": "swift", ".scala": "scala", ".sh": "shell", ".bash": "shell", ".sql": "sql",
    ".html": "html", ".htm": "html", ".css": "css", ".scss": "css", ".vue": "vue",
    ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml", ".ini": "ini",
    ".cfg": "ini", ".conf": "ini", ".md": "markdown", ".mkd": "markdown", ".rst": "rst",
    ".txt": "text", ".tf": "terraform",
    ".xml": "xml", ".lua": "lua", ".dart": "dart", ".ex": "elixir", ".exs": "elixir",
}  # fmt: skip
SPECIAL_NAMES = {"Dockerfile": "dockerfile", "Makefile": "make", "CHANGELOG": "markdown"}

# Dependency pins (pip's requirement files) and repository config: changes, not prose (issue 13).
DEPENDENCY_FILE = re.compile(
    r"(^|/)((requirements|constraints)[^/]*\.txt|requirements/[^/]+\.txt|[^/]+\.in)$"
)
# a ``.txt`` file among templates is a template the application renders (an email body)
TEXT_TEMPLATE = re.compile(r"(^|/)templates?/.*\.(?i:txt)$")
REPO_CONFIG_NAMES = frozenset(
    {".gitignore", ".dockerignore", ".gitattributes", ".editorconfig", "MANIFEST.in"}
)

_QUOTED = re.compile(r'^"((?:[^"\\]|\\.)*)"$')
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


@lru_cache(maxsize=4096)  # each hunk of a file, and each stage, asks again
def language_of(path: str) -> str:
    """The language of a file by its name, ``text`` when unknown."""
    name = posixpath.basename(path)
    if name in SPECIAL_NAMES:
        return SPECIAL_NAMES[name]
    return LANGUAGES.get(posixpath.splitext(name)[1].lower(), "text")


def unquote_path(raw: str) -> str:
    """Undo git's C-style quoting (``"a\\303\\251.py"`` → ``aé.py``) and strip ``a/``/``b/``."""
    match = _QUOTED.match(raw.strip())
    if match:
        raw = _c_unescape(match.group(1))
    if raw.startswith(("a/", "b/")):
        raw = raw[2:]
    return raw


def _c_unescape(body: str) -> str:
    out = bytearray()
    i = 0
    while i < len(body):
        char = body[i]
        if char != "\\":
            out += char.encode("utf-8", "surrogateescape")
            i += 1
        elif body[i + 1 : i + 4].isdigit() and len(body[i + 1 : i + 4]) == 3:
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out.append(_ESCAPES.get(body[i + 1], ord(body[i + 1])))
            i += 2
    return out.decode("utf-8", errors="replace")


def decode(data: bytes) -> str:
    """Diff bytes as text; bytes that are not UTF-8 become U+FFFD instead of failing."""
    return data.decode("utf-8", errors="replace")


def parse(text: str, files: FilesConfig, origin: str = "diff") -> ChangeSet:
    """Parse unified diff text; a malformed diff is a ``DiffError`` naming the line."""
    if text.strip() and not _looks_like_diff(text):
        raise DiffError(
            f"{origin}: line 1: not a unified diff (no '---'/'+++' or 'diff --git' header)"
        )
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    bodies = iter(sections.hunk_bodies(lines, origin))
    position = [0]
    try:
        # unidiff checks the structure and reads the file headers; metadata_only skips
        # building an object per diff line, which made parsing a large diff 3x slower.
        patch = PatchSet(_counting(lines, position), metadata_only=True)
    except UnidiffParseError as exc:
        raise DiffError(
            f"{origin}: line {max(position[0], 1)}: malformed diff: {str(exc).strip()}"
        ) from exc
    seen: dict[str, int] = {}
    matchers = (glob_matcher(files.lock_files), glob_matcher(files.exclude))
    changed = tuple(
        _file_change(patched, bodies, files, matchers, seen, origin) for patched in patch
    )
    return ChangeSet(files=changed, origin=origin)


def _looks_like_diff(text: str) -> bool:
    head = text[:200_000]
    return "\n+++ " in "\n" + head or "diff --git " in head or "\n@@ " in "\n" + head


def _counting(lines: list[str], position: list[int]) -> Iterator[str]:
    """Yield lines while recording how far unidiff read, to name the line it failed on."""
    for number, line in enumerate(lines, 1):
        position[0] = number
        yield line


def _file_change(
    patched: PatchedFile,
    bodies: Iterator[Body],
    files: FilesConfig,
    matchers: tuple[re.Pattern[str], re.Pattern[str]],
    seen: dict[str, int],
    origin: str,
) -> FileChange:
    info = [str(line).rstrip("\n") for line in (patched.patch_info or [])]
    status = _status(patched, info)
    path = _new_path(patched, info, status)
    old_path = _old_path(patched, info)
    language = language_of(path)
    hunks = tuple(_hunk(path, language, h, next(bodies, None), seen, origin) for h in patched)
    return FileChange(
        path=path,
        old_path=old_path if old_path != path else None,
        status=status,
        language=language,
        binary=bool(patched.is_binary_file),
        hunks=hunks,
        skip_reason=_skip_reason(
            path, status, bool(patched.is_binary_file), hunks, files, matchers
        ),
    )


def _status(patched: PatchedFile, info: list[str]) -> FileStatus:
    if patched.is_added_file:
        return "added"
    if patched.is_removed_file:
        return "deleted"
    if any(line.startswith("copy from ") for line in info):
        return "copied"
    if patched.is_rename:
        return "renamed"
    if len(patched) == 0 and any(line.startswith("new mode ") for line in info):
        return "mode"
    return "modified"


def _header_value(info: list[str], prefix: str) -> str | None:
    return next(
        (unquote_path(line[len(prefix) :]) for line in info if line.startswith(prefix)), None
    )


def _new_path(patched: PatchedFile, info: list[str], status: FileStatus) -> str:
    target = _header_value(info, "rename to ") or _header_value(info, "copy to ")
    if target:
        return target
    if status == "deleted":
        return unquote_path(patched.source_file)
    raw = patched.target_file if patched.target_file != "/dev/null" else patched.path
    return unquote_path(raw)


def _old_path(patched: PatchedFile, info: list[str]) -> str | None:
    source = _header_value(info, "rename from ") or _header_value(info, "copy from ")
    if source:
        return source
    if patched.source_file in (None, "/dev/null"):
        return None
    return unquote_path(patched.source_file)


def _hunk(
    path: str,
    language: str,
    hunk: UnifiedHunk,
    body: Body | None,
    seen: dict[str, int],
    origin: str,
) -> Hunk:
    if body is None or (body.old_start, body.new_start) != (hunk.source_start, hunk.target_start):
        where = f"line {body.header_line}" if body else "end"
        raise DiffError(f"{origin}: {where}: malformed diff: hunk header out of place in {path}")
    if (hunk.target_start == 0 and hunk.target_length) or (
        hunk.source_start == 0 and hunk.source_length
    ):  # line numbers start at 1: only an empty side may say 0
        raise DiffError(
            f"{origin}: line {body.header_line}: malformed diff: hunk of {path} numbers a line 0"
        )
    new_end = hunk.target_start + max(hunk.target_length, 1) - 1
    old_end = hunk.source_start + max(hunk.source_length, 1) - 1
    return Hunk(
        id=_hunk_id(path, body.added, body.removed, seen),
        file=path,
        language=language,
        new_start=hunk.target_start,
        new_end=new_end,
        old_start=hunk.source_start,
        old_end=old_end,
        added=body.added,
        removed=body.removed,
        context=body.context,
        section=(hunk.section_header or "").strip(),
    )


def _hunk_id(
    path: str, added: tuple[Line, ...], removed: tuple[Line, ...], seen: dict[str, int]
) -> str:
    """A short id from the hunk's content: stable when unrelated hunks come and go."""
    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(path.encode("utf-8", "surrogateescape"))
    for marker, lines in ((b"+", added), (b"-", removed)):
        for line in lines:
            digest.update(marker + line.text.encode("utf-8", "surrogateescape") + b"\n")
    base = digest.hexdigest()[:10]
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def is_outside_repository(path: str) -> bool:
    """True for absolute paths and paths that climb out with ``..``."""
    if path.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", path):
        return True
    normal = posixpath.normpath(path.replace("\\", "/"))
    return normal == ".." or normal.startswith("../")


def is_possible_path(path: str) -> bool:
    """False for paths no file system holds: NUL bytes, or a name longer than NAME_MAX."""
    parts = path.replace("\\", "/").split("/")
    return "\x00" not in path and all(
        len(p.encode("utf-8", "surrogateescape")) <= 255 for p in parts
    )


def glob_matcher(globs: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a set of globs, matched against the path and against the file name.

    ``**/x`` also matches ``x`` at the root. Compiled once per parse: matching every file
    against dozens of globs one by one was the slowest part of parsing a large diff.
    """
    patterns = [translate(g) for g in globs]
    patterns += [translate(g[3:]) for g in globs if g.startswith("**/")]
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)")


def matches_any(path: str, matcher: re.Pattern[str]) -> bool:
    return bool(matcher.match(path) or matcher.match(posixpath.basename(path)))


def _skip_reason(
    path: str,
    status: FileStatus,
    binary: bool,
    hunks: tuple[Hunk, ...],
    files: FilesConfig,
    matchers: tuple[re.Pattern[str], re.Pattern[str]],
) -> str | None:
    if is_outside_repository(path):
        return "refused: path outside the repository"
    if not is_possible_path(path):
        return "refused: no file can have this path (a NUL byte, or a name over 255 bytes)"
    if binary:
        return "binary file"
    if status == "deleted":
        return "deleted file"
    if matches_any(path, matchers[0]):
        return "lock file"
    if matches_any(path, matchers[1]):
        return "generated or vendored file (files.exclude)"
    size = sum(len(line.text) + 1 for h in hunks for line in h.added + h.context)
    if size > files.max_file_bytes:
        return (
            f"file too large ({size} bytes of change > files.max_file_bytes {files.max_file_bytes})"
        )
    return None


@lru_cache(maxsize=4096)
def is_repo_config(path: str) -> bool:
    """``.gitignore``-like files: they configure the repository or its packaging."""
    return posixpath.basename(path) in REPO_CONFIG_NAMES


@lru_cache(maxsize=4096)
def is_dependency_file(path: str) -> bool:
    """pip requirement and constraint files (``requirements*.txt``, ``*.in``)."""
    return not is_repo_config(path) and bool(DEPENDENCY_FILE.search(path))


@lru_cache(maxsize=4096)
def is_documentation(path: str) -> bool:
    """Docs and prose files: their hunks are never worth a model. A file's name alone does not
    make it prose: ``NEWS``, ``HISTORY.rst`` and ``LICENSE`` are, ``history.py`` is code,
    and a ``.txt`` file under ``templates/`` is a template."""
    if is_repo_config(path) or is_dependency_file(path) or TEXT_TEMPLATE.search(path):
        return False
    return language_of(path) in ("markdown", "rst", "text")
