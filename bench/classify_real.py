"""Accuracy of hunkroute's classifier on real, hand-labelled hunks (issue 12).

The corpus (``bench/corpus/real_hunks.tsv``) names hunks of public commits; no third-party code
is stored here. Given local git mirrors of those repositories, this script rebuilds each hunk as
a unified diff with proper ``diff --git``/``---``/``+++`` headers, materialises a temporary git
repository whose work tree holds the commit's new version of each file (the parent version is
committed first, so it is a faithful "PR checkout"), and classifies the hunks exactly as a user
would: ``python -m hunkroute run --offline --diff FILE --title SUBJECT --format json
--fail-on never`` run inside that repository, prescan gates included. The hunks of one commit
go in one run (``--per-hunk`` runs each hunk alone, to check that batching changes nothing).

It prints the confusion matrix, per-class precision/recall/F1, accuracy, review recall and the
misses. Tune on ``--split tune`` only: the holdout split is for the final evaluation, and the
``fresh`` split (``bench/corpus/fresh_holdout.tsv``, labelled blind) is measured once, as is each
blind set ``bench/corpus/blindN.tsv`` (``--split blindN``).

Run:
    python bench/classify_real.py --mirrors /work/.mirror
        [--split tune|holdout|fresh|blindN|all] [--corpus FILE]
        [--mirror owner/name=GITDIR ...] [--json OUT] [--workers 2] [--per-hunk] [--check-only]

``--check-only`` rebuilds every selected hunk from the mirrors and reports the references that
do not resolve (missing mirror, commit, path or hunk index) without running hunkroute.

A mirror folder's subfolders are named ``owner+name`` (as the ``fetch`` tool makes them) and
hold the git directory itself, or a ``repo`` git directory (bare, or a checkout's ``repo/.git``)
inside.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "corpus" / "real_hunks.tsv"
FRESH_CORPUS = ROOT / "bench" / "corpus" / "fresh_holdout.tsv"
# the splits of real_hunks.tsv; any other split ``NAME`` is the blind set ``bench/corpus/NAME.tsv``
OWN_SPLITS = ("tune", "holdout", "all")
CLASSES = ("review", "debugging", "boilerplate", "skip")
# the repo's own tool configs the gates read from the work tree (gates/workspace.py)
TOOL_CONFIGS = ("pyproject.toml", "ruff.toml", ".ruff.toml", ".bandit")
HUNK_START = re.compile(r"(?m)^(?=@@ )")


@dataclass(frozen=True, slots=True)
class Entry:
    """One labelled hunk of the corpus."""

    repo: str
    commit: str
    path: str
    hunk: int
    label: str
    reason: str
    title: str
    split: str


@dataclass(frozen=True, slots=True)
class Result:
    """What hunkroute said about one entry (``category`` is ``error`` when the run failed)."""

    entry: Entry
    category: str
    reasons: tuple[str, ...]


def load_corpus(path: Path) -> list[Entry]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Entry(**{**row, "hunk": int(row["hunk"])}) for row in rows]  # type: ignore[arg-type]


# --- mirrors ---------------------------------------------------------------------------------
def git_dir_of(folder: Path) -> Path | None:
    """``folder`` itself, its ``repo`` child or ``repo/.git``, whichever is a git directory."""
    for candidate in (folder / "repo", folder / "repo" / ".git", folder):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    return None


def find_mirrors(folders: Sequence[Path], explicit: Sequence[str]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in folders:
        for child in sorted(folder.iterdir()) if folder.is_dir() else ():
            git_dir = git_dir_of(child)
            if git_dir is not None and "+" in child.name:
                found[child.name.replace("+", "/", 1)] = git_dir
    for item in explicit:
        name, _, raw = item.partition("=")
        git_dir = git_dir_of(Path(raw))
        if not raw or git_dir is None:
            raise SystemExit(f"--mirror {item!r}: expected owner/name=GITDIR")
        found[name] = git_dir
    return found


def git(git_dir: Path, *args: str) -> bytes:
    cmd = ["git", f"--git-dir={git_dir}", *args]
    return subprocess.run(cmd, capture_output=True, check=True).stdout


# --- rebuilding the change -------------------------------------------------------------------
def file_diff(git_dir: Path, commit: str, path: str) -> tuple[str, list[str]]:
    """The file header and the hunks of ``path`` in ``commit`` against its first parent."""
    flags = ("diff", "-U3", "--no-color", "--no-ext-diff", "--no-renames")
    raw = git(git_dir, *flags, f"{commit}^1", commit, "--", path)
    header, *hunks = HUNK_START.split(raw.decode("utf-8", "surrogateescape"))
    return header, hunks


def show(git_dir: Path, rev: str, path: str) -> bytes | None:
    result = subprocess.run(
        ["git", f"--git-dir={git_dir}", "show", f"{rev}:{path}"], capture_output=True, check=False
    )
    return result.stdout if result.returncode == 0 else None


def write_tree(root: Path, git_dir: Path, rev: str, paths: Sequence[str]) -> None:
    for path in (*paths, *TOOL_CONFIGS):
        data = show(git_dir, rev, path)
        target = root / path
        if data is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def materialise(root: Path, git_dir: Path, commit: str, paths: Sequence[str]) -> None:
    """A git repo at ``root``: the parent versions committed, the new versions in the work tree."""
    quiet = {"capture_output": True, "check": True, "cwd": root}
    subprocess.run(["git", "init", "-q"], **quiet)  # type: ignore[call-overload]
    write_tree(root, git_dir, f"{commit}^1", paths)
    subprocess.run(["git", "add", "-A"], **quiet)  # type: ignore[call-overload]
    ident = ["-c", "user.name=bench", "-c", "user.email=bench@invalid"]
    subprocess.run(["git", *ident, "commit", "-q", "--allow-empty", "-m", "parent"], **quiet)  # type: ignore[call-overload]
    write_tree(root, git_dir, commit, paths)


def diff_text(git_dir: Path, entries: Sequence[Entry]) -> str:
    """One diff holding the entries' hunks; ``entries`` are sorted by (path, hunk)."""
    by_path: dict[str, list[int]] = {}
    for entry in entries:
        by_path.setdefault(entry.path, []).append(entry.hunk)
    parts = []
    for path, indices in by_path.items():
        header, hunks = file_diff(git_dir, entries[0].commit, path)
        parts.append(header + "".join(hunks[i] for i in indices))
    return "".join(parts)


