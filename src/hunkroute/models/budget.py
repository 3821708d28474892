"""The run's budget ledger: reserve before every HTTP try, settle with the real cost after.

Invariant (DESIGN.md): spent ≤ reserved ≤ budget, whatever the providers answer. ``held`` is
what in-flight tries may still cost; a try is only sent once ``spent + held + its worst case``
fits the budget, and it is never charged more than its reservation (a provider reporting more
usage than the worst case is charged the worst case, and the run notes it). ``reserved`` in
the report is the high-water mark of ``spent + held``.
"""

from __future__ import annotations

import asyncio


class Ledger:
    """Budget bookkeeping for one run, shared by all concurrent calls (one event loop)."""

    def __init__(self, budget_nano: int) -> None:
        self.budget = budget_nano
        self.spent = 0
        self.held = 0
        self.peak = 0
        self._settled = asyncio.Event()

    @property
    def available(self) -> int:
        return self.budget - self.spent - self.held

    def try_reserve(self, amount: int) -> bool:
        """Book ``amount`` if it fits now."""
        if amount < 0 or amount > self.available:
            return False
        self.held += amount
        self.peak = max(self.peak, self.spent + self.held)
        return True

    async def reserve(self, amount: int) -> bool:
        """Book ``amount``, waiting for in-flight tries to settle while they might free enough."""
        while not self.try_reserve(amount):
            if self.held == 0 or amount > self.budget - self.spent:
                return False
            self._settled.clear()
            await self._settled.wait()
        return True

    def settle(self, reservation: int, cost: int) -> int:
        """Release a reservation and charge the real cost, capped at the reservation."""
        charged = min(max(cost, 0), reservation)
        self.held -= reservation
        self.spent += charged
        self._settled.set()
        return charged

    @property
    def reserved(self) -> int:
        return self.peak
