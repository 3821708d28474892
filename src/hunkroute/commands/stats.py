"""``hunkroute stats``: where the money went, read from the spend ledger.

Parse → build → execute: the URL (``--ledger``, else ``HUNKROUTE_LEDGER_URL``, else the
config's ``ledger``), the cut-off (``--since``), then the queries and one pure render
(``report/stats.py``); the claimed-vs-learned table reads all the evidence, as routing does.
A URL of no known kind is a usage mistake (exit 2); a ledger that cannot be reached is
unavailable (``LedgerError``, exit 4).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from hunkroute.commands.ledgering import ledger_url
from hunkroute.commands.options import CliOptions, build_config
from hunkroute.commands.output import emit
from hunkroute.config import Config
from hunkroute.errors import UsageError
from hunkroute.ledger import STORES, open_ledger
from hunkroute.ledger.url import redact, scheme
from hunkroute.models.learning import claimed_vs_learned
from hunkroute.report.stats import RENDERS


def parse_since(text: str | None) -> date | None:
    """``--since YYYY-MM-DD``; anything else is one line naming the flag."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--since: expected a date YYYY-MM-DD, got {text!r}") from None


def stats_url(options: CliOptions, config: Config) -> str:
    """The ledger to read: the flag, else the run's own (env, then config)."""
    url = options.ledger
    if url is None:
        url = ledger_url(config, os.environ)
        if url is None:
            raise UsageError("no ledger: the config sets 'ledger: null'; name one with --ledger")
    if scheme(url) not in STORES:
        known = ", ".join(f"{name}://" for name in STORES)
        raise UsageError(f"--ledger: {redact(url)!r} is not a ledger URL (use {known})")
    return url


def command(options: CliOptions) -> int:
    since = parse_since(options.since)
    config = build_config(options.config, Path.cwd())  # the claims, beside what was learned
    store = open_ledger(stats_url(options, config))
    try:
        stats = store.stats(since)
        evidence = store.evidence()  # all of it, as routing reads it
    finally:
        store.close()
    learning = claimed_vs_learned(evidence, config.providers, config.learning.min_samples)
    emit(RENDERS[options.format](stats, learning), options.output)
    return 0
