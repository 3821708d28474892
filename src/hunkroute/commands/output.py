"""Where a command's words go: the report to stdout or ``--output``, one summary line to stderr."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from hunkroute.errors import InputError
from hunkroute.model import Report
from hunkroute.models.cache import atomic_write
from hunkroute.report.text import money
from hunkroute.report.view import DEFAULT_WIDTH


def use_color(stream: object) -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` or ``TERM=dumb`` says otherwise."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def terminal_width() -> int:
    """``COLUMNS``, else the terminal's width, else 100 (a pipe, a file, CI)."""
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def emit(text: str, output: str | None) -> None:
    """Write the report; if the file cannot be written, print it instead and say so."""
    if output is None:
        sys.stdout.write(text)
        return
    target = Path(output)
    try:
        if target.exists() and not target.is_file():
            # /dev/stdout, a FIFO: write in place; renaming over them would replace the device
            with open(target, "w", encoding="utf-8") as stream:
                stream.write(text)
        else:
            atomic_write(target, text)
    except OSError as exc:
        sys.stdout.write(text)
        raise InputError(
            f"{output}: cannot write report ({exc.strerror or exc}); printed it instead"
        ) from exc


def progress_line(done: int, total: int) -> None:
    """A self-overwriting progress line for a terminal; erased when the round is done."""
    end = "\r\033[K" if done >= total else ""
    sys.stderr.write(f"\r\033[Khunkroute: model requests {done}/{total}{end}")
    sys.stderr.flush()


def summary_line(report: Report, code: int) -> None:
    """The last stderr line; an outage is never silent, even when fallbacks covered it."""
    verdict = {0: "passed", 1: "blocked", 4: "failed closed"}.get(code, "done")
    covered = [n for n in report.notes if "fallback models reviewed" in n]
    problems = (
        f" · {len(report.problems)} problem(s): {report.problems[0]}"
        if report.problems
        else (f" · {covered[0]}" if covered else "")
    )
    print(
        f"hunkroute: {verdict} · {len(report.findings)} finding(s), {len(report.blocking)} blocking"
        f" · spent {money(report.spent_nano)} of {money(report.budget_nano)}{problems}",
        file=sys.stderr,
    )
