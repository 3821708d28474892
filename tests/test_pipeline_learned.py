"""pipeline.run with learned quality: the calls go where the plan routed them."""

from __future__ import annotations

from pathlib import Path

from hunkroute import pipeline
from hunkroute.model import LearnedQuality
from hunkroute.models.learning import Lessons
from tests.helpers.fake_llm import serve
from tests.helpers.llmcase import ENV, change, config_for, python_files

OLD, NEW = python_files(3)
ALL_REVIEW = (
    "classify:\n  rules:\n    - {path: 'pkg/**', category: review, reason: test}\n"
    "categories:\n  review: {min_quality: 8.65}\n"
)


def test_a_model_learned_good_enough_is_called_though_its_claim_is_not(tmp_path: Path) -> None:
    learned = {("p0", "review"): LearnedQuality("p0", "review", 9.0, 8.6, "learned 9.0 (test)")}
    with serve("openai") as cheap, serve("openai") as dear:
        conf = config_for([cheap, dear], tmp_path, extra=ALL_REVIEW)  # p0 claims 8.6 < 8.65
        claimed = pipeline.run(change(OLD, NEW), conf, pipeline.RunOptions(), ENV)
        assert (len(cheap.seen), len(dear.seen)) == (0, 3)
        lessons = Lessons(learned)
        report = pipeline.run(change(OLD, NEW), conf, pipeline.RunOptions(), ENV, lessons=lessons)
    assert (len(cheap.seen), len(dear.seen)) == (3, 3)
    assert {a.model for h in report.hunks for a in h.attempts} == {"p0"}
    assert all("learned 9.0 (test)" in h.route.reason for h in report.hunks)
    assert {a.model for h in claimed.hunks for a in h.attempts} == {"p1"}
