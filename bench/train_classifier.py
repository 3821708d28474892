"""Fit the classifier's learned weights (``src/hunkroute/data/classifier_weights.json``).

Issue 12: hand-set weights fitted the corpus they were tuned on and missed on the next one. This
script rebuilds the labelled real hunks of ``bench/corpus/`` from local git mirrors (as
``classify_real.py`` does), runs hunkroute's offline classification on each commit in-process
(prescan gates included) and records the signals each hunk reaches the weighing step with. It
then fits a multinomial logistic regression (L2, full-batch Adam; pure Python, deterministic) on
``learned.features`` (those signals, the PR title's words and the path's words) and writes the
weights.

Before writing, it reports leave-one-repository-out cross-validation: each repository's hunks
are classified by a model fitted on the other repositories only, which is what a new user's
code is to the model (``--folds N`` holds out N groups of repositories instead: N fits, not one
per repository). Review errors cost more than others (a missed risky hunk is never looked
at), so the review class's odds are multiplied by ``--review-boost`` when picking.

Run:
    python bench/train_classifier.py --mirrors /work/.mirror [--corpus FILE ...]
        [--evidence CACHE.json] [--cv-only] [--folds N] [--l2 10.0] [--review-boost 3.75]

``--evidence`` keeps the recorded signals in a file (outside the repository: they are derived
from third-party code) and reuses it on the next run. The default corpora are every
``bench/corpus/*.tsv``. A new blind set is measured with ``classify_real.py`` once, before it
joins them (``--corpus`` picks the corpora to fit on).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import classify_real  # noqa: E402

from hunkroute import cli  # noqa: E402
from hunkroute.classify import classifier, learned, patterns  # noqa: E402
from hunkroute.classify.patterns import Signal  # noqa: E402
from hunkroute.model import Classification, Hunk  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "hunkroute" / Path(*learned.WEIGHTS_FILE)
NEW_START = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)")
MIN_REPOS = 2  # a signal kind seen in one repository only is that repository's habit
# a word of titles or paths needs more: a project's own vocabulary ("octoprint", "ticket")
# is spread over its hunks of every label
MIN_WORD_REPOS = 4


@dataclass(frozen=True, slots=True)
class Sample:
    """One labelled hunk as the weighing step sees it."""

    found: list[Signal]
    added: int
    removed: int
    title: str
    path: str
    label: str
    repo: str

    @property
    def x(self) -> dict[str, float]:
        ranked = patterns.ranked_by_category(self.found)
        scores = learned.hand_scores(ranked)
        return learned.features(ranked, scores, self.added, self.removed, self.title, self.path)


# --- evidence: the signals each hunk is weighed on ---------------------------------------------
def record_commit(job: tuple[Path, list[classify_real.Entry]]) -> list[dict[str, object]]:
    """Run ``run --offline`` on one commit's hunks and keep what ``weigh`` was given.

    A hunk that never reaches ``weigh`` (docs, whitespace, lock files: decided by shape) gets
    no signals and stays out of the fit.
    """
    mirror, entries = job
    ordered = sorted(entries, key=lambda e: (e.path, e.hunk))
    seen: dict[tuple[str, int], tuple[list[Signal], int, int]] = {}
    original, weigh = classifier.classify, classifier.weigh
    current: list[tuple[str, int]] = []

    def classifying(hunk: Hunk, context: classifier.ClassifyContext) -> Classification:
        current[:] = [(hunk.file, hunk.new_start)]
        return original(hunk, context)

    def weighing(
        found: list[Signal],
        context: classifier.ClassifyContext,
        added: int,
        removed: int,
        path: str,
    ) -> Classification:
        seen[current[0]] = (list(found), added, removed)
        return weigh(found, context, added, removed, path)

    # observed, not changed: each call goes on to the original
    classifier.classify, classifier.weigh = classifying, weighing
    try:
        with tempfile.TemporaryDirectory(prefix="hunkroute-train-") as tmp:
            root = Path(tmp)
            paths = sorted({e.path for e in ordered})
            classify_real.materialise(root, mirror, ordered[0].commit, paths)
            diff = classify_real.diff_text(mirror, ordered)
            (root / ".bench.diff").write_text(diff, encoding="utf-8", errors="surrogateescape")
            run_quietly(root, ordered[0].title)
    finally:
        classifier.classify, classifier.weigh = original, weigh
    hunks = {p: classify_real.file_diff(mirror, ordered[0].commit, p)[1] for p in paths}
    return [row(e, seen.get((e.path, new_start(hunks[e.path][e.hunk])))) for e in ordered]


def new_start(hunk: str) -> int:
    match = NEW_START.match(hunk)
    return int(match.group(1)) if match else 0


def row(
    entry: classify_real.Entry, weighed: tuple[list[Signal], int, int] | None
) -> dict[str, object]:
    found, added, removed = weighed or ([], 0, 0)
    signals = [asdict(s) for s in found] or None
    return {"entry": asdict(entry), "signals": signals, "added": added, "removed": removed}


def run_quietly(root: Path, title: str) -> None:
    here = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            argv = ["run", "--offline", "--diff", ".bench.diff", "--title", title]
            cli.main([*argv, "--format", "json", "--fail-on", "never"])
    finally:
        os.chdir(here)


def collect(
    entries: Sequence[classify_real.Entry], mirrors: dict[str, Path], workers: int
) -> list[dict[str, object]]:
    jobs = [(mirrors[g[0].repo], g) for g in classify_real.groups(entries, per_hunk=False)]
    with ProcessPoolExecutor(max_workers=workers) as pool:  # one process per commit: cwd moves
        return [row for rows in pool.map(record_commit, jobs) for row in rows]


def samples(rows: Sequence[dict[str, Any]]) -> list[Sample]:
    """The hunks that reach the weighing step (the rest are decided by shape: docs, deletions,
    lock files; the model never sees them)."""
    return [
        Sample(
            [Signal(**s) for s in recorded["signals"]],
            recorded["added"],
            recorded["removed"],
            recorded["entry"]["title"],
            recorded["entry"]["path"],
            recorded["entry"]["label"],
            recorded["entry"]["repo"],
        )
        for recorded in rows
        if recorded["signals"]
    ]


# --- the model -------------------------------------------------------------------------------
def fit(data: Sequence[Sample], l2: float, epochs: int = 400, rate: float = 0.05) -> learned.Model:
    """Multinomial logistic regression: mean cross-entropy + l2/(2n)·|w|², intercepts free."""
    inputs = [(sample.x, learned.CLASSES.index(sample.label)) for sample in data]
    repos: dict[str, set[str]] = {}
    for (x, _), sample in zip(inputs, data, strict=True):
        for name in x:
            repos.setdefault(name, set()).add(sample.repo)
    names = sorted(n for n, r in repos.items() if len(r) >= least_repos(n))
    index = {n: i for i, n in enumerate(names)}
    rows = [([(index[n], v) for n, v in x.items() if n in index], y) for x, y in inputs]
    k, n = len(learned.CLASSES), len(rows)
    w = [[0.0] * k for _ in names] + [[0.0] * k]  # the last row is the intercept
    moment = [[0.0] * k for _ in w]
    square = [[0.0] * k for _ in w]
    bias_row = len(names)
    for step in range(1, epochs + 1):
        grad = [[l2 * v / n for v in row] for row in w[:-1]] + [[0.0] * k]
        for active, y in rows:
            logits = [w[bias_row][c] + sum(w[i][c] * v for i, v in active) for c in range(k)]
            top = max(logits)
            exps = [math.exp(z - top) for z in logits]
            total = sum(exps)
            for c in range(k):
                g = (exps[c] / total - (c == y)) / n
                grad[bias_row][c] += g
                for i, v in active:
                    grad[i][c] += g * v
        adam(w, grad, moment, square, step, rate)
    bias = dict(zip(learned.CLASSES, w[bias_row], strict=True))
    weights = {name: dict(zip(learned.CLASSES, w[i], strict=True)) for name, i in index.items()}
    return learned.Model(bias, weights)


def least_repos(feature: str) -> int:
    """How many repositories must show a feature before the model may weigh it."""
    is_word = feature.startswith((learned.TITLE_WORD, learned.PATH_WORD))
    return MIN_WORD_REPOS if is_word else MIN_REPOS


def adam(
    w: list[list[float]],
    grad: list[list[float]],
    m: list[list[float]],
    v: list[list[float]],
    step: int,
    rate: float,
) -> None:
    for row, g_row, m_row, v_row in zip(w, grad, m, v, strict=True):
        for c, g in enumerate(g_row):
            m_row[c] = 0.9 * m_row[c] + 0.1 * g
            v_row[c] = 0.999 * v_row[c] + 0.001 * g * g
            m_hat = m_row[c] / (1 - 0.9**step)
            v_hat = v_row[c] / (1 - 0.999**step)
            row[c] -= rate * m_hat / (math.sqrt(v_hat) + 1e-8)


def boosted(model: learned.Model, review_boost: float) -> learned.Model:
    bias = dict(model.bias)
    bias["review"] += math.log(review_boost)
    return learned.Model(bias, model.weights)


def fold(args: tuple[Sequence[Sample], frozenset[str], float, float]) -> list[tuple[str, str, str]]:
    """Some repositories' hunks: (label, the model's pick, the shipped rule's pick), the model
    fitted on the other repositories."""
    data, held_out, l2, review_boost = args
    model = boosted(fit([s for s in data if s.repo not in held_out], l2), review_boost)
    out = []
    for sample in (s for s in data if s.repo in held_out):
        scores = model.scores(sample.x)
        alone = max(learned.CLASSES, key=scores.__getitem__)
        context = classifier.ClassifyContext(title=sample.title, model=model)
        shipped = classifier.weigh(sample.found, context, sample.added, sample.removed, sample.path)
        out.append((sample.label, alone, shipped.category))
    return out


def cross_validate(
    data: Sequence[Sample], l2: float, review_boost: float, workers: int, folds: int
) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]:
    """Confusion counts of the model alone and of the shipped rule, each repository classified
    by a model fitted without it: one fit per repository, or per group when ``folds`` > 0."""
    repos = sorted({s.repo for s in data})
    groups = (
        [frozenset(repos[i::folds]) for i in range(folds)]
        if folds
        else [frozenset({r}) for r in repos]
    )
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = [
            t
            for batch in pool.map(fold, [(data, g, l2, review_boost) for g in groups])
            for t in batch
        ]
    alone = Counter((label, got) for label, got, _ in done)
    return alone, Counter((label, got) for label, _, got in done)


def to_json(model: learned.Model) -> str:
    weights = {
        name: {c: round(v, 4) for c, v in row.items()}
        for name, row in sorted(model.weights.items())
        if any(abs(v) >= 1e-4 for v in row.values())
    }
    bias = {c: round(v, 4) for c, v in model.bias.items()}
    return json.dumps({"bias": bias, "weights": weights}, indent=1, sort_keys=True) + "\n"


# --- command line ----------------------------------------------------------------------------
def corpora(explicit: Sequence[Path]) -> Iterator[Path]:
    if explicit:
        yield from explicit
        return
    yield from sorted((ROOT / "bench" / "corpus").glob("*.tsv"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, action="append", default=[], metavar="DIR")
    parser.add_argument("--mirror", action="append", default=[], metavar="OWNER/NAME=GITDIR")
    parser.add_argument("--corpus", type=Path, action="append", default=[])
    parser.add_argument("--evidence", type=Path, help="cache of the recorded signals (JSON)")
    parser.add_argument("--l2", type=float, default=10.0)
    parser.add_argument("--review-boost", type=float, default=3.75)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--folds", type=int, default=0, help="group repositories into N folds (0: one each)"
    )
    parser.add_argument("--cv-only", action="store_true", help="report, do not write weights")
    args = parser.parse_args(argv)
    if args.evidence and args.evidence.is_file():
        rows = json.loads(args.evidence.read_text("utf-8"))
    else:
        entries = [e for path in corpora(args.corpus) for e in classify_real.load_corpus(path)]
        mirrors = classify_real.find_mirrors(args.mirrors, args.mirror)
        missing = sorted({e.repo for e in entries} - set(mirrors))
        if missing:
            raise SystemExit(f"no mirror for: {', '.join(missing)}")
        rows = collect(entries, mirrors, args.workers)
        if args.evidence:
            args.evidence.write_text(json.dumps(rows), "utf-8")
    data = samples(rows)
    repos = len({s.repo for s in data})
    print(f"hunks: {len(rows)}, weighed: {len(data)}, repositories: {repos}")
    alone, shipped = cross_validate(data, args.l2, args.review_boost, args.workers, args.folds)
    how = f"{args.folds} folds of repositories" if args.folds else "leave-one-repository-out"
    print(f"\n{how}, weighed hunks only: the model alone")
    classify_real.print_metrics(alone)
    print("\nthe same folds, the shipped rule (classifier.weigh)")
    classify_real.print_metrics(shipped)
    if not args.cv_only:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(to_json(boosted(fit(data, args.l2), args.review_boost)), "utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
