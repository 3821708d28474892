"""Fuzzed diffs: whatever the input, parsing ends in a ChangeSet or a one-line DiffError, and an
accepted diff lost none of its hunks' added lines."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from hunkroute import config
from hunkroute.diff import unified as diff
from hunkroute.errors import DiffError
from tests.helpers.cli import run_main

FILES = config.load(None).files
EXAMPLE = (
    Path(__file__).resolve().parents[1] / "examples" / "pr-export-and-billing.diff"
).read_text()

PATHS = st.sampled_from(
    ["a.py", "dir with space/b.py", 'q"uote.py', "../../etc/passwd", "/abs/x.py", "é/ü.py",
     "c:\\win.py", "x" * 300 + ".py", "-dash.py", "a\tb.py"]
)  # fmt: skip
LINE_TEXT = st.one_of(
    st.text(max_size=40),
    st.just("x" * 10_000),
    st.sampled_from(
        ["\x00", "\r", "\udcff", "@@ -1 +1 @@", "+++ b/x", "\\ No newline at end of file"]
    ),
)


@st.composite
def diffs(draw: st.DrawFn) -> str:
    """Structurally plausible diffs, with counts and lines that may or may not agree."""
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        path = draw(PATHS)
        parts.append(f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n")
        for _ in range(draw(st.integers(0, 3))):
            old, new = draw(st.integers(0, 5)), draw(st.integers(0, 5))
            start = draw(st.integers(0, 50))
            parts.append(f"@@ -{start},{old} +{start},{new} @@\n")
            for _ in range(draw(st.integers(0, 6))):
                parts.append(draw(st.sampled_from(["+", "-", " ", ""])) + draw(LINE_TEXT) + "\n")
    text = "".join(parts)
    return text.replace("\n", "\r\n") if draw(st.booleans()) and draw(st.booleans()) else text


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    """The real example with a slice cut, duplicated or replaced."""
    text = EXAMPLE
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 200)))
        text = text[:i] + draw(st.sampled_from(["", text[i:j] * 2, draw(LINE_TEXT)])) + text[j:]
    return text


def parse_or_diff_error(text: str) -> None:
    try:
        changes = diff.parse(text, FILES, "fuzz.diff")
    except DiffError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("fuzz.diff")
        return
    for file in changes.files:
        for hunk in file.hunks:
            assert all(line.number >= 0 for line in hunk.added + hunk.context)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(diffs())
def test_generated_diffs(text: str) -> None:
    parse_or_diff_error(text)


@settings(max_examples=300, deadline=None)
@given(mutated_example())
def test_mutated_example(text: str) -> None:
    parse_or_diff_error(text)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    parse_or_diff_error(diff.decode(data))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(diffs(), mutated_example()))
def test_offline_pipeline_never_crashes(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "in.diff"
    source.write_bytes(text.encode("utf-8", "surrogateescape"))
    before = set(tmp_path.iterdir())
    result = run_main(["run", "--diff", str(source), "--offline", "--format", "json"], capsys)
    assert result.code in (0, 1, 2), result.err
    assert "Traceback" not in result.err
    assert set(tmp_path.iterdir()) == before  # nothing written beside the input


STRAYS = ["+ADDSTRAY", " context", "-removed", "junk", "@@ -1 +1 @@", "@@ -1,2 @@",
          "@@ -a,b +c @@", "\\ No newline at end of file", "", "index 0..1"]  # fmt: skip
TAG = re.compile(r"^\+(ADD\w+)$", re.M)


def tagged_diff(rnd: random.Random) -> str:
    """Well-formed sections (a mail preamble, a signature) whose '+' lines are all distinct,
    then perhaps a stray line inserted inside the sections or a hunk header's count changed.
    Built from one Random that hypothesis drives: a draw per choice made 2,000 cases cost 20 s."""
    lines = ["From 0 Mon Sep 17 00:00:00 2001", "Subject: [PATCH] x", "", "---", " a.py | 1 +"]
    first = len(lines)
    for f in range(rnd.randint(1, 3)):
        lines += [f"diff --git a/f{f}.py b/f{f}.py", f"--- a/f{f}.py", f"+++ b/f{f}.py"]
        for h in range(rnd.randint(1, 3)):
            body = rnd.choices("+- ", k=rnd.randint(1, 5))
            old, new = len(body) - body.count("+"), len(body) - body.count("-")
            lines.append(f"@@ -{10 * h + 1},{old} +{10 * h + 1},{new} @@")
            lines += [k + (f"ADD{f}_{h}_{i}" if k == "+" else "x") for i, k in enumerate(body)]
    if rnd.random() < 0.5:  # a stray line anywhere after the first file's 'diff --git' line
        lines.insert(rnd.randint(first + 1, len(lines)), rnd.choice(STRAYS))
    if rnd.random() < 0.5:  # one count off by one
        at = rnd.choice(
            [i for i, line in enumerate(lines) if line.startswith("@@ -") and i > first]
        )
        nudge = rnd.choice([-1, 1])
        lines[at] = re.sub(r",(\d+) @@", lambda m: f",{int(m[1]) + nudge} @@", lines[at])
    return "\n".join([*lines, "-- ", "2.39.5", ""])


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_every_added_line_of_an_accepted_diff_is_in_exactly_one_hunk(rnd: random.Random) -> None:
    text = tagged_diff(rnd)
    note(text)
    try:
        changes = diff.parse(text, FILES, "fuzz.diff")
    except DiffError:
        return
    parsed = Counter(line.text for f in changes.files for h in f.hunks for line in h.added)
    assert parsed == Counter(TAG.findall(text))
