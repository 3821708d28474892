"""Hardening signals (issue 12, round 4): validation in parsers and auth backends, named
refusals, removed guards, access-control defaults.

Every hunk here is written for the test; none is taken from a real project.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from hunkroute.classify.classifier import ClassifyContext, classify
from hunkroute.classify.hardening import module_word
from hunkroute.model import Classification, Line
from tests.helpers.hunks import make_hunk

PLAIN = ClassifyContext()


def test_module_word_reads_path_words_not_substrings() -> None:
    assert module_word("pkg/wire/frames.py") == "wire"
    assert module_word("lib/h11/_events.py") == "h11"
    assert module_word("server/auth/backend.py") == "auth"
    assert module_word("shop/authors/list.py") is None


def test_a_new_raise_in_a_protocol_parser_is_review() -> None:
    added = ["        if len(values) > 1:", "            raise ValueError('two lengths')"]
    parser = classify(make_hunk("proto/codec/framing.py", 50, added), PLAIN)
    assert parser.category == "review"
    assert "protocol/auth module (codec)" in parser.reasons[0]
    elsewhere = classify(make_hunk("shop/cart.py", 50, added), PLAIN)
    assert elsewhere.category == "debugging"


def test_a_changed_refusing_branch_in_an_auth_backend_is_review() -> None:
    removed = ["        if len(found) == 0:"]
    hunk = make_hunk("srv/auth/directory.py", 30, ["        if len(found) != 1:"], removed)
    hunk = replace(hunk, context=(Line(31, '            """no single entry"""'),
                                  Line(32, '            return ""')))  # fmt: skip
    result = classify(hunk, PLAIN)
    assert result.category == "review"
    assert "changed rejecting branch" in result.reasons[0]
    kept = replace(hunk, context=(Line(31, "            count += 1"),))
    assert classify(kept, PLAIN).category == "debugging"


def test_a_named_refusal_is_review_anywhere() -> None:
    added = ["    if not name.isidentifier():", "        raise InvalidHeaderName(name)"]
    result = classify(make_hunk("kit/values.py", 10, added), PLAIN)
    assert result.category == "review"
    assert any("raises InvalidHeaderName" in r for r in result.reasons)


def test_a_deleted_guard_is_not_a_pure_deletion() -> None:
    removed = ["@require_owner", "def purge(request):", "    store.clear()"]
    result = classify(make_hunk("kit/views.py", 5, [], removed), PLAIN)
    assert result.category == "review"
    assert "removes a guard: @require_owner" in result.reasons[0]
    helper = ["def total(items):", "    return sum(items)"]
    assert classify(make_hunk("kit/views.py", 5, [], helper), PLAIN).category == "skip"
    opened = classify(make_hunk("kit/monitor.py", 20, [], ["    @web.authenticated"]), PLAIN)
    assert opened.category == "review"
    assert "removes a guard: @web.authenticated" in opened.reasons[0]


def test_a_deleted_if_raise_guard_is_review() -> None:
    removed = ["    if depth > 40:", "        raise RuntimeError('too deep')"]
    result = classify(make_hunk("kit/tree.py", 5, [], removed), PLAIN)
    assert result.category == "review"


def test_an_access_control_default_is_not_a_rename() -> None:
    hunk = make_hunk("srv/settings.py", 9, ['    "mode": "denyall",'], ['    "mode": "none",'])
    result = classify(hunk, PLAIN)
    assert result.category == "review"
    assert "access-control default: none → denyall" in result.reasons[0]
    plain = make_hunk("srv/settings.py", 9, ['    "color": "blue",'], ['    "color": "red",'])
    assert classify(plain, PLAIN).category != "review"


def test_a_dangerous_call_renamed_away_is_review() -> None:
    """``pickle.loads`` → ``json.loads`` has the tokens of a rename and closes a hole."""
    hunk = make_hunk(
        "app/queue.py", 40, ["    data = json.loads(message)"], ["    data = pickle.loads(message)"]
    )
    result = classify(hunk, PLAIN)
    assert result.category == "review"
    assert result.reasons[0] == "takes out unsafe deserialization (line 40)"
    renamed = make_hunk(
        "app/queue.py", 40, ["    data = ujson.loads(message)"], ["    data = json.loads(message)"]
    )
    assert classify(renamed, PLAIN).category == "boilerplate"


def test_a_deleted_check_on_a_security_boundary_is_review() -> None:
    removed = ["", "    if parsed_uri.port != parsed_compare.port:", "        return False"]
    hunk = replace(make_hunk("app/csrf.py", 268, [], removed), section="def same_origin(a, b):")
    result = classify(hunk, PLAIN)
    assert result.category == "review"
    assert result.reasons[0] == "removes a check inside same_origin (security boundary: origin)"
    elsewhere = replace(hunk, section="def render_totals(rows):", file="app/report.py")
    assert classify(elsewhere, PLAIN) == Classification("skip", ("pure deletion",))


def test_a_module_named_like_a_changelog_is_code() -> None:
    hunk = make_hunk("app/history.py", 10, ["        self.db.close()"], ["        pass"])
    assert classify(hunk, PLAIN).category != "skip"
    assert classify(make_hunk("HISTORY.rst", 1, ["* fixed a crash"]), PLAIN).category == "skip"


@pytest.mark.parametrize(
    ("added", "removed"),
    [
        (
            ['        return {"error": "internal error"}, 500'],
            ['        return {"error": str(e)}, 500'],
        ),
        (
            ["        raise HTTPError(500)"],
            ["        raise HTTPError(500, traceback.format_exc())"],
        ),
        ([], ['        log.error("lookup failed", exc_info=True)']),
    ],
)
def test_an_exceptions_text_kept_out_of_output_is_review(
    added: list[str], removed: list[str]
) -> None:
    result = classify(make_hunk("app/api.py", 40, added, removed), PLAIN)
    assert result.category == "review"
    assert "exception details kept out of output" in " ".join(result.reasons)


def test_an_exceptions_text_still_shown_is_no_leak_fixed() -> None:
    hunk = make_hunk(
        "app/api.py", 40, ["    raise Failed(str(e)) from e"], ["    raise Failed(str(e))"]
    )
    assert "exception details kept out" not in " ".join(classify(hunk, PLAIN).reasons)
