"""forges/gitlab/review.py and positions.py: threads, positions, dedup, resolving, the summary."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hunkroute.forges.gitlab import review as gl
from hunkroute.forges.gitlab.client import GitLabClient
from hunkroute.forges.gitlab.positions import context_old_lines
from hunkroute.model import Finding, Report
from hunkroute.report.comments import SUMMARY_MARKER, marker_of
from tests.helpers.fake_gitlab import BOT, HUMAN, LINE_CODE, TOKEN, FakeGitLab
from tests.helpers.prs import PullRequestRepo, findings_for, make_pr, report_for

OPTIONS = gl.PostOptions(min_severity="note")
MR = gl.MergeRequest("42", 7)


@pytest.fixture(scope="module")
def pr(tmp_path_factory: pytest.TempPathFactory) -> PullRequestRepo:
    return make_pr(tmp_path_factory.mktemp("mr"), shift=2)


@pytest.fixture
def fake(pr: PullRequestRepo) -> Iterator[FakeGitLab]:
    with FakeGitLab(pr.repo.git("diff", pr.base, pr.head), pr.base, pr.head) as server:
        yield server


def post(fake: FakeGitLab, report: Report) -> gl.Posting:
    client = GitLabClient(fake.api, TOKEN, sleep=lambda s: None)
    return gl.post_discussions(client, MR, report, OPTIONS, lambda s: None)


def on_context(shift: int = 2) -> Finding:
    """A note on line 4 of base (line 6 of head): an unchanged line the diff shows."""
    return Finding("app.py", 4 + shift, 4 + shift, "note", "ruff", "X1", "Context line.")


def test_threads_carry_gitlab_positions_and_a_suggestion_block(
    fake: FakeGitLab, pr: PullRequestRepo
) -> None:
    result = post(fake, report_for(pr, (*findings_for(2), on_context())))
    threads = fake.threads()
    assert result.posted == len(threads) == 4 and result.channel == "threads"
    positions = [t["notes"][0]["position"] for t in threads]
    assert all(p["position_type"] == "text" and p["head_sha"] == pr.head for p in positions)
    context = next(p for p in positions if "old_line" in p)
    assert (context["old_line"], context["new_line"]) == (4, 6)
    assert [u.reason for u in result.unposted] == ["not on a line of the MR diff"]
    bodies = [t["notes"][0]["body"] for t in threads]
    assert any("```suggestion:-0+1\ntotal = round(price * 1.2, 2)\n```" in b for b in bodies)
    assert all(marker_of(b) for b in bodies)


def test_a_second_run_posts_nothing_and_a_gone_finding_is_resolved(
    fake: FakeGitLab, pr: PullRequestRepo
) -> None:
    post(fake, report_for(pr, findings_for(2)))
    again = post(fake, report_for(pr, findings_for(2)))
    assert (again.posted, again.already, again.resolved) == (0, 3, 0)
    fixed = post(fake, report_for(pr, findings_for(2)[1:]))
    assert (fixed.posted, fixed.resolved) == (0, 1) and len(fake.threads()) == 3
    (done,) = [t for t in fake.threads() if t["notes"][0]["resolved"]]
    assert "B307" in done["notes"][0]["body"]
    assert post(fake, report_for(pr, findings_for(2)[1:])).resolved == 0  # once


def test_a_marker_pasted_by_someone_else_does_not_silence_a_finding(
    fake: FakeGitLab, pr: PullRequestRepo
) -> None:
    post(fake, report_for(pr, findings_for(2)))
    forged = [t["notes"][0]["body"] for t in fake.threads()]
    fake.discussions.clear()
    for body in forged:
        fake.seed_thread(body, author=HUMAN)
    assert post(fake, report_for(pr, findings_for(2))).posted == 3


def test_a_refused_position_moves_to_the_summary_and_the_rest_are_posted(
    fake: FakeGitLab, pr: PullRequestRepo
) -> None:
    fake.script("create-discussion", 400, {"message": LINE_CODE})
    result = post(fake, report_for(pr, findings_for(2)))
    assert result.posted == 2 and len(fake.threads()) == 2
    refused = [u for u in result.unposted if u.reason == gl.REFUSED]
    assert [u.finding.rule for u in refused] == ["B307"]  # the most severe goes first


def test_threads_are_listed_over_every_page(fake: FakeGitLab, pr: PullRequestRepo) -> None:
    for i in range(130):
        fake.seed_thread(f"someone else's thread {i}", author=HUMAN)
    post(fake, report_for(pr, findings_for(2)))
    assert post(fake, report_for(pr, findings_for(2))).already == 3
    pages = [c.query.get("page", "1") for c in fake.calls("discussions")]
    assert pages == ["1", "2", "1", "2"]


def test_the_summary_note_is_one_note_updated_in_place(fake: FakeGitLab) -> None:
    client = GitLabClient(fake.api, TOKEN, sleep=lambda s: None)
    fake.seed_thread("a look-alike " + SUMMARY_MARKER, author=HUMAN)
    gl.upsert_summary_note(client, MR, "first")
    gl.upsert_summary_note(client, MR, "second")
    notes = [d["notes"][0] for d in fake.discussions if d["individual_note"]]
    assert len(notes) == 1 and notes[0]["body"].startswith("second")
    assert notes[0]["author"] == BOT and len(fake.calls("update-note")) == 1


def test_context_lines_get_their_old_numbers(pr: PullRequestRepo) -> None:
    report = report_for(pr, ())
    olds = context_old_lines(r.hunk for r in report.hunks)
    assert olds[("app.py", 6)] == 4 and olds[("app.py", 9)] == 7
    assert ("app.py", 7) not in olds  # an added line has no old number
