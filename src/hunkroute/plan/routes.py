"""A booked request's routes: one per hunk, its share of the reservation, and the reason."""

from __future__ import annotations

from hunkroute.config import Config
from hunkroute.model import Batch, Learned, Route


def routes_for(batch: Batch, config: Config, learned: Learned) -> dict[str, Route]:
    """Routes of a batch's hunks, the reservation shared so the hunks add up to the batch."""
    share, extra = divmod(batch.reservation_nano, len(batch.hunk_ids))
    known = learned.get((batch.model, batch.category))
    quality = (
        known.reason
        if known
        else f"quality {config.provider(batch.model).quality_for(batch.category):g}"
    )
    quality = f"{batch.model}: {quality}"
    if batch.upgraded_from:
        reason = (
            f"{quality}, upgraded from {batch.upgraded_from} with leftover budget "
            f"(upgrade_share {config.upgrade_share:g}, {batch.category} allows upgrades)"
        )
    elif batch.escalation:
        reason = f"{quality}, escalated: {batch.escalation}"
    else:
        reason = f"{quality}, best value"
    reason += _left_out(batch, config, learned)
    tokens = batch.est_input_tokens // len(batch.hunk_ids)
    output = batch.max_output_tokens // len(batch.hunk_ids)
    return {
        hunk_id: Route(
            hunk_id,
            batch.category,
            batch.model,
            None,
            reason,
            tokens,
            output,
            share + (extra if i == 0 else 0),
            batch.id,
        )  # fmt: skip
        for i, hunk_id in enumerate(batch.hunk_ids)
    }


def _left_out(batch: Batch, config: Config, learned: Learned) -> str:
    """The models whose claim made the cut but whose learned quality did not, and why."""
    floor = config.categories[batch.category].min_quality
    out = [
        f"; {q.model} left out: {q.reason}"
        for (_, category), q in sorted(learned.items())
        if category == batch.category and q.model != batch.model and q.quality < floor <= q.claimed
    ]
    return "".join(out)
