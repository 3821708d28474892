"""The learned weighing of signals (classify/learned.py) and how the classifier uses it."""

from __future__ import annotations

import json
import math
from importlib import resources

import pytest

from hunkroute.classify import learned
from hunkroute.classify.classifier import ClassifyContext, classify
from hunkroute.classify.patterns import Signal
from hunkroute.errors import HunkrouteError
from tests.helpers.hunks import make_hunk


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        (Signal("review", 1.0, "inside verify_token (security boundary: token)"), "review:inside"),
        (Signal("review", 1.0, "inside check_origin"), "review:inside"),
        (Signal("review", 2.0, "credentials: self.token in a test"), "review:credentials:test"),
        (Signal("debugging", 3.0, "ruff F841: local variable `x` is assigned"), "debugging:ruff"),
        (
            Signal("review", 3.5, "PR title names security work (CVE-2)"),
            "review:pr title names security work",
        ),
        (Signal("debugging", 1.0, "branch condition in a test"), "debugging:branch condition:test"),
        (Signal("review", 1.0, "world-accessible permissions 0o777"), "review:world-accessible"),
        (Signal("review", 1.0, "security constant RFC7230_TOKEN"), "review:security constant"),
        (
            Signal("review", 0.75, "concurrent code: inside release (concurrency: release)"),
            "review:concurrent code",
        ),
        (
            Signal("review", 0.5, "PR title may name security work, alone (deadlocks)"),
            "review:pr title may name security work, alone",
        ),
    ],
)
def test_a_kind_drops_the_names_and_numbers_of_the_hunk(signal: Signal, expected: str) -> None:
    assert learned.kind(signal) == expected


def test_hand_scores_count_each_reason_once_and_halve_the_next() -> None:
    found = [
        Signal("review", 2.0, "a"),
        Signal("review", 3.0, "a"),  # the stronger copy of one reason counts, once
        Signal("review", 1.0, "b"),
        Signal("debugging", 0.5, "c"),
    ]
    assert learned.hand_scores(found) == {"review": 3.0 + 0.5, "debugging": 0.5}


def test_features_are_kinds_hand_scores_and_edit_size() -> None:
    x = learned.features([Signal("debugging", 1.5, "changed branch condition", 4)], 3, 0)
    assert x["kind:debugging:changed branch condition"] == 1.0
    assert x["hand:debugging"] == pytest.approx(0.5)
    assert x["hand:review"] == 0.0
    assert x["size:added"] == pytest.approx(math.log1p(3) / 3)
    assert x["size:removed"] == 0.0


def test_a_model_adds_its_weights_and_ignores_features_it_never_saw() -> None:
    model = learned.from_json(
        {
            "bias": {"review": 0.5, "debugging": 0.0, "boilerplate": 0.0, "skip": -1.0},
            "weights": {"kind:review:inside": {"review": 2.0, "debugging": -2.0}},
        }
    )
    scores = model.scores({"kind:review:inside": 1.0, "kind:never seen": 1.0})
    assert scores == {"review": 2.5, "debugging": -2.0, "boilerplate": 0.0, "skip": -1.0}
    assert model.pull("kind:review:inside", "review") == pytest.approx(2.0)
    assert model.pull("kind:never seen", "review") == 0.0


@pytest.mark.parametrize(
    "data",
    [[], {"weights": {}}, {"bias": {"review": 0.0}, "weights": {}}],
)
def test_weights_without_a_bias_per_class_are_refused(data: object) -> None:
    with pytest.raises(HunkrouteError, match="classifier weights"):
        learned.from_json(data)


def test_the_shipped_weights_load_and_speak_only_of_known_features() -> None:
    text = resources.files("hunkroute").joinpath(*learned.WEIGHTS_FILE).read_text("utf-8")
    names = set(json.loads(text)["weights"])
    assert names, "the trained weights are empty: run bench/train_classifier.py"
    assert all(n.split(":", 1)[0] in ("kind", "hand", "size") for n in names), names
    model = learned.shipped()
    assert set(model.bias) == set(learned.CLASSES)
    assert model.pull("hand:review", "review") > 0  # the hand's review evidence still counts


def biased(review: float, debugging: float, boilerplate: float = 0.0) -> learned.Model:
    bias = {"review": review, "debugging": debugging, "boilerplate": boilerplate, "skip": 0.0}
    return learned.from_json({"bias": bias, "weights": {}})


def test_the_model_raises_to_review_and_says_so() -> None:
    limit = make_hunk("a.py", 10, ["    if n >= limit:"], ["    if n > limit:"])
    raised = classify(limit, ClassifyContext(model=biased(9.0, 0.0)))
    assert raised.category == "review"
    assert raised.reasons[0] == "new size/count limit (line 10)"
    assert raised.reasons[-1] == "learned weights: together these are review work"


def test_hints_alone_are_never_raised_and_the_hand_weights_split_the_rest() -> None:
    constant = make_hunk("app/limits.py", 3, ["MAX_ROWS = 500"])  # "security constant": a hint
    assert classify(constant, ClassifyContext(model=biased(9.0, 0.0))).category == "boilerplate"
    assert classify(constant, ClassifyContext(model=biased(0.0, 9.0))).category == "boilerplate"


def test_a_hand_review_pick_stands_unless_the_model_rules_review_out() -> None:
    locked = make_hunk(
        "app/queue.py", 10, ["    with self._lock:", "        self.pending.append(job)"],
        ["    self.pending.append(job)"],
    )  # fmt: skip
    doubtful = biased(0.0, 0.5)  # review odds about 0.3
    assert classify(locked, ClassifyContext(model=doubtful)).category == "review"
    ruled_out = classify(locked, ClassifyContext(model=biased(-9.0, 9.0)))
    assert ruled_out.category == "debugging"
    assert ruled_out.reasons[-1] == "learned weights: together these are debugging work"
    risky = make_hunk("a.py", 1, ["import pickle", "data = pickle.loads(blob)"])
    assert classify(risky, ClassifyContext(model=biased(-9.0, 9.0))).category == "review"


def test_a_category_the_config_adds_is_left_to_the_hand_weights() -> None:
    always_review = biased(9.0, 0.0)
    nested = ["for a in xs:", "    for b in ys:", "        total += a * b"]
    categories = frozenset({"review", "debugging", "boilerplate", "skip", "algorithm"})
    context = ClassifyContext(model=always_review, categories=categories)
    assert classify(make_hunk("a.py", 1, nested), context).category == "algorithm"
