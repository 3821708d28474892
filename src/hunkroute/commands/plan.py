"""``hunkroute plan``: every hunk's route and estimated cost; no model is called."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from hunkroute import pipeline
from hunkroute.commands.ledgering import ledger_access, lessons_from
from hunkroute.commands.options import CliOptions, diff_source, options_config
from hunkroute.commands.output import emit, use_color
from hunkroute.diff import source
from hunkroute.report import jsonreport, text


def command(options: CliOptions) -> int:
    """Classify and plan the change, then print the plan as text or JSON."""
    cwd = Path.cwd()
    config = options_config(options, cwd)
    loaded = source.load(diff_source(options), cwd)
    run_options = pipeline.RunOptions(title=options.title, description=options.description)
    with ledger_access(config, os.environ, offline=False) as ledger:
        lessons = lessons_from(ledger, config)
    learned = lessons.learned if lessons else None
    prepared = pipeline.prepare(loaded, config, run_options, os.environ, for_plan_only=True,
                                learned=learned)  # fmt: skip
    if options.format == "json":
        data = jsonreport.plan_to_dict(prepared.items, prepared.plan, prepared.notes)
        rendered = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        color = options.output is None and use_color(sys.stdout)
        rendered = text.render_plan(prepared.items, prepared.plan, prepared.notes, color)
    emit(rendered, options.output)
    return 0