# --- running hunkroute -----------------------------------------------------------------------
def hunkroute_env() -> dict[str, str]:
    """The caller's environment minus hunkroute's own settings, with this checkout's src first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUNKROUTE_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def run_hunkroute(root: Path, diff: str, title: str, description: str) -> dict[str, object]:
    (root / ".bench.diff").write_text(diff, encoding="utf-8", errors="surrogateescape")
    cmd = [sys.executable, "-m", "hunkroute", "run", "--offline", "--diff", ".bench.diff"]
    cmd += ["--title", title, "--format", "json", "--fail-on", "never"]
    cmd += ["--description", description] if description else []
    done = subprocess.run(cmd, cwd=root, env=hunkroute_env(), capture_output=True, check=False)
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise RuntimeError(f"exit {done.returncode}: {' '.join(tail)}")
    report: dict[str, object] = json.loads(done.stdout)
    return report


def classify_group(mirror: Path, entries: Sequence[Entry], described: bool) -> list[Result]:
    """Classify the entries of one commit in one run (hunks come back in diff order);
    ``described``: with the commit message's body as the PR description, as a git run reads it."""
    ordered = sorted(entries, key=lambda e: (e.path, e.hunk))
    try:
        with tempfile.TemporaryDirectory(prefix="hunkroute-real-") as tmp:
            root = Path(tmp)
            materialise(root, mirror, ordered[0].commit, sorted({e.path for e in ordered}))
            body = git(mirror, "log", "-1", "--format=%b", ordered[0].commit) if described else b""
            text = diff_text(mirror, ordered)
            report = run_hunkroute(root, text, ordered[0].title, body.decode("utf-8", "replace"))
    except (RuntimeError, subprocess.CalledProcessError, ValueError) as exc:
        return [Result(e, "error", (str(exc),)) for e in ordered]
    hunks = report.get("hunks")
    if not isinstance(hunks, list) or len(hunks) != len(ordered):
        return [Result(e, "error", ("report hunks do not match the diff",)) for e in ordered]
    return [
        Result(e, h["category"], tuple(h["reasons"])) for e, h in zip(ordered, hunks, strict=True)
    ]


def groups(entries: Sequence[Entry], per_hunk: bool) -> list[list[Entry]]:
    if per_hunk:
        return [[e] for e in entries]
    by_commit: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        by_commit.setdefault((entry.repo, entry.commit), []).append(entry)
    return list(by_commit.values())


def classify_all(
    entries: Sequence[Entry],
    mirrors: dict[str, Path],
    workers: int,
    per_hunk: bool,
    described: bool = False,
) -> list[Result]:
    missing = sorted({e.repo for e in entries} - set(mirrors))
    if missing:
        raise SystemExit(f"no mirror for: {', '.join(missing)} (fetch them, or pass --mirror)")
    jobs = groups(entries, per_hunk)
    with ThreadPoolExecutor(max_workers=workers) as pool:  # the work is in the subprocesses
        done = pool.map(lambda g: classify_group(mirrors[g[0].repo], g, described), jobs)
        return [result for batch in done for result in batch]


def check_all(entries: Sequence[Entry], mirrors: dict[str, Path]) -> list[str]:
    """Rebuild every entry's hunk (no classification); the references that do not resolve."""
    problems: list[str] = []
    files: dict[tuple[str, str, str], list[str] | str] = {}
    for e in entries:
        where = f"{e.repo} {e.commit[:10]} {e.path} #{e.hunk}"
        if e.repo not in mirrors:
            problems.append(f"{where}: no mirror for {e.repo}")
            continue
        key = (e.repo, e.commit, e.path)
        if key not in files:
            try:
                files[key] = file_diff(mirrors[e.repo], e.commit, e.path)[1]
            except subprocess.CalledProcessError as exc:
                files[key] = exc.stderr.decode("utf-8", "replace").strip() or "git failed"
        hunks = files[key]
        if isinstance(hunks, str):
            problems.append(f"{where}: {hunks}")
        elif not 0 <= e.hunk < len(hunks):
            problems.append(f"{where}: the file's diff has {len(hunks)} hunk(s)")
    return problems


