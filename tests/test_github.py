"""report/github.py: reviews, dedup across pushes, 422 recovery, check runs, the sticky comment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from hunkroute.forges.github import review as gh
from hunkroute.forges.github.client import GitHubApiError, GitHubClient
from hunkroute.model import Finding, Report
from hunkroute.report.comments import MARKER, SUMMARY_MARKER, marker_of
from tests.helpers.fake_github import TOKEN, FakeGitHub
from tests.helpers.prs import PullRequestRepo, findings_for, make_pr, report_for

REVIEW = gh.PostOptions("review", min_severity="note")


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub() as server:
        yield server
        assert server.errors == []


@pytest.fixture(scope="module")
def pr(tmp_path_factory: pytest.TempPathFactory) -> PullRequestRepo:
    return make_pr(tmp_path_factory.mktemp("pr"))


@pytest.fixture(scope="module")
def report(pr: PullRequestRepo) -> Report:
    return report_for(pr, findings_for())


def post(fake: FakeGitHub, report: Report, head: str, options: gh.PostOptions = REVIEW):
    client = GitHubClient(fake.url, TOKEN, sleep=lambda s: None)
    return gh.post_review(client, gh.PullRequest("octo/shop", 7, head), report, options, print)


def submitted(fake: FakeGitHub) -> list[dict]:
    return [r for r in fake.reviews if r["state"] != "PENDING"]


def test_one_review_with_inline_comments_and_a_suggestion(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    result = post(fake, report, pr.head)
    (call,) = fake.calls("pulls/create-review")
    body = call.body
    assert body["event"] == "COMMENT" and body["commit_id"] == pr.head
    assert sorted(c["line"] for c in body["comments"]) == [6, 6, 21]
    multi = next(c for c in body["comments"] if "start_line" in c)
    assert (multi["start_line"], multi["line"], multi["side"], multi["start_side"]) == (
        5, 6, "RIGHT", "RIGHT")  # fmt: skip
    assert "```suggestion\ntotal = round(price * 1.2, 2)\n```" in multi["body"]
    assert "model cheap-model" in multi["body"]
    assert all(marker_of(c["body"]) for c in body["comments"])
    # most severe first; the finding outside the diff is listed in the review body, not lost
    assert (
        body["comments"][0]["line"] == 21 and "bandit (static gate)" in body["comments"][0]["body"]
    )
    assert "app.py:30" in body["body"] and "not on a line of the PR diff" in body["body"]
    assert (result.posted, result.already, len(result.unposted)) == (3, 0, 1)


def test_second_run_posts_nothing_new(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    post(fake, report, pr.head)
    second = post(fake, report, pr.head)
    assert len(fake.calls("pulls/create-review")) == 1
    assert fake.calls("pulls/delete-review-comment") == []
    assert (second.posted, second.already) == (0, 3)


def test_fingerprints_survive_lines_shifting_after_a_push(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report, tmp_path: Path
) -> None:
    post(fake, report, pr.head)
    shifted = make_pr(tmp_path / "shifted", shift=4)
    again = post(fake, report_for(shifted, findings_for(shift=4)), shifted.head)
    assert len(fake.calls("pulls/create-review")) == 1
    assert again.already == 3 and again.resolved == 0


def test_gone_findings_are_deleted_or_marked_resolved_when_discussed(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    post(fake, report, pr.head)
    eval_comment = next(c for c in fake.review_comments if "B307" in c["body"])
    person = {"login": "octo", "type": "User"}
    reply = {"id": 1, "body": "good catch", "in_reply_to_id": eval_comment["id"], "user": person}
    fake.review_comments.append(reply)
    fixed = replace(report, findings=report.findings[1:2])  # eval and print are fixed
    result = post(fake, fixed, "f" * 40)
    (reply,) = fake.calls("pulls/create-reply-for-review-comment")
    assert "Resolved in `ffffffffffff`" in reply.body["body"]
    assert len(fake.calls("pulls/delete-review-comment")) == 1  # the print comment
    assert result.resolved == 2
    post(fake, fixed, "f" * 40)  # a third run does not reply twice
    assert len(fake.calls("pulls/create-reply-for-review-comment")) == 1


def test_paginated_existing_markers_are_all_seen(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    for i in range(230):
        fake.seed_comment(f"human comment {i}", user={"login": "octo", "type": "User"})
    post(fake, report, pr.head)
    posted = [c for c in fake.review_comments if marker_of(c["body"])]
    fake.review_comments = [c for c in fake.review_comments if c not in posted] + posted
    post(fake, report, pr.head)
    assert len(fake.calls("pulls/list-review-comments")) == 6  # 3 pages per run
    assert len(submitted(fake)) == 1


def test_markers_from_people_are_ignored(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    post(fake, report, pr.head)
    forged = [dict(c, id=c["id"] + 1, user={"login": "mallory", "type": "User"})
              for c in fake.review_comments]  # fmt: skip
    fake.review_comments = forged
    result = post(fake, report, pr.head)
    assert result.posted == 3 and len(submitted(fake)) == 2


def test_a_422_reposts_without_the_refused_comment_and_lists_it(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    fake.refuse = {("app.py", 21)}
    result = post(fake, report, pr.head)
    (review,) = submitted(fake)
    assert [c["line"] for c in review["comments"]] == [6, 6]
    assert "B307" in review["body"] and "GitHub refused the anchor (422)" in review["body"]
    assert fake.reviews == [review]  # every probe review was deleted again
    assert [u.reason for u in result.unposted if u.finding.rule == "B307"] == [
        "GitHub refused the anchor (422)"
    ]
    assert result.posted == 2


def test_noise_control_severity_floor_and_max_comments(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    result = post(fake, report, pr.head, gh.PostOptions("review", "warning", max_comments=1))
    (call,) = fake.calls("pulls/create-review")
    assert [c["line"] for c in call.body["comments"]] == [21]
    reasons = sorted(u.reason for u in result.unposted)
    assert reasons == ["below comment_min_severity (warning)", "not on a line of the PR diff",
                       "over max-comments (1)"]  # fmt: skip


def test_large_reviews_are_split_into_requests_of_30(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    many = tuple(
        Finding("app.py", 21, 21, "warning", "model", f"r{i}", f"problem {i}", model="m")
        for i in range(70)
    )
    result = post(
        fake, replace(report, findings=many), pr.head, gh.PostOptions("review", "note", 100)
    )
    sizes = [len(c.body["comments"]) for c in fake.calls("pulls/create-review")]
    assert sizes == [30, 30, 10] and result.posted == 70


def test_read_only_token_raises_for_the_caller_to_fall_back(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    fake.read_only = True
    with pytest.raises(GitHubApiError) as info:
        post(fake, report, pr.head)
    assert info.value.status == 403


def test_check_run_annotations_in_batches_of_50(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    many = tuple(Finding("app.py", i, i, "error", "ruff", "E1", "x") for i in range(1, 121))
    client = GitHubClient(fake.url, TOKEN, sleep=lambda s: None)
    target = gh.PullRequest("octo/shop", 7, pr.head)
    result = gh.post_checks(client, target, replace(report, findings=many),
                            gh.PostOptions("checks"), "summary")  # fmt: skip
    (create,) = fake.calls("checks/create")
    assert create.body["conclusion"] == "failure" and create.body["head_sha"] == pr.head
    updates = fake.calls("checks/update")
    sizes = [len(c.body["output"]["annotations"]) for c in [create, *updates]]
    assert sizes == [50, 50, 20] and result.posted == 120
    assert create.body["output"]["annotations"][0]["annotation_level"] == "failure"


def test_sticky_summary_comment_is_updated_in_place(fake: FakeGitHub, pr: PullRequestRepo) -> None:
    client = GitHubClient(fake.url, TOKEN, sleep=lambda s: None)
    target = gh.PullRequest("octo/shop", 7, pr.head)
    gh.upsert_summary_comment(client, target, "first")
    gh.upsert_summary_comment(client, target, "second")
    assert len(fake.calls("issues/create-comment")) == 1
    assert len(fake.calls("issues/update-comment")) == 1
    (comment,) = fake.issue_comments
    assert comment["body"].startswith("second") and SUMMARY_MARKER in comment["body"]


def test_fences_inside_a_suggestion_get_a_longer_fence(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    tricky = replace(report.findings[1], suggestion='doc = """\n```py\nx\n```\n"""\n')
    post(fake, replace(report, findings=(tricky,)), pr.head)
    body = fake.calls("pulls/create-review")[0].body["comments"][0]["body"]
    assert '````suggestion\ndoc = """\n```py\nx\n```\n"""\n````' in body


def test_untrusted_text_cannot_forge_markers_or_mention(
    fake: FakeGitHub, pr: PullRequestRepo, report: Report
) -> None:
    evil = replace(report.findings[0], message="ping @octo " + MARKER.format("0" * 20))
    post(fake, replace(report, findings=(evil,)), pr.head)
    body = fake.calls("pulls/create-review")[0].body["comments"][0]["body"]
    assert "@octo" not in body and marker_of(body) != "0" * 20
