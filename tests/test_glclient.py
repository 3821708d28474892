"""forges/gitlab/client.py over forges/http.py: auth, retries, paging, and no token in errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hunkroute.errors import GitLabError
from hunkroute.forges.gitlab.client import GitLabApiError, GitLabClient, merge_request_path
from tests.helpers.fake_gitlab import HUMAN, TOKEN, FakeGitLab

DISCUSSIONS = merge_request_path("42", 7) + "/discussions"


@pytest.fixture
def fake() -> Iterator[FakeGitLab]:
    with FakeGitLab() as server:
        yield server


def client_for(fake: FakeGitLab, waits: list[float], token: str = TOKEN) -> GitLabClient:
    return GitLabClient(fake.api, token, sleep=waits.append, clock=lambda: 1_000.0)


def test_the_token_goes_in_the_private_token_header(fake: FakeGitLab) -> None:
    assert client_for(fake, []).call("GET", "/user")["id"] == 77
    assert fake.requests[0].headers["private-token"] == TOKEN


@pytest.mark.parametrize("token", ["", "glpat-wrong"])
def test_a_missing_or_wrong_token_is_a_401_not_retried(fake: FakeGitLab, token: str) -> None:
    waits: list[float] = []
    with pytest.raises(GitLabApiError, match="^GET /user: 401 Unauthorized$") as info:
        client_for(fake, waits, token).call("GET", "/user")
    assert info.value.status == 401 and waits == [] and len(fake.requests) == 1


def test_429_waits_for_retry_after(fake: FakeGitLab) -> None:
    fake.script("discussions", 429, {"message": "Retry later"}, **{"retry-after": "3"})
    waits: list[float] = []
    assert client_for(fake, waits).paged(DISCUSSIONS) == []
    assert waits == [3.0]


def test_429_without_retry_after_waits_until_ratelimit_reset(fake: FakeGitLab) -> None:
    headers = {"ratelimit-remaining": "0", "ratelimit-reset": "1020"}
    fake.script("discussions", 429, {"message": "Retry later"}, **headers)
    waits: list[float] = []
    client_for(fake, waits).paged(DISCUSSIONS)
    assert waits == [21.0]


def test_502_backs_off_then_gives_up_with_the_status(fake: FakeGitLab) -> None:
    for _ in range(4):
        fake.script("user", 502, {"message": "502 Bad Gateway"})
    waits: list[float] = []
    with pytest.raises(GitLabApiError, match="502") as info:
        client_for(fake, waits).call("GET", "/user")
    assert waits == [2.0, 4.0, 8.0] and info.value.status == 502


def test_paging_follows_x_next_page_without_a_link_header(fake: FakeGitLab) -> None:
    for i in range(250):
        fake.seed_thread(f"thread {i}", author=HUMAN)
    original = fake._page

    def without_link(*args: object) -> tuple:
        status, headers, items = original(*args)  # type: ignore[arg-type]
        return status, {k: v for k, v in headers.items() if k != "link"}, items

    fake._page = without_link  # type: ignore[method-assign]
    items = client_for(fake, []).paged(DISCUSSIONS)
    assert [d["notes"][0]["body"] for d in items] == [f"thread {i}" for i in range(250)]
    calls = fake.calls("discussions")
    assert [c.query.get("page", "1") for c in calls] == ["1", "2", "3"]
    assert all(c.query["per_page"] == "100" for c in calls)


def test_an_echoed_token_is_scrubbed_from_the_error(fake: FakeGitLab) -> None:
    fake.fail_all = 503
    with pytest.raises(GitLabError) as info:
        client_for(fake, []).call("GET", "/user")
    assert TOKEN not in str(info.value) and "[REDACTED:gitlab_token]" in str(info.value)


def test_dropped_connections_become_gitlab_error(unused_port: int) -> None:
    client = GitLabClient(f"http://127.0.0.1:{unused_port}/api/v4", TOKEN, sleep=lambda s: None)
    with pytest.raises(GitLabError, match="ConnectError") as info:
        client.call("GET", "/user")
    assert not isinstance(info.value, GitLabApiError) and TOKEN not in str(info.value)


def test_a_project_path_is_url_encoded() -> None:
    assert (
        merge_request_path("group/sub/shop", 3) == "/projects/group%2Fsub%2Fshop/merge_requests/3"
    )