# --- the report ------------------------------------------------------------------------------
def confusion(results: Sequence[Result]) -> Counter[tuple[str, str]]:
    return Counter((r.entry.label, r.category) for r in results)


def ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def print_metrics(counts: Counter[tuple[str, str]]) -> None:
    got_classes = (*CLASSES, "error") if any(g == "error" for _, g in counts) else CLASSES
    print("label \\ got " + "".join(f"{c:>12}" for c in got_classes))
    for label in CLASSES:
        print(f"{label:<12}" + "".join(f"{counts[(label, g)]:>12}" for g in got_classes))
    print(f"\n{'class':<12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}")
    for label in CLASSES:
        hit = counts[(label, label)]
        precision = ratio(hit, sum(counts[(other, label)] for other in CLASSES))
        recall = ratio(hit, sum(counts[(label, g)] for g in got_classes))
        f1 = ratio(int(2 * precision * recall * 1e9), int((precision + recall) * 1e9))
        support = sum(counts[(label, g)] for g in got_classes)
        print(f"{label:<12}{precision:>10.2f}{recall:>10.2f}{f1:>10.2f}{support:>10}")
    total = sum(counts.values())
    right = sum(counts[(c, c)] for c in CLASSES)
    review = sum(counts[("review", g)] for g in got_classes)
    print(f"\naccuracy: {right}/{total} = {ratio(right, total):.3f}")
    print(f"review recall: {counts[('review', 'review')]}/{review}")


def print_misses(results: Sequence[Result]) -> None:
    misses = [r for r in results if r.category != r.entry.label]
    print(f"\nmisses ({len(misses)}):")
    for r in misses:
        e = r.entry
        print(f"- {e.repo} {e.commit[:10]} {e.path} #{e.hunk}: {e.label} -> {r.category}")
        print(f"    title: {e.title}")
        print(f"    why labelled: {e.reason}")
        print(f"    reasons: {'; '.join(r.reasons) or '-'}")


def save_json(results: Sequence[Result], out: Path) -> None:
    rows = [{**asdict(r.entry), "got": r.category, "reasons": list(r.reasons)} for r in results]
    out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


# --- command line ----------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, action="append", default=[], metavar="DIR")
    parser.add_argument("--mirror", action="append", default=[], metavar="OWNER/NAME=GITDIR")
    parser.add_argument("--split", default="tune", metavar="tune|holdout|fresh|blindN|all")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help=(
            "labelled TSV (default: real_hunks.tsv; fresh_holdout.tsv for --split fresh; "
            "NAME.tsv for any other --split NAME)"
        ),
    )
    parser.add_argument("--json", type=Path, metavar="OUT", help="save per-hunk results")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--per-hunk", action="store_true", help="one run per hunk (no batching)")
    parser.add_argument(
        "--descriptions",
        action="store_true",
        help="pass each commit message's body as --description (what a git run reads)",
    )
    parser.add_argument(
        "--check-only",
        action="store_true",
        help="rebuild the hunks and report unresolved references; do not run hunkroute",
    )
    return parser.parse_args(argv)


def corpus_of(split: str) -> Path:
    """The labelled file a split lives in."""
    if split in OWN_SPLITS:
        return CORPUS
    if split == "fresh":
        return FRESH_CORPUS
    return ROOT / "bench" / "corpus" / f"{split}.tsv"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = args.corpus or corpus_of(args.split)
    if not corpus.is_file():
        raise SystemExit(f"no corpus {corpus} for --split {args.split}")
    entries = [e for e in load_corpus(corpus) if args.split in ("all", e.split)]
    if not entries:
        raise SystemExit(f"no {args.split!r} entries in {corpus}")
    mirrors = find_mirrors(args.mirrors, args.mirror)
    if args.check_only:
        problems = check_all(entries, mirrors)
        print(
            f"split: {args.split}, hunks: {len(entries)}, repos: {len({e.repo for e in entries})}"
        )
        print(f"labels: {dict(sorted(Counter(e.label for e in entries).items()))}")
        print(f"unresolved: {len(problems)}")
        for problem in problems:
            print(f"- {problem}")
        return 1 if problems else 0
    start = time.monotonic()
    results = classify_all(entries, mirrors, max(1, args.workers), args.per_hunk, args.descriptions)
    print(f"split: {args.split}, hunks: {len(results)}, repos: {len({e.repo for e in entries})}")
    print_metrics(confusion(results))
    print_misses(results)
    print(f"\nelapsed: {time.monotonic() - start:.0f}s")
    if args.json is not None:
        save_json(results, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
