"""Hunk (+ prescan findings, PR title, user rules) → ``Classification``.

Pure: no I/O. The category decides which model (if any) looks at the hunk, so a missed risky
hunk is the costliest error. Order of evidence:

1. user rules from the config (first match wins, they override everything);
2. shapes that need no model (docs, whitespace, comments, version bumps, pure deletions);
3. signals, each a category with a weight: Python ``ast`` (or token patterns for other languages
   and fragments that do not parse), the shape of the edit, prescan findings in the hunk's lines,
   and the PR title or branch name. Weights add up per category with diminishing returns
   (``decide``): the highest score wins and ties go to the riskier category (``context.risk``).
   A model learned from labelled real hunks (``learned``) then weighs the kinds of signal and
   those sums together and decides whether the hunk is review work (``weigh``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hunkroute.classify import (
    around,
    dependencies,
    edits,
    hardening,
    learned,
    patterns,
    security,
    signals,
    titles,
)
from hunkroute.classify.patterns import DECISIVE, Signal, is_test_file
from hunkroute.classify.syntax import SourceFacts
from hunkroute.config import DEFAULT_CATEGORIES, ClassifyRule
from hunkroute.diff.unified import glob_matcher, matches_any
from hunkroute.model import (
    BOILERPLATE,
    DEBUGGING,
    REVIEW,
    SEVERITY_RANK,
    SKIP,
    Classification,
    Finding,
    Hunk,
    Line,
)

BUILTIN = frozenset({REVIEW, DEBUGGING, BOILERPLATE, SKIP})
DEFAULT_RISK = {name: int(values["risk"]) for name, values in DEFAULT_CATEGORIES.items()}
ALGORITHM = re.compile(r"\b(heapq|bisect|deque|lru_cache|memo\w*|dijkstra|dp\[|itertools)\b")
ARCHITECTURE = re.compile(
    r"\b(ABC|abstractmethod|Protocol|interface|implements|registry|Factory)\b"
)
LOOP = re.compile(r"^(\s*)(for|while)\b")
DECLARATIONS = re.compile(r"(^|/)setup\.py$|\.(pxd|pyi)$")
GATE_REVIEW = frozenset({"bandit", "semgrep", "secrets"})
# findings that are a hint, not risk on their own: an ``assert`` in library code (issue 12)
HINTS = frozenset({"B101"})
RUFF_BUGS = re.compile(r"^(F821|F823|F811|F841|E999|B\d+|PLE\d+)$")
MAX_REASONS = 4
KEEP_REVIEW = 0.25  # the model's least odds of review that keep the hand weights' review pick
Lines = tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class ClassifyContext:
    """What the classifier knows besides the hunk itself.

    ``categories`` are the ones the config defines: ``algorithm`` and ``architecture`` are
    produced only when named there. ``risk`` ranks categories for ties (higher is riskier).
    ``source`` holds the facts of the hunk's file in its new version, when it was readable;
    ``removed_code`` the hunk's removed lines that were code in the old one (by old line
    number, ``syntax.removed_code``), when that version could be read.
    ``model`` weighs the signals (``learned``); ``None`` keeps the hand weights alone.
    """

    title: str = ""
    branch: str = ""
    prescan: tuple[Finding, ...] = ()
    rules: tuple[ClassifyRule, ...] = ()
    risk: Mapping[str, int] | None = None
    categories: frozenset[str] = field(default=BUILTIN)
    source: SourceFacts | None = None
    removed_code: Mapping[int, str] | None = None
    model: learned.Model | None = field(default_factory=learned.shipped)


def classify(hunk: Hunk, context: ClassifyContext) -> Classification:
    """Pick the category of one hunk and say why, strongest reason first."""
    rule = _user_rule(hunk, context.rules)
    if rule is not None:
        return Classification(rule.category, (rule.reason,))
    found = _prescan_signals(hunk, context.prescan)
    special = dependencies.classify_file(hunk) if not found else None
    if special is not None:
        return special
    added = patterns.code_lines(hunk.language, hunk.added)
    removed = patterns.code_lines(hunk.language, hunk.removed)
    if context.removed_code is not None:  # a removed docstring line is not removed code
        removed = tuple(x for x in removed if x.number in context.removed_code)
    skip = edits.skip_reason(hunk, added, removed, context.source, context.removed_code)
    if skip == edits.PURE_DELETION and not is_test_file(hunk.file):
        found = hardening.removed_safety(hunk, "") + hardening.removed_guards(hunk.removed, "")
        found += around.removed_check(hunk, removed, _around(context))
        found += hardening.dangers_removed(hunk.language, (), removed)
    if skip is not None and (not found or skip in edits.SAME_CODE):
        return Classification(SKIP, (skip,))
    if hunk.added and skip != edits.PURE_DELETION:
        found += _code_signals(hunk, added, removed, context)
    return weigh(found, context, len(hunk.added), len(hunk.removed))


def _user_rule(hunk: Hunk, rules: tuple[ClassifyRule, ...]) -> ClassifyRule | None:
    if not rules:
        return None
    added = "\n".join(line.text for line in hunk.added)
    for rule in rules:
        # glob_matcher's translate and re.compile are both cached by the standard library
        if rule.path is not None and matches_any(hunk.file, glob_matcher((rule.path,))):
            return rule
        # re caches compiled patterns; the config validated each one
        if rule.pattern is not None and re.search(rule.pattern, added, re.MULTILINE):
            return rule
    return None


def _prescan_signals(hunk: Hunk, prescan: tuple[Finding, ...]) -> list[Signal]:
    """Gate findings on the hunk's added lines: bandit/semgrep → review, ruff bug rules → debugging.

    In a test, a bandit/semgrep finding (``assert``, a fake password, a temp path) is what test
    code looks like, not risk that ships: it stays in the report but routes nothing (issue 12).
    A committed secret is worth a look wherever it is (issue 13's test policy).
    """
    test = is_test_file(hunk.file)
    added = hunk.added_numbers
    out = []
    for f in prescan:
        # a finding on unchanged lines was there before this PR (an example key in a docstring)
        if f.file != hunk.file or not any(n in added for n in range(f.line, f.end_line + 1)):
            continue
        if f.source in GATE_REVIEW and (not test or f.source == "secrets"):  # worst one first
            hint = f.rule in HINTS
            weight = 1.0 if hint else 3.0 + 0.5 * SEVERITY_RANK[f.severity]
            out.append(Signal(REVIEW, weight, f"{f.source} {f.rule}: {f.message}", f.line, hint))
        elif f.source == "ruff" and RUFF_BUGS.match(f.rule):  # in a test: a mock's signature
            weight = 1.0 if test else 3.0
            out.append(Signal(DEBUGGING, weight, f"ruff {f.rule}: {f.message}", f.line))
    return out


def _code_signals(
    hunk: Hunk, added: Lines, removed: Lines, context: ClassifyContext
) -> list[Signal]:
    """Signals of the code itself: review constructs, edit shape, routine declarations."""
    renamed = edits.rename(added, removed)
    if renamed is not None:  # same tokens, other names: the behaviour did not change ...
        # ... unless a name says who gets in, the old name was a dangerous call, or the new
        # one is a security shape (``secrets.choice``, ``escape(``) or primitive
        access = hardening.access_default(added, removed)
        weightier = [
            *([access] if access else []),
            *hardening.dangers_removed(hunk.language, added, removed),
            *(() if is_test_file(hunk.file) else security.renamed_shapes(renamed, added, removed)),
            *_comment_signals(hunk),
        ]
        named = edits.rename_signal(renamed, added, hunk.context)
        return weightier or [named, *around.fix_signals(_around(context), named)]
    text = "\n".join(line.text for line in added)
    found = patterns.other_signals(hunk.language, added, text)
    found += _review_signals(hunk, added, text)
    found += hardening.removed_safety(hunk, text)
    found += hardening.dangers_removed(hunk.language, added, removed)
    found += _changed(hunk, removed, found)
    found += edits.edit_signals(added, removed)
    found += security.shape_signals(added, removed)
    if is_test_file(hunk.file):  # risky-looking code in a test rarely ships
        found = [_halved(s) if s.category in (REVIEW, DEBUGGING) else s for s in found]
        return [
            *found,
            *_shape_signals(hunk, added, removed, text, context.categories),
            Signal(BOILERPLATE, 1.5, "test code"),
        ]
    found += hardening.signals(hunk, added, removed)
    found += hardening.removed_guards(hunk.removed, text)
    found += _comment_signals(hunk)
    found += around.signals(hunk, added, removed, found, _around(context))
    return found + _shape_signals(hunk, added, removed, text, context.categories)


def _comment_signals(hunk: Hunk) -> list[Signal]:
    """A comment that names security work, outside tests (a test's comment names what it
    tests)."""
    if is_test_file(hunk.file):
        return []
    commented = titles.comment_signal(hunk.language, hunk.added)
    return [commented] if commented is not None else []


def _around(context: ClassifyContext) -> around.Around:
    return around.Around(context.title, context.branch, context.source)


def _review_signals(hunk: Hunk, added: Lines, text: str) -> list[Signal]:
    """Token patterns; for Python the tree replaces them unless a token already decides."""
    tokens = patterns.review_signals(hunk.language, added, text)
    if not tokens or hunk.language != "python" or any(s.weight >= DECISIVE for s in tokens):
        return tokens
    parsed = signals.parse(hunk.added, hunk.new_lines)
    if parsed is None:
        return tokens
    kept = [s for s in tokens if s.reason in patterns.TREE_BLIND]
    return kept + signals.review_signals(parsed, hunk.added_numbers)


def _changed(hunk: Hunk, removed: Lines, found: list[Signal]) -> list[Signal]:
    """Debugging signals of the added lines that the removed lines also had: a changed one."""
    if not removed or not any(s.category == DEBUGGING for s in found):
        return []
    text = "\n".join(line.text for line in removed)
    before = {s.reason for s in patterns.other_signals(hunk.language, removed, text)}
    return [
        Signal(DEBUGGING, s.weight + 0.5, f"changed {s.reason}", s.line)
        for s in found
        if s.category == DEBUGGING and s.reason in before
    ]


def _shape_signals(
    hunk: Hunk, added: Lines, removed: Lines, text: str, categories: frozenset[str]
) -> list[Signal]:
    """Base signals from what kind of change this is, and the seed's optional categories."""
    out = []
    if removed:
        out.append(Signal(DEBUGGING, 0.5, "modifies existing code"))
    else:
        out.append(Signal(BOILERPLATE, 0.5, "new code without risky constructs"))
    # settings, packaging and declarations: a "fix" title or a one-token edit there is rarely
    # the fix itself (a version range, a flake8 rule, a Cython signature)
    if hunk.language in patterns.CONFIG_LANGUAGES:
        out.append(Signal(BOILERPLATE, 2.5, "configuration values"))
    elif DECLARATIONS.search(hunk.file):
        out.append(Signal(BOILERPLATE, 2.5, "packaging or declarations file"))
    if "algorithm" in categories:
        out += _algorithm_signals(added, text)
    if "architecture" in categories and (match := ARCHITECTURE.search(text)):
        out.append(Signal("architecture", 1.5, f"abstraction: {match.group(0)}"))
    return out


def _algorithm_signals(added: Lines, text: str) -> list[Signal]:
    out = []
    depth: list[int] = []
    for line in added:
        match = LOOP.match(line.text)
        if match:
            indent = len(match.group(1).expandtabs(4))
            if any(d < indent for d in depth):
                out.append(Signal("algorithm", 2.0, "nested loops", line.number))
            depth.append(indent)
    if match_ := ALGORITHM.search(text):
        out.append(Signal("algorithm", 1.5, f"algorithmic code: {match_.group(0)}"))
    return out


def _halved(signal: Signal) -> Signal:
    return Signal(signal.category, signal.weight / 2, f"{signal.reason} in a test", signal.line)


def weigh(
    found: list[Signal], context: ClassifyContext, added: int, removed: int
) -> Classification:
    """The hand-weighted pick, with the learned model deciding whether it is review work (``added``
    and ``removed``: the hunk's line counts).

    The model weighs the same signals as the hand weights and fits real code better (issue 12,
    leave-one-repository-out). A missed risky hunk costs the most, so the shipped weights carry
    a review boost: the model raises a pick to review when review is its top class, and keeps a
    hand review pick unless it gives review less than ``KEEP_REVIEW`` (then its likelier other
    class wins) and no risky construct decides (``_decisive``). It weighs evidence and never
    invents it: review needs a review signal that is more than a hint. Between debugging and
    boilerplate, and for the categories a config adds (``algorithm``, ``architecture``), the
    hand weights decide.
    """
    hand = decide(found, context)
    if context.model is None or hand.category not in learned.SCORED:
        return hand
    evidence = any(s.category == REVIEW and not s.hint for s in found)
    if hand.category != REVIEW and not evidence:  # nothing the model could raise
        return hand
    odds = context.model.probabilities(learned.features(found, added, removed), learned.SCORED)
    if not evidence:
        odds[REVIEW] = 0.0
    if hand.category != REVIEW:
        if max(odds, key=odds.__getitem__) != REVIEW or REVIEW not in context.categories:
            return hand
        return Classification(REVIEW, _learned_reasons(found, context.model, REVIEW))
    if odds[REVIEW] > KEEP_REVIEW or any(_decisive(s) for s in found):
        return hand
    lowered = max((DEBUGGING, BOILERPLATE), key=odds.__getitem__)
    return Classification(lowered, _learned_reasons(found, context.model, lowered))


def _decisive(signal: Signal) -> bool:
    """A risky construct or a gate finding on a line of the hunk: review whatever the model
    says (it has seen few of them, and a missed one costs the most)."""
    return signal.category == REVIEW and signal.weight >= DECISIVE and signal.line is not None


def _learned_reasons(found: list[Signal], model: learned.Model, pick: str) -> tuple[str, ...]:
    """The evidence for ``pick``, strongest first, then the other signals that pulled toward it."""
    own = sorted((s for s in found if s.category == pick), key=lambda s: -s.weight)
    pulls = {s: model.pull(f"kind:{learned.kind(s)}", pick) for s in found if s not in own}
    others = sorted((s for s, pull in pulls.items() if pull > 0), key=lambda s: -pulls[s])
    shown = _shown_reasons(list(dict.fromkeys([*own, *others])))[: MAX_REASONS - 1]
    return (*shown, f"learned weights: together these are {pick} work")


def decide(found: Iterable[Signal], context: ClassifyContext) -> Classification:
    """Sum weights per category (each reason once, with diminishing returns) and pick the top."""
    ranked = patterns.ranked_by_category(s for s in found if s.category in context.categories)
    if not ranked:
        return Classification(BOILERPLATE, ("no signals",))
    risk = context.risk or DEFAULT_RISK
    scores = {c: patterns.halving_sum(r) for c, r in ranked.items()}
    best = max(scores, key=lambda c: (round(scores[c], 6), risk.get(c, 0)))
    return Classification(best, _shown_reasons(ranked[best]))


def _shown_reasons(signals: list[Signal]) -> tuple[str, ...]:
    """The strongest reasons, without one that a stronger one already says at the same line
    ("error handling" beside "changed error handling")."""
    shown: list[Signal] = []
    for signal in signals:
        if not any(s.line == signal.line and signal.reason in s.reason for s in shown):
            shown.append(signal)
    return tuple(s.text() for s in shown[:MAX_REASONS])
