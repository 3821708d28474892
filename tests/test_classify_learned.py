"""The learned weighing of signals (classify/learned.py) and how the classifier uses it."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from importlib import resources

import pytest

from hunkroute.classify import learned, patterns
from hunkroute.classify.classifier import ClassifyContext, classify
from hunkroute.classify.patterns import Signal
from hunkroute.errors import HunkrouteError
from hunkroute.model import Finding
from tests.helpers.hunks import make_hunk
from tests.helpers.weights import biased


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


def test_features_are_kinds_hand_scores_edit_size_and_words() -> None:
    found = [
        Signal("review", 2.0, "a"),
        Signal("review", 3.0, "a"),  # the stronger copy of one reason counts, once
        Signal("review", 1.0, "b"),
        Signal("debugging", 1.5, "changed branch condition", 4),
    ]
    ranked = patterns.ranked_by_category(found)
    scores = learned.hand_scores(ranked)
    assert scores == {"review": 3.0 + 0.5, "debugging": 1.5}  # each next reason counts half
    x = learned.features(ranked, scores, 3, 0, "Fix a RaceCondition in CVE", "src/app/pool.py")
    assert x["kind:debugging:changed branch condition"] == 1.0
    assert x["kind:review:a"] == x["kind:review:b"] == 1.0
    assert x["hand:review"] == pytest.approx((3.0 + 0.5) / 3)
    assert x["hand:debugging"] == pytest.approx(0.5)
    assert x["hand:boilerplate"] == 0.0
    assert x["size:added"] == pytest.approx(math.log1p(3) / 3)
    assert x["size:removed"] == 0.0
    words = {n for n in x if n.startswith(("title:", "path:"))}
    assert words == {
        "title:fix", "title:race", "title:conditi", "title:cve",
        "path:src", "path:app", "path:pool",
    }  # fmt: skip


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
    assert all(n.split(":", 1)[0] in ("kind", "hand", "size", "title", "path") for n in names)
    model = learned.shipped()
    assert set(model.bias) == set(learned.CLASSES)
    assert model.pull("hand:review", "review") > 0  # the hand's review evidence still counts


def test_the_model_raises_to_review_and_says_so() -> None:
    limit = make_hunk("a.py", 10, ["    if n >= limit:"], ["    if n > limit:"])
    raised = classify(limit, ClassifyContext(model=biased(9.0, 0.0)))
    assert raised.category == "review"
    assert raised.reasons[0] == "new size/count limit (line 10)"
    assert raised.reasons[-1] == "learned weights: together these are review work"


def test_hints_alone_are_never_raised_and_the_model_splits_the_rest() -> None:
    constant = make_hunk("app/limits.py", 3, ["MAX_ROWS = 500"])  # "security constant": a hint
    assert classify(constant, ClassifyContext(model=biased(9.0, 0.0))).category == "boilerplate"
    assert classify(constant, ClassifyContext(model=biased(0.0, 9.0))).category == "debugging"


def test_the_model_picks_unless_a_construct_or_gate_finding_decides() -> None:
    locked = make_hunk(
        "app/queue.py", 10, ["    with self._lock:", "        self.pending.append(job)"],
        ["    self.pending.append(job)"],
    )  # fmt: skip
    assert classify(locked, ClassifyContext(model=biased(9.0, 0.0))).category == "review"
    ruled_out = classify(locked, ClassifyContext(model=biased(-9.0, 9.0)))
    assert ruled_out.category == "debugging"
    assert ruled_out.reasons[-1] == "learned weights: together these are debugging work"
    risky = make_hunk("a.py", 1, ["import pickle", "data = pickle.loads(blob)"])
    assert classify(risky, ClassifyContext(model=biased(-9.0, 9.0))).category == "review"
    undefined = make_hunk("app/q.py", 10, ["    return totl"], ["    return total"])
    found = (Finding("app/q.py", 10, 10, "error", "ruff", "F821", "Undefined name `totl`"),)
    context = ClassifyContext(prescan=found, model=biased(-9.0, -9.0, 9.0))
    assert classify(undefined, context).category == "debugging"


def test_words_of_the_title_and_path_move_the_pick_and_are_named() -> None:
    model = learned.from_json(
        {
            "bias": {"review": 0.0, "debugging": 0.5, "boilerplate": 0.0, "skip": 0.0},
            "weights": {
                "title:quota": {"review": 3.0},
                "path:migrati": {"boilerplate": 3.0},
            },
        }
    )
    limit = make_hunk("app/rows.py", 10, ["    if n >= limit:"], ["    if n > limit:"])
    assert classify(limit, ClassifyContext(title="Fix rows", model=model)).category == "debugging"
    quota = classify(limit, ClassifyContext(title="Enforce the upload quota", model=model))
    assert quota.category == "review"
    assert quota.reasons[-1] == "learned weights: together these are review work (title:quota)"
    moved = replace(limit, file="app/migrations/0042_rows.py")
    assert classify(moved, ClassifyContext(model=model)).category == "boilerplate"


def test_outside_python_source_the_model_only_decides_review() -> None:
    """The corpus it was fitted on is Python: settings and declarations keep the hand pick
    between debugging and boilerplate."""
    flake8 = make_hunk(
        "tox.ini", 4, ["    flake8 --ignore=E203,W503"], ["    flake8 --ignore=E203"]
    )
    title = ClassifyContext(title="Fix a crash", model=biased(-9.0, 9.0))
    assert classify(flake8, title).category == "boilerplate"
    declared = make_hunk("pkg/_speedups.pyi", 4, ["def parse(data: bytes, depth: int) -> int: ..."])
    assert classify(declared, title).category == "boilerplate"
    assert classify(replace(declared, file="pkg/speedups.py"), title).category == "debugging"


def test_a_category_the_config_adds_is_left_to_the_hand_weights() -> None:
    always_review = biased(9.0, 0.0)
    nested = ["for a in xs:", "    for b in ys:", "        total += a * b"]
    categories = frozenset({"review", "debugging", "boilerplate", "skip", "algorithm"})
    context = ClassifyContext(model=always_review, categories=categories)
    assert classify(make_hunk("a.py", 1, nested), context).category == "algorithm"
