"""Hunk (+ prescan findings, PR title, user rules) → ``Classification``.

Pure: no I/O. The category decides which model (if any) looks at the hunk, so a missed risky
hunk is the costliest error. Order of evidence:

1. user rules from the config (first match wins, they override everything);
2. shapes that need no model (docs, whitespace, comments, version bumps, pure deletions);
3. signals, each a category with a weight: Python ``ast`` (or token patterns for other languages
   and fragments that do not parse), the shape of the edit, prescan findings in the hunk's lines,
   and the PR title or branch name. Weights add up per category with diminishing returns
   (``decide``): the highest score wins and ties go to the riskier category (``context.risk``).
   A model learned from labelled real hunks (``learned``) then weighs the kinds of signal,
   those sums and the words of the title and path together and makes the pick (``weigh``).
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
from hunkroute.diff.unified import glob_matcher, language_of, matches_any
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
# findings that are a hint, not risk on their own: an ``assert`` in library code (issue 12), and
# an empty string bandit takes for a hard-coded password (``def connect(password="")`` sets none)
HINTS = frozenset({"B101"})
PASSWORD_RULES = frozenset({"B105", "B106", "B107"})
EMPTY_PASSWORD = re.compile(r"""hardcoded password: (''|"")""")
RUFF_BUGS = re.compile(r"^(F821|F823|F811|F841|E999|B\d+|PLE\d+)$")
MAX_REASONS = 4
MAX_WORDS = 3  # title and path words named among a learned pick's reasons
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
    description: str = ""
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
    return weigh(found, context, len(hunk.added), len(hunk.removed), hunk.file)


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
            hint = f.rule in HINTS or (
                f.rule in PASSWORD_RULES and EMPTY_PASSWORD.search(f.message) is not None
            )
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
    return around.Around(context.title, context.branch, context.source, context.description)


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
    found: list[Signal], context: ClassifyContext, added: int, removed: int, path: str
) -> Classification:
    """The pick of the learned model among review, debugging and boilerplate, or the hand
    weights' pick when there is no model or they chose a category a config adds (``added``
    and ``removed``: the hunk's line counts; ``path``: its file).

    The model weighs the same signals as the hand weights, with the words of the title and the
    path, and fits real code better (issue 12, leave-one-repository-out). A missed risky hunk
    costs the most, so the shipped weights carry a review boost, and a hand review pick stands
    unless the model gives review less than ``KEEP_REVIEW``. It weighs evidence and never
    invents it: review needs a review signal that is more than a hint. A risky construct or a
    gate finding on a line of the hunk (``_decisive``) decides whatever it says, review first.
    The model was fitted on Python source: for other files (settings, templates, other
    languages) and declarations it only decides whether the hunk is review work.
    """
    ranked = patterns.ranked_by_category(found)
    scores = learned.hand_scores(ranked)
    hand = _pick(ranked, scores, context)
    model = context.model
    if model is None or hand.category not in learned.SCORED:
        return hand
    among = [c for c in learned.SCORED if c in context.categories]
    decisive = [s for s in found if _decisive(s) and s.category in among]
    decisive.sort(key=_risk_first)
    if decisive and decisive[0].category == REVIEW:
        return (
            hand
            if hand.category == REVIEW
            else Classification(REVIEW, _shown_reasons(ranked[REVIEW]))
        )
    x = learned.features(ranked, scores, added, removed, context.title, path)
    odds = model.probabilities(x, among)
    if hand.category == REVIEW and odds[REVIEW] >= KEEP_REVIEW:
        return hand
    if not any(s.category == REVIEW and not s.hint for s in found):
        odds.pop(REVIEW, None)
    # a tie (a model without weights for any of these features) goes to the hand weights
    pick = max(odds, key=lambda c: (odds[c], c == hand.category), default=hand.category)
    if pick != REVIEW and hand.category != REVIEW and not _python_source(path):
        pick = hand.category
    if pick != REVIEW and decisive:
        pick = decisive[0].category
    if pick == hand.category:
        return hand
    return Classification(pick, _learned_reasons(found, model, pick, x))


def _decisive(signal: Signal) -> bool:
    """A risky construct or a gate finding on a line of the hunk (bandit's ``shell=True``,
    ruff's undefined name): its category whatever the model says (the model has seen few of
    them, and a missed one costs the most)."""
    return signal.weight >= DECISIVE and signal.line is not None


def _risk_first(signal: Signal) -> tuple[bool, float]:
    return signal.category != REVIEW, -signal.weight


def _python_source(path: str) -> bool:
    return language_of(path) == "python" and not DECLARATIONS.search(path)


def _learned_reasons(
    found: list[Signal], model: learned.Model, pick: str, x: Mapping[str, float]
) -> tuple[str, ...]:
    """The evidence for ``pick``, strongest first, then the other signals that pulled toward it,
    then the words of the title and path that pulled most."""
    own = sorted((s for s in found if s.category == pick), key=lambda s: -s.weight)
    pulls = {s: model.pull(f"kind:{learned.kind(s)}", pick) for s in found if s not in own}
    others = sorted((s for s, pull in pulls.items() if pull > 0), key=lambda s: -pulls[s])
    shown = _shown_reasons(list(dict.fromkeys([*own, *others])))[: MAX_REASONS - 1]
    word_pulls = {
        name: model.pull(name, pick)
        for name in x
        if name.startswith((learned.TITLE_WORD, learned.PATH_WORD))
    }
    pulling = sorted((n for n, pull in word_pulls.items() if pull > 0), key=word_pulls.__getitem__)
    words = f" ({', '.join(reversed(pulling[-MAX_WORDS:]))})" if pulling else ""
    return (*shown, f"learned weights: together these are {pick} work{words}")


def decide(found: Iterable[Signal], context: ClassifyContext) -> Classification:
    """Sum weights per category (each reason once, with diminishing returns) and pick the top."""
    ranked = patterns.ranked_by_category(found)
    return _pick(ranked, learned.hand_scores(ranked), context)


def _pick(
    ranked: Mapping[str, list[Signal]], scores: Mapping[str, float], context: ClassifyContext
) -> Classification:
    known = [c for c in scores if c in context.categories]
    if not known:
        return Classification(BOILERPLATE, ("no signals",))
    risk = context.risk or DEFAULT_RISK
    best = max(known, key=lambda c: (round(scores[c], 6), risk.get(c, 0)))
    return Classification(best, _shown_reasons(ranked[best]))


def _shown_reasons(signals: list[Signal]) -> tuple[str, ...]:
    """The strongest reasons, without one that a stronger one already says at the same line
    ("error handling" beside "changed error handling")."""
    shown: list[Signal] = []
    for signal in signals:
        if not any(s.line == signal.line and signal.reason in s.reason for s in shown):
            shown.append(signal)
    return tuple(s.text() for s in shown[:MAX_REASONS])
