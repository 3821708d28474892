"""answers.py: robust parsing, dropped findings with reasons, and the built-in checks."""

from __future__ import annotations

import json

import pytest

from hunkroute.model import Candidate, Finding
from hunkroute.models.answers import Answer, Unparseable, checked_judge, extract_json, parse
from tests.helpers.hunks import make_hunk

HUNK = make_hunk("app.py", 10, ["def f(x):", "    return x+1", "    pass"])


def one(**item: object) -> str:
    return json.dumps({"findings": [{"line": 11, "end_line": 11, "severity": "warning",
                                     "message": "m", **item}]})  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        '{"findings": []}',
        'Sure:\n```json\n{"findings": [],}\n```',
        'I found nothing. {"findings": [ ]} Hope that helps',
        "[]",
    ],
)
def test_forms_of_an_empty_answer(text: str) -> None:
    answer = parse(text, [HUNK], "m", "review")
    assert isinstance(answer, Answer) and answer.findings == {HUNK.id: ()}


@pytest.mark.parametrize("text", ["", "looks fine to me", '{"findings": [1, 2', '{"issues": []}'])
def test_unparseable_answers_say_why(text: str) -> None:
    result = parse(text, [HUNK], "m", "review")
    assert isinstance(result, Unparseable) and result.reason


def test_trailing_commas_and_braces_inside_strings() -> None:
    assert extract_json('x {"a": "}{,]", "b": [1, 2,],} y') == {"a": "}{,]", "b": [1, 2]}


def test_a_finding_is_placed_in_its_hunk_with_severity_and_suggestion() -> None:
    answer = parse(one(severity="HIGH", suggestion="    return x + 1\n"), [HUNK], "cheap", "review")
    assert isinstance(answer, Answer)
    (finding,) = answer.findings[HUNK.id]
    assert finding == Finding("app.py", 11, 11, "error", "model", "model:review", "m",
                              "    return x + 1", "cheap")  # fmt: skip


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"line": 99, "end_line": 99}, "outside the changed hunks"),
        ({"line": 12, "end_line": 11}, "bad line numbers"),
        ({"line": "eleven"}, "bad line numbers"),
        ({"message": ""}, "no message"),
    ],
)
def test_bad_findings_are_dropped_with_a_reason(item: dict[str, object], reason: str) -> None:
    answer = parse(one(**item), [HUNK], "m", "review")
    assert isinstance(answer, Answer) and answer.findings[HUNK.id] == ()
    assert reason in answer.dropped[0]


@pytest.mark.parametrize(
    ("suggestion", "reason"),
    [
        ("   ", "empty"),
        ("    return x+1", "identical"),
        ("```python\n    return x+1\n```", "identical"),
    ],
)
def test_empty_and_noop_suggestions_are_dropped(suggestion: str, reason: str) -> None:
    answer = parse(one(suggestion=suggestion), [HUNK], "m", "review")
    assert isinstance(answer, Answer) and answer.findings[HUNK.id][0].suggestion is None
    assert reason in answer.dropped[0]


def candidate(line: int, end: int, suggestion: str) -> Candidate:
    return Candidate(HUNK, Finding("app.py", line, end, "note", "model", "r", "m", suggestion))


def test_checked_judge() -> None:
    verdicts = checked_judge([
        candidate(11, 11, "    return x + 1"),
        candidate(11, 11, "    return [REDACTED:secret]"),
        candidate(9, 10, "def f(x: int):"),
        candidate(11, 11, "    return x+1"),
    ])  # fmt: skip
    assert [v.accepted for v in verdicts] == [True, False, False, False]
    assert "placeholder" in verdicts[1].reason and "not all lines" in verdicts[2].reason
    assert "does not change" in verdicts[3].reason
