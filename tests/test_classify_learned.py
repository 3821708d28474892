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


def test_the_model_raises_to_review_but_never_lowers() -> None:
    raising = learned.from_json(
        {"bias": {"review": 9.0, "debugging": 0.0, "boilerplate": 0.0, "skip": 0.0}, "weights": {}}
    )
    lowering = learned.from_json(
        {"bias": {"review": -9.0, "debugging": 9.0, "boilerplate": 0.0, "skip": 0.0}, "weights": {}}
    )
    limit = make_hunk("a.py", 10, ["    if n >= limit:"], ["    if n > limit:"])
    assert classify(limit, ClassifyContext(model=raising)).category == "review"
    risky = make_hunk("a.py", 1, ["import pickle", "data = pickle.loads(blob)"])
    assert classify(risky, ClassifyContext(model=lowering)).category == "review"


def test_one_hint_of_review_work_is_not_enough_to_raise() -> None:
    always_review = learned.from_json(
        {"bias": {"review": 9.0, "debugging": 0.0, "boilerplate": 0.0, "skip": 0.0}, "weights": {}}
    )
    constant = make_hunk("app/limits.py", 3, ["MAX_ROWS = 500"])  # "security constant": a hint
    plain = make_hunk("a.py", 10, ["    if n >= len(rows):"], ["    if n > len(rows):"])
    assert classify(constant, ClassifyContext(model=always_review)).category == "boilerplate"
    assert classify(plain, ClassifyContext(model=always_review)).category == "debugging"


def test_a_category_the_config_adds_is_left_to_the_hand_weights() -> None:
    always_review = learned.from_json(
        {"bias": {"review": 9.0, "debugging": 0.0, "boilerplate": 0.0, "skip": 0.0}, "weights": {}}
    )
    nested = ["for a in xs:", "    for b in ys:", "        total += a * b"]
    categories = frozenset({"review", "debugging", "boilerplate", "skip", "algorithm"})
    context = ClassifyContext(model=always_review, categories=categories)
    assert classify(make_hunk("a.py", 1, nested), context).category == "algorithm"
