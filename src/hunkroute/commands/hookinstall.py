"""``hunkroute init --hooks``: install the plain git hooks of ``hooks/`` into a repository.

The hooks directory is git's own answer (``git rev-parse --git-path hooks``), so
``core.hooksPath`` and linked worktrees are respected. Each installed hook gets the absolute
path of the Python running this install, so it finds hunkroute even when the console script is
not on the PATH of a GUI git client; it falls back to ``hunkroute`` on the PATH.
"""

from __future__ import annotations

import shlex
from importlib import resources
from pathlib import Path

from hunkroute.diff import source
from hunkroute.errors import InputError

HOOK_NAMES = ("pre-commit", "pre-push")
MARKER = "# hunkroute-hook:"  # an existing hook carrying it is ours and may be replaced
PYTHON_LINE = "hunkroute_python=''"


def hook_text(name: str, python: str) -> str:
    """The hook script ``name`` with ``python`` written in as the interpreter to use."""
    template = resources.files("hunkroute").joinpath("data", "hooks", name).read_text("utf-8")
    assert PYTHON_LINE in template, f"hook template {name} lost its {PYTHON_LINE!r} line"
    return template.replace(PYTHON_LINE, f"hunkroute_python={shlex.quote(python)}", 1)


def _foreign(path: Path) -> bool:
    """True when ``path`` is a hook someone else wrote (so not ours to replace)."""
    if not path.exists() and not path.is_symlink():
        return False
    try:
        return MARKER not in path.read_text("utf-8", errors="replace")
    except OSError:
        return True


def install(root: Path, python: str, force: bool) -> tuple[Path, list[Path]]:
    """Write every hook, or none: a foreign hook stops the install unless ``force``."""
    folder = source.git_path(root, "hooks")
    targets = [folder / name for name in HOOK_NAMES]
    taken = [t for t in targets if _foreign(t)]
    if taken and not force:
        names = ", ".join(str(t) for t in taken)
        raise InputError(f"{names}: a hook is already there (use --force to replace it)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for target in targets:
            target.unlink(missing_ok=True)  # a symlink is replaced, never written through
            target.write_text(hook_text(target.name, python), encoding="utf-8")
            target.chmod(0o755)
    except OSError as exc:
        raise InputError(f"{folder}: cannot install hooks ({exc.strerror or exc})") from exc
    return folder, targets
