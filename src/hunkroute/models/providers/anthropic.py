"""Anthropic's Messages API (``x-api-key``, ``anthropic-version``).

There is no JSON mode switch: the system prompt asks for the JSON object and the answer parser
accepts it inside fences or prose.
"""

from __future__ import annotations

from typing import Any, Final

from hunkroute.config import ProviderConfig
from hunkroute.errors import ProviderError
from hunkroute.models.providers.interface import (
    ChatRequest,
    ErrorKind,
    Reply,
    Usage,
    WireRequest,
    whole,
)

ANTHROPIC_VERSION = "2023-06-01"


class AnthropicMessages:
    """``POST {base_url}/v1/messages`` (or ``…/messages`` when the base ends in ``/v1``)."""

    api: Final = "anthropic"

    def build(self, config: ProviderConfig, key: str | None, chat: ChatRequest) -> WireRequest:
        headers = {"content-type": "application/json", "anthropic-version": ANTHROPIC_VERSION}
        if key:
            headers["x-api-key"] = key
        body: dict[str, Any] = {
            "model": config.model,
            "max_tokens": chat.max_output_tokens,
            "system": chat.system,
            "messages": [{"role": "user", "content": chat.user}],
            "temperature": chat.temperature,
        }
        base = (config.base_url or "").rstrip("/")
        path = "/messages" if base.endswith("/v1") else "/v1/messages"
        return WireRequest(base + path, headers, body)

    def parse(self, data: Any) -> Reply:
        blocks = data.get("content") if isinstance(data, dict) else None
        if not isinstance(blocks, list):
            raise ProviderError("response has no content list")
        texts = [
            b["text"]
            for b in blocks
            if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
        ]
        if not texts:
            raise ProviderError("response has no text block")
        return Reply("".join(texts), _usage(data.get("usage")))

    def classify_error(self, status: int, body: str, chat: ChatRequest) -> ErrorKind | None:
        # Anthropic answers an empty balance with 400 invalid_request_error, not 402
        if status == 400 and "credit balance" in body:
            return "quota_exhausted"
        return None


def _usage(raw: Any) -> Usage | None:
    """Anthropic counts cache reads and writes apart from ``input_tokens``: add them back."""
    if not isinstance(raw, dict) or "output_tokens" not in raw:
        return None
    cached = whole(raw.get("cache_read_input_tokens"))
    written = whole(raw.get("cache_creation_input_tokens"))
    total_input = whole(raw.get("input_tokens")) + cached + written
    return Usage(total_input, whole(raw.get("output_tokens")), cached)
