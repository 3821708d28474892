"""forges/github/client.py over forges/http.py: retries, rate limits, paging, errors."""

from __future__ import annotations

import httpx
import pytest

from hunkroute.errors import GitHubError
from hunkroute.forges.github.client import GitHubApiError, GitHubClient
from hunkroute.forges.http import RetryPolicy
from tests.helpers.fake_github import TOKEN, FakeGitHub

COMMENTS = "/repos/octo/shop/pulls/7/comments"


@pytest.fixture
def fake() -> FakeGitHub:
    with FakeGitHub() as server:
        yield server
        assert server.errors == []


def client_for(fake: FakeGitHub, waits: list[float], now: float = 1_000.0) -> GitHubClient:
    return GitHubClient(fake.url, TOKEN, sleep=waits.append, clock=lambda: now)


def test_502_then_success_backs_off_once(fake: FakeGitHub) -> None:
    fake.script("pulls/list-review-comments", 502, {"message": "Bad Gateway"})
    waits: list[float] = []
    assert client_for(fake, waits).paged(COMMENTS) == []
    assert waits == [2.0] and len(fake.calls("pulls/list-review-comments")) == 2


def test_secondary_rate_limit_waits_for_retry_after(fake: FakeGitHub) -> None:
    message = {"message": "You have exceeded a secondary rate limit. Please wait."}
    fake.script("pulls/create-review", 403, message, **{"retry-after": "7"})
    waits: list[float] = []
    body = {"commit_id": "a" * 40, "event": "COMMENT", "body": "hi"}
    client_for(fake, waits).request("POST", "/repos/octo/shop/pulls/7/reviews", body=body)
    assert waits == [7.0] and len(fake.reviews) == 1


def test_secondary_rate_limit_without_header_waits_a_minute(fake: FakeGitHub) -> None:
    fake.script("pulls/list-review-comments", 403, {"message": "secondary rate limit"})
    waits: list[float] = []
    client_for(fake, waits).paged(COMMENTS)
    assert waits == [60.0]


def test_primary_rate_limit_waits_until_reset(fake: FakeGitHub) -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1030"}
    fake.script(
        "pulls/list-review-comments", 429, {"message": "API rate limit exceeded"}, **headers
    )
    waits: list[float] = []
    client_for(fake, waits, now=1_000.0).paged(COMMENTS)
    assert waits == [31.0]


def test_a_rate_limit_too_far_away_gives_up_with_the_reason(fake: FakeGitHub) -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "99999"}
    fake.script(
        "pulls/list-review-comments", 403, {"message": "API rate limit exceeded"}, **headers
    )
    waits: list[float] = []
    with pytest.raises(GitHubApiError, match="rate limited; would need to wait") as info:
        client_for(fake, waits).paged(COMMENTS)
    assert info.value.status == 403 and waits == []


def test_read_only_token_403_is_not_retried(fake: FakeGitHub) -> None:
    fake.read_only = True
    waits: list[float] = []
    with pytest.raises(GitHubApiError, match="Resource not accessible by integration") as info:
        client_for(fake, waits).call("POST", "/repos/octo/shop/pulls/7/reviews", {"body": "x"})
    assert info.value.status == 403 and waits == [] and len(fake.requests) == 1
    assert TOKEN not in str(info.value)


def test_paging_follows_link_headers_over_all_pages(fake: FakeGitHub) -> None:
    for i in range(250):
        fake.seed_comment(f"comment {i}")
    items = client_for(fake, []).paged(COMMENTS)
    assert [c["body"] for c in items] == [f"comment {i}" for i in range(250)]
    pages = fake.calls("pulls/list-review-comments")
    assert [p.query.get("page", "1") for p in pages] == ["1", "2", "3"]
    assert all(p.query["per_page"] == "100" for p in pages)


def test_server_errors_exhaust_the_attempts(fake: FakeGitHub) -> None:
    for _ in range(4):
        fake.script("pulls/list-review-comments", 503, {"message": "unavailable"})
    waits: list[float] = []
    with pytest.raises(GitHubApiError, match="503"):
        client_for(fake, waits).paged(COMMENTS)
    assert waits == [2.0, 4.0, 8.0]


def test_dropped_connections_become_github_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    waits: list[float] = []
    client = GitHubClient("https://api.example", TOKEN, transport=httpx.MockTransport(refuse),
                          sleep=waits.append, policy=RetryPolicy(attempts=2))  # fmt: skip
    with pytest.raises(GitHubError, match="ConnectError") as info:
        client.call("GET", "/repos/octo/shop/pulls/7")
    assert not isinstance(info.value, GitHubApiError) and waits == [2.0]


def test_enterprise_api_root_keeps_its_path() -> None:
    seen: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={})

    client = GitHubClient(
        "https://ghe.example/api/v3", TOKEN, transport=httpx.MockTransport(record)
    )
    client.call("GET", "/repos/octo/shop/pulls/7")
    assert seen == ["https://ghe.example/api/v3/repos/octo/shop/pulls/7"]
