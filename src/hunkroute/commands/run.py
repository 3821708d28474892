"""``hunkroute run``: review a change, print the report, exit by its findings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hunkroute import pipeline
from hunkroute.commands.ledgering import ledger_access, lessons_from
from hunkroute.commands.options import CliOptions, diff_source, options_config
from hunkroute.commands.output import (
    emit,
    progress_line,
    summary_line,
    terminal_width,
    use_color,
)
from hunkroute.diff import source
from hunkroute.errorhandler import exit_code_for
from hunkroute.report import sinks
from hunkroute.report.view import View


def command(options: CliOptions) -> int:
    """Load the change and the config, run the pipeline, render with the chosen sink."""
    cwd = Path.cwd()
    config = options_config(options, cwd)
    wanted = diff_source(options)
    loaded = source.load(wanted, cwd)
    if wanted.kind == "upstream":  # the user named no range: say which one was chosen
        print(f"hunkroute: checking {loaded.origin}", file=sys.stderr)
    run_options = pipeline.RunOptions(
        title=options.title, description=options.description, offline=options.offline
    )
    progress = progress_line if sys.stderr.isatty() else None
    with ledger_access(config, os.environ, options.offline) as ledger:
        report = pipeline.run(loaded, config, run_options, os.environ, progress=progress,
                              ledger=ledger, lessons=lessons_from(ledger, config))  # fmt: skip
    color = options.output is None and use_color(sys.stdout)
    view = View(color, terminal_width(), options.verbosity)
    emit(sinks()[options.format](report, view), options.output)
    code = exit_code_for(report, config.fail_closed)
    summary_line(report, code)
    return code
