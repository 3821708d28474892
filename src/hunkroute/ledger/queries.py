"""The ledger's read side: the ``stats`` aggregations and the evidence for learned routing.

Plain SQL shared by both dialects. Sums are cast to ``BIGINT`` because PostgreSQL widens a
``BIGINT`` sum to ``NUMERIC``; ``since`` is compared as text, which works because the schema
stores fixed-width UTC times (``''`` is before every time, so no cut-off needs no other SQL).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hunkroute.ledger.db import Database, Params
from hunkroute.ledger.interface import Evidence, ModelRow, PrRow, Stats, Totals, WeekRow


def _sum(column: str) -> str:
    return f"CAST(COALESCE(SUM({column}), 0) AS BIGINT)"


def _count_if(condition: str) -> str:
    return _sum(f"CASE WHEN {condition} THEN 1 ELSE 0 END")


_BY_MODEL = f"""SELECT model, category, COUNT(*), {_sum("input_tokens")}, {_sum("output_tokens")},
    {_sum("cost_nano")}, {_count_if("verdict <> 'none'")}, {_count_if("verdict = 'accepted'")}
    FROM attempts WHERE at >= :since GROUP BY model, category ORDER BY model, category"""

_BY_PR = f"""SELECT repo, pr, COUNT(*), {_sum("spent_nano")} FROM runs
    WHERE pr IS NOT NULL AND started_at >= :since GROUP BY repo, pr ORDER BY repo, pr"""

_BY_WEEK = f"""SELECT week, COUNT(*), {_sum("cost_nano")} FROM attempts
    WHERE at >= :since GROUP BY week ORDER BY week"""

_RUN_TOTALS = f"""SELECT COUNT(*), {_sum("spent_nano")}, {_sum("reserved_nano")},
    {_sum("premium_baseline_nano")} FROM runs WHERE started_at >= :since"""

# Cache hits repeat an earlier answer: counting them would weigh one answer many times.
_EVIDENCE = f"""SELECT model, category, COUNT(*), {_count_if("verdict = 'accepted'")},
    {_count_if("verdict = 'rejected'")}, {_count_if("outcome = 'unparseable'")},
    AVG(CAST(latency_ms AS DOUBLE PRECISION)), {_sum("cost_nano")}, {_sum("hunk_count")},
    {_count_if("audit")}
    FROM attempts WHERE at >= :since AND outcome <> 'cached'
    GROUP BY model, category ORDER BY model, category"""


_COMPARISONS = f"""SELECT model, category, COUNT(*), {_count_if("matched")}
    FROM comparisons WHERE at >= :since GROUP BY model, category ORDER BY model, category"""


def _since(since: date | None) -> Params:
    return {"since": "" if since is None else since.isoformat()}


def stats(db: Database, since: date | None) -> Stats:
    """Totals, and spend by (model, category), by PR and by ISO week."""
    params = _since(since)
    runs, spent, reserved, premium = db.rows(_RUN_TOTALS, params)[0]
    calls = db.rows("SELECT COUNT(*) FROM attempts WHERE at >= :since", params)[0][0]
    totals = Totals(int(runs), int(calls), int(spent), int(reserved), int(premium))
    return Stats(
        totals,
        tuple(ModelRow(m, c, *map(int, rest)) for m, c, *rest in db.rows(_BY_MODEL, params)),
        tuple(PrRow(r, int(p), *map(int, rest)) for r, p, *rest in db.rows(_BY_PR, params)),
        tuple(WeekRow(w, *map(int, rest)) for w, *rest in db.rows(_BY_WEEK, params)),
    )


def evidence(db: Database, since: date | None) -> tuple[Evidence, ...]:
    """Per (model, category): results, mean latency, cost per hunk, audits and comparisons."""
    found: dict[tuple[str, str], Evidence] = {}
    for model, category, calls, ok, bad, unparseable, latency, cost, hunks, audits in db.rows(
        _EVIDENCE, _since(since)
    ):
        per_hunk = int(cost) / int(hunks) if int(hunks) else 0.0
        found[(model, category)] = Evidence(
            model, category, int(calls), int(ok), int(bad), int(unparseable),
            float(latency or 0.0), per_hunk, int(audits),
        )  # fmt: skip
    for model, category, compared, matched in db.rows(_COMPARISONS, _since(since)):
        # a pair seen only through cache hits has comparisons but no counted attempts
        row = found.get((model, category), Evidence(model, category, 0, 0, 0, 0, 0.0, 0.0, 0))
        found[(model, category)] = replace(row, compared=int(compared), matched=int(matched))
    return tuple(found[key] for key in sorted(found))
