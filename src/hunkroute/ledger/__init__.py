"""The spend ledger: what every run, PR and month has spent, kept across runs (issue 14).

``open_ledger(url)`` picks the store by the URL's scheme from ``STORES``: ``sqlite:///PATH``
(the default, a file in ``cache_dir``) or ``postgresql://…`` (psycopg, the ``postgres``
extra). Either creates or migrates its schema on open. Every failure to open or use a ledger
is a one-line ``LedgerError`` whose message shows the URL without its password.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hunkroute.errors import LedgerError
from hunkroute.ledger import postgres, sqlite
from hunkroute.ledger.interface import (
    STALE_AFTER,
    AttemptRecord,
    BudgetScope,
    Call,
    Comparison,
    CostSource,
    Evidence,
    LedgerStore,
    ModelRow,
    PrRow,
    Refused,
    Reservation,
    Run,
    RunSpec,
    Settlement,
    Stats,
    SuggestionVerdict,
    Totals,
    WeekRow,
    month_of,
)
from hunkroute.ledger.url import redact, scheme

STORES: dict[str, Callable[[str], LedgerStore]] = {
    "sqlite": sqlite.open_store,
    "postgresql": postgres.open_store,
    "postgres": postgres.open_store,  # libpq accepts both spellings
}
DEFAULT_FILE = "ledger.sqlite3"


def default_url(cache_dir: Path) -> str:
    """The ledger used when the config names none: a SQLite file in the cache directory."""
    return f"sqlite:///{cache_dir / DEFAULT_FILE}"


def open_ledger(url: str) -> LedgerStore:
    """The store for ``url``, its schema created or migrated; ``LedgerError`` if unusable."""
    opener = STORES.get(scheme(url))
    if opener is None:
        known = ", ".join(f"{name}://" for name in STORES)
        raise LedgerError(f"unknown ledger URL {redact(url)!r}: use one of {known}")
    return opener(url)


__all__ = [
    "STALE_AFTER",
    "STORES",
    "AttemptRecord",
    "BudgetScope",
    "Call",
    "Comparison",
    "CostSource",
    "Evidence",
    "LedgerStore",
    "ModelRow",
    "PrRow",
    "Refused",
    "Reservation",
    "Run",
    "RunSpec",
    "Settlement",
    "Stats",
    "SuggestionVerdict",
    "Totals",
    "WeekRow",
    "default_url",
    "month_of",
    "open_ledger",
]
