"""Learned models with fixed odds, for tests of how the classifier uses one."""

from __future__ import annotations

from hunkroute.classify import learned


def biased(review: float, debugging: float, boilerplate: float = 0.0) -> learned.Model:
    """A model without feature weights: its intercepts alone decide."""
    bias = {"review": review, "debugging": debugging, "boilerplate": boilerplate, "skip": 0.0}
    return learned.from_json({"bias": bias, "weights": {}})


# says review whenever there is review evidence, so a pick shows every review signal
ALWAYS_REVIEW = biased(9.0, 0.0)
