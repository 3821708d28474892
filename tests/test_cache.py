"""cache.py: content-addressed keys, atomic entries, corrupt entries are misses."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from hunkroute import config
from hunkroute.models.cache import AnswerCache, Cached, cache_key
from hunkroute.models.providers.interface import ChatRequest, Usage
from tests.helpers.gitrepo import GitRepo

PROVIDER = config.loads(
    "providers: [{name: p, base_url: 'http://x/v1', model: m, cost_per_output_token: 1.0e-6}]", "t"
).providers[0]
CHAT = ChatRequest("system", "user", 100)


def test_key_changes_with_everything_that_changes_the_answer() -> None:
    base = cache_key(PROVIDER, CHAT, "v1")
    variants = [
        cache_key(replace(PROVIDER, model="other"), CHAT, "v1"),
        cache_key(replace(PROVIDER, base_url="http://y/v1"), CHAT, "v1"),
        cache_key(PROVIDER, CHAT, "v2"),
        cache_key(PROVIDER, replace(CHAT, user="user!"), "v1"),
        cache_key(PROVIDER, replace(CHAT, max_output_tokens=101), "v1"),
    ]
    assert len({base, *variants}) == 6
    assert cache_key(replace(PROVIDER, name="renamed"), CHAT, "v1") == base


def test_round_trip_and_disabled(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path)
    cache.put("ab12", "answer", Usage(3, 2, 1))
    cache.put("cd34", "plain", None)
    assert cache.get("ab12") == Cached("answer", Usage(3, 2, 1))
    assert cache.get("cd34") == Cached("plain", None) and cache.get("ef56") is None
    AnswerCache(None).put("ab12", "x", None)
    assert AnswerCache(None).get("ab12") is None


def test_corrupt_entries_are_misses(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path)
    entries = [
        ("aa01", "{not json"),
        ("aa02", '{"key": "other", "text": "x", "usage": null}'),
        ("aa03", '{"key": "aa03", "text": 5, "usage": null}'),
        ("aa04", '{"key": "aa04", "text": "x", "usage": [1, "2", 3]}'),
        ("aa05", ""),
    ]
    for key, content in entries:
        path = tmp_path / "answers" / key[:2] / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        assert cache.get(key) is None


def test_concurrent_writers_leave_a_whole_entry_and_no_temp_files(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path)
    threads = [threading.Thread(target=cache.put, args=("ff00", f"answer {i}" * 500, None))
               for i in range(16)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entry = cache.get("ff00")
    assert entry is not None and entry.text.startswith("answer ")
    assert [p.name for p in (tmp_path / "answers" / "ff").iterdir()] == ["ff00.json"]


def test_unwritable_cache_dir_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    AnswerCache(blocker).put("ab12", "x", None)
    assert AnswerCache(blocker).get("ab12") is None


def test_cache_keeps_itself_out_of_git(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.write("app.py", "x = 1\n")
    repo.commit("base")
    AnswerCache(repo.root / ".hunkroute-cache").put("ab12", "answer", None)
    # the default run includes untracked files: a visible cache would be reviewed next time
    assert repo.git("status", "--porcelain", "--untracked-files=all") == ""
