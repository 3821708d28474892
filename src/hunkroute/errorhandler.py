"""The one place that turns outcomes and errors into exit codes (table in README and DESIGN.md).

0 passed · 1 blocking findings · 2 bad usage, config or input · 3 internal error (a bug) ·
4 something unavailable with ``fail_closed`` on · 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from hunkroute import __version__
from hunkroute.errors import HunkrouteError
from hunkroute.model import Report

PASSED = 0
BLOCKING = 1
BAD_INPUT = 2
INTERNAL = 3
UNAVAILABLE = 4
INTERRUPTED = 130

log = logging.getLogger("hunkroute")


def exit_code_for(report: Report, fail_closed: bool) -> int:
    """A blocking finding is a verdict on the code and wins; then fail-closed outages."""
    if report.blocking:
        return BLOCKING
    if report.problems and fail_closed:
        return UNAVAILABLE
    return PASSED


def guarded(body: Callable[[], int]) -> int:
    """Run a command; user mistakes become one line, bugs a crash report file."""
    try:
        return body()
    except HunkrouteError as exc:
        print(f"hunkroute: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("hunkroute: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        return PASSED
    except Exception as exc:  # noqa: BLE001 - the last line of defence, by design
        path = write_crash_report(exc)
        print(
            f"hunkroute: internal error: {type(exc).__name__}: {exc} (a bug; details in {path})",
            file=sys.stderr,
        )
        return INTERNAL


def write_crash_report(exc: BaseException) -> Path:
    """Write the traceback where the user can attach it to a bug report."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    text = f"hunkroute {__version__} on Python {sys.version.split()[0]}\n" + "".join(
        traceback.format_exception(exc)
    )
    name = f"hunkroute-crash-{stamp}"
    try:  # "x": never follow a planted symlink or overwrite an existing file
        with open(Path.cwd() / f"{name}.txt", "x", encoding="utf-8") as stream:
            stream.write(text)
        return Path.cwd() / f"{name}.txt"
    except OSError:
        pass
    try:  # a shared temp dir: a fresh file of our own (mkstemp), never a guessable name
        handle, temp = tempfile.mkstemp(prefix=f"{name}-", suffix=".txt")
        with open(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        return Path(temp)
    except OSError:
        return Path("(could not write a crash report)")
