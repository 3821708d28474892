"""How much each kind of evidence is worth, learned from labelled real hunks (issue 12).

The signals say what a hunk contains; how strongly each should count was first set by hand, and
hand weights fitted one corpus and missed on the next. Here a multinomial logistic regression
weighs them instead: its features are the signals' *kinds* (a reason with its names and numbers
taken out, so "inside verify_token" and "inside check_origin" are one feature), the hand-weighted
score of each category, the size of the edit, and the words of the PR title and of the file's
path ("race" in a title, "views" or "migrations" in a path). ``bench/train_classifier.py`` fits
it on the corpora under ``bench/corpus/`` and writes ``data/classifier_weights.json``, keeping
only words seen in several repositories; nothing here knows any repository.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType

from hunkroute.classify import edits, patterns, security
from hunkroute.classify.patterns import Signal
from hunkroute.errors import HunkrouteError
from hunkroute.model import BOILERPLATE, DEBUGGING, REVIEW, SKIP

CLASSES = (REVIEW, DEBUGGING, BOILERPLATE, SKIP)
SCORED = (REVIEW, DEBUGGING, BOILERPLATE)  # skip is decided by shape, before any signal
WEIGHTS_FILE = ("data", "classifier_weights.json")
IN_A_TEST = " in a test"
# reasons whose tail names a thing of this hunk ("inside parse_cookie", "credentials: token"):
# the kind is the head alone
NAMED_KINDS = (
    "new validation inside",
    "new validation in ",
    "inside ",
    "in ",
    "credentials",
    "security constant",
    "rename",
    edits.NAME_ALREADY_HERE,
    security.PRIMITIVE_RENAMED,
    security.HARDENED_VARIANT,
    security.UNSAFE_VARIANT,
    "bandit",
    "ruff",
    "semgrep",
    "secrets",
    "raises",
    "network request",
    "removes",
    "takes out",
    "stops logging",
    "world-accessible",
    "access-control default",
    "changed rejecting branch",
    "concurrent code",
)
PARENTHESISED = re.compile(r"\([^)]*\)")
DIGITS = re.compile(r"\d+")
# words of a title or path: lower-case runs and capitalised ones ("SafeJoin" is safe and join),
# or acronyms ("CVE", "XSS")
WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")
STEM = 7  # a word's first letters: "validate", "validates" and "validation" are one feature
TITLE_WORD = "title:"
PATH_WORD = "path:"
HAND_FEATURES = tuple((c, f"hand:{c}") for c in SCORED)


def kind(signal: Signal) -> str:
    """The signal's category and reason without the names and numbers of this hunk."""
    return _kind(signal.category, signal.reason)


@lru_cache(maxsize=4096)  # the same few reasons come back hunk after hunk
def _kind(category: str, reason: str) -> str:
    reason = reason.lower()
    test = reason.endswith(IN_A_TEST)
    reason = reason.removesuffix(IN_A_TEST)
    reason = DIGITS.sub("N", PARENTHESISED.sub("", reason)).strip()
    reason = next((head.strip() for head in NAMED_KINDS if reason.startswith(head)), reason)
    return f"{category}:{reason}" + (":test" if test else "")


def words(text: str) -> frozenset[str]:
    """The stems of the words of ``text`` longer than two letters, lower-cased."""
    return frozenset(w.lower()[:STEM] for w in WORD.findall(text) if len(w) > 2)


def hand_scores(ranked: Mapping[str, list[Signal]]) -> dict[str, float]:
    """Per category of ``ranked`` (``patterns.ranked_by_category``): the hand weights' score."""
    return {c: patterns.halving_sum(r) for c, r in ranked.items()}


def features(
    ranked: Mapping[str, list[Signal]],
    scores: Mapping[str, float],
    added: int,
    removed: int,
    title: str,
    path: str,
) -> dict[str, float]:
    """The model's input: signal kinds (present or not), the hand weights' score per category,
    edit size and the words of the PR title and of the file's path. ``ranked``: the hunk's
    signals by category (``patterns.ranked_by_category``); ``scores``: their ``hand_scores``."""
    out = {_kind_feature(s.category, s.reason): 1.0 for r in ranked.values() for s in r}
    for category, name in HAND_FEATURES:
        out[name] = scores.get(category, 0.0) / 3
    out["size:added"] = math.log1p(added) / 3
    out["size:removed"] = math.log1p(removed) / 3
    out.update(dict.fromkeys(_word_features(TITLE_WORD, title), 1.0))
    out.update(dict.fromkeys(_word_features(PATH_WORD, path), 1.0))
    return out


@lru_cache(maxsize=4096)
def _kind_feature(category: str, reason: str) -> str:
    return "kind:" + _kind(category, reason)


@lru_cache(maxsize=1024)  # a PR's title and a file's path come back for each of their hunks
def _word_features(prefix: str, text: str) -> tuple[str, ...]:
    return tuple(prefix + word for word in words(text))


@dataclass(frozen=True, slots=True)
class Model:
    """Per-class intercepts and per-feature weights (a feature the model never saw counts 0)."""

    bias: Mapping[str, float]
    weights: Mapping[str, Mapping[str, float]]
    # the weights as rows in the order of CLASSES: every weighed hunk is scored (plan bench)
    rows: Mapping[str, tuple[float, float, float, float]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        rows = {n: _row(w) for n, w in self.weights.items()}
        object.__setattr__(self, "rows", MappingProxyType(rows))

    def scores(self, x: Mapping[str, float]) -> dict[str, float]:
        review, debugging, boilerplate, skip = _row(self.bias)
        rows = self.rows
        for name, value in x.items():
            row = rows.get(name)
            if row is not None:
                review += row[0] * value
                debugging += row[1] * value
                boilerplate += row[2] * value
                skip += row[3] * value
        return dict(zip(CLASSES, (review, debugging, boilerplate, skip), strict=True))

    def probabilities(self, x: Mapping[str, float], among: Iterable[str]) -> dict[str, float]:
        """The model's odds of each class in ``among``, normalised over those classes."""
        scores = self.scores(x)
        chosen = [c for c in among if c in scores]
        top = max(scores[c] for c in chosen)
        exps = {c: math.exp(scores[c] - top) for c in chosen}
        total = sum(exps.values())
        return {c: e / total for c, e in exps.items()}

    def pull(self, name: str, category: str) -> float:
        """How much a feature moves ``category`` ahead of the mean of the classes."""
        row = self.weights.get(name, {})
        return row.get(category, 0.0) - sum(row.values()) / len(CLASSES)


def _row(weights: Mapping[str, float]) -> tuple[float, float, float, float]:
    review, debugging, boilerplate, skip = (weights.get(c, 0.0) for c in CLASSES)
    return review, debugging, boilerplate, skip


def from_json(data: object) -> Model:
    """A model from its JSON form: ``{"bias": {class: w}, "weights": {feature: {class: w}}}``."""
    if not isinstance(data, dict) or set(data.get("bias", {})) != set(CLASSES):
        raise HunkrouteError(
            "classifier weights: expected a bias for each of " + ", ".join(CLASSES)
        )
    weights = {
        name: MappingProxyType({c: float(w) for c, w in row.items() if c in CLASSES})
        for name, row in data.get("weights", {}).items()
    }
    bias = {c: float(w) for c, w in data["bias"].items()}
    return Model(MappingProxyType(bias), MappingProxyType(weights))


@cache
def shipped() -> Model:
    """The model that ships with hunkroute (read once: it never changes while running)."""
    text = resources.files("hunkroute").joinpath(*WEIGHTS_FILE).read_text("utf-8")
    return from_json(json.loads(text))
