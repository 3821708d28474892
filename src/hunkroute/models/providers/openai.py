"""Any OpenAI-compatible chat-completions API (OpenAI, DeepSeek, DashScope, Moonshot,
OpenRouter, Together, Groq, vLLM, Ollama's ``/v1``, LiteLLM).

JSON mode is ``response_format: {"type": "json_object"}``; servers that reject it get plain
text (``http.py`` retries once without it), and the answer parser copes with either.
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


class OpenAIChat:
    """``POST {base_url}/chat/completions`` with a bearer key."""

    api: Final = "openai"

    def build(self, config: ProviderConfig, key: str | None, chat: ChatRequest) -> WireRequest:
        headers = {"content-type": "application/json"}
        if key:
            headers["authorization"] = f"Bearer {key}"
        body: dict[str, Any] = {
            "model": config.model,
            "messages": [
                {"role": "system", "content": chat.system},
                {"role": "user", "content": chat.user},
            ],
            "max_tokens": chat.max_output_tokens,
            "temperature": chat.temperature,
            "stream": False,
        }
        if chat.json_mode:
            body["response_format"] = {"type": "json_object"}
        base = (config.base_url or "").rstrip("/")
        return WireRequest(f"{base}/chat/completions", headers, body)

    def parse(self, data: Any) -> Reply:
        try:
            text = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise ProviderError("response has no choices[0].message.content") from exc
        if not isinstance(text, str):
            raise ProviderError("response content is not text")
        return Reply(text, _usage(data.get("usage")))

    def classify_error(self, status: int, body: str, chat: ChatRequest) -> ErrorKind | None:
        if status == 429 and "insufficient_quota" in body:
            return "quota_exhausted"
        if status == 400 and chat.json_mode and "response_format" in body:
            return "json_mode_refused"
        return None


def _usage(raw: Any) -> Usage | None:
    """OpenAI reports cached tokens in ``prompt_tokens_details``; DeepSeek as cache hits."""
    if not isinstance(raw, dict) or "completion_tokens" not in raw:
        return None
    details = raw.get("prompt_tokens_details")
    cached = whole(details.get("cached_tokens")) if isinstance(details, dict) else 0
    cached = cached or whole(raw.get("prompt_cache_hit_tokens"))
    return Usage(whole(raw.get("prompt_tokens")), whole(raw.get("completion_tokens")), cached)
