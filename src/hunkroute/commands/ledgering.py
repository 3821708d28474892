"""The spend ledger a command runs against: its URL, opened for the run and closed after.

``ledger_access`` is shared by every command that runs the pipeline with the ledger (``run``,
the forge commands); ``stats`` reads the same URL through ``ledger_url``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from hunkroute.config import Config
from hunkroute.config.schema import LEDGER_IN_CACHE_DIR
from hunkroute.errors import LedgerError
from hunkroute.ledger import default_url, open_ledger
from hunkroute.models.learning import Lessons, lessons
from hunkroute.models.spend import LedgerAccess

LEDGER_ENV = "HUNKROUTE_LEDGER_URL"  # overrides ``ledger``: a DSN's password stays in a secret


def ledger_url(config: Config, env: Mapping[str, str]) -> str | None:
    """The ledger's URL: the env var, else ``ledger`` (its default: a file in ``cache_dir``)."""
    url = env.get(LEDGER_ENV) or config.ledger
    if url is None:
        return None
    return url or default_url(Path(config.cache_dir))


def utc_now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def ledger_access(config: Config, env: Mapping[str, str], offline: bool) -> Iterator[LedgerAccess]:
    """The run's ledger, opened for the command and closed after; an offline run opens none.

    A ledger that cannot be opened is not the end of the run: the report says so, and the run
    keeps to its own ``budget_usd`` (DESIGN.md, money keys).
    """
    url = None if offline else ledger_url(config, env)
    if url is None:
        yield LedgerAccess()
        return
    required = relied_on(config, env)
    try:
        store = open_ledger(url)
    except LedgerError as exc:
        yield LedgerAccess(problem=str(exc), required=required)
        return
    try:
        yield LedgerAccess(store, now=utc_now, required=required)
    finally:
        store.close()


def lessons_from(access: LedgerAccess, config: Config) -> Lessons | None:
    """What the ledger teaches a run when ``learning.enabled``; ``None`` without a ledger, or
    when it cannot be read (the run's books then say what is wrong with it)."""
    if not config.learning.enabled or access.store is None:
        return None
    try:
        rows = access.store.evidence()
    except LedgerError:
        return None
    providers = [p for p in config.providers if p.configured]
    return lessons(rows, providers, config.learning.min_samples)


def relied_on(config: Config, env: Mapping[str, str]) -> bool:
    """Whether the user asked for the ledger: named it, or set a budget only it can keep.

    Then losing it is a problem (exit 4 with ``fail_closed``); the default file with no shared
    budget is bookkeeping only, and losing it is a note.
    """
    named = bool(env.get(LEDGER_ENV)) or config.ledger != LEDGER_IN_CACHE_DIR
    return named or config.pr_budget_usd is not None or config.monthly_budget_usd is not None
