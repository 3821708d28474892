"""Content-addressed disk cache of model answers (``config.cache_dir``).

The key is a SHA-256 of the provider's API, endpoint and model, the prompt version and the
exact request content, so an edited hunk misses only for its own request. Entries are written
to a temporary file and renamed into place (atomic on POSIX and Windows), so concurrent runs
never see half an entry; an entry that does not read back as expected is a miss, not a crash.
Only answers that parsed are stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hunkroute.config import ProviderConfig
from hunkroute.models.providers.interface import ChatRequest, Usage

log = logging.getLogger(__name__)
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Cached:
    """A stored answer and the usage the provider reported for it."""

    text: str
    usage: Usage | None


def cache_key(config: ProviderConfig, chat: ChatRequest, prompt_version: str) -> str:
    """The request's address: everything that could change the answer, nothing else."""
    material = {
        "format": FORMAT,
        "api": config.api,
        "base_url": (config.base_url or "").rstrip("/"),
        "model": config.model,
        "prompt_version": prompt_version,
        "system": chat.system,
        "user": chat.user,
        "max_output_tokens": chat.max_output_tokens,
        "temperature": chat.temperature,
        "json_mode": chat.json_mode,
    }
    canonical = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AnswerCache:
    """Answers on disk under ``root``; ``root=None`` disables caching."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    def _path(self, key: str) -> Path | None:
        return None if self.root is None else self.root / "answers" / key[:2] / f"{key}.json"

    def get(self, key: str) -> Cached | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return _entry(data, key)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, text: str, usage: Usage | None) -> None:
        path = self._path(key)
        if path is None:
            return
        usage_data = None if usage is None else [usage.input_tokens, usage.output_tokens,
                                                 usage.cached_input_tokens]  # fmt: skip
        data = {"key": key, "text": text, "usage": usage_data}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._ignore_in_git()
            atomic_write(path, json.dumps(data, ensure_ascii=False))
        except OSError as exc:  # a read-only or full disk costs money later, not the run
            log.warning("cache: cannot write %s: %s", path, exc.strerror or exc)

    def _ignore_in_git(self) -> None:
        """The cache must never show in ``git status``, nor in the next run's untracked files."""
        assert self.root is not None
        marker = self.root / ".gitignore"
        if not marker.exists():
            marker.write_text(
                "# written by hunkroute: the model answer cache\n*\n", encoding="utf-8"
            )


def _entry(data: dict[str, object], key: str) -> Cached | None:
    text, usage = data["text"], data["usage"]
    if data["key"] != key or not isinstance(text, str):
        return None
    if usage is None:
        return Cached(text, None)
    if not isinstance(usage, list) or not all(type(n) is int for n in usage) or len(usage) != 3:
        return None
    return Cached(text, Usage(usage[0], usage[1], usage[2]))


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a private temporary file renamed into place."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
