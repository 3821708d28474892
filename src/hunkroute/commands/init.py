"""``hunkroute init``: a commented starter config, or (``--hooks``) the plain git hooks."""

from __future__ import annotations

import sys
from pathlib import Path

from hunkroute.commands import hookinstall
from hunkroute.commands.options import CliOptions, git_root
from hunkroute.config.starter import write_starter


def command(options: CliOptions) -> int:
    """Write the starter file (or the hooks) and say what to do next."""
    if options.hooks:
        return _hooks(options)
    path = write_starter(Path(options.config or "hunkroute.yaml"), force=options.force)
    print(
        f"hunkroute: wrote {path}; edit providers and budget_usd, then run 'hunkroute plan'",
        file=sys.stderr,
    )
    return 0


def _hooks(options: CliOptions) -> int:
    folder, written = hookinstall.install(git_root(), sys.executable, options.force)
    names = ", ".join(p.name for p in written)
    print(
        f"hunkroute: installed {names} in {folder} (runs {sys.executable} -m hunkroute);"
        " skip once with 'git commit --no-verify' or 'git push --no-verify'",
        file=sys.stderr,
    )
    return 0
