"""providers/: wire formats, usage and cost, and one HTTP exchange against real fake servers."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hunkroute.config import ProviderConfig, RetryConfig
from hunkroute.errors import ProviderError
from hunkroute.models.providers import PROVIDERS
from hunkroute.models.providers.http import open_client, retry_after, send_once
from hunkroute.models.providers.interface import ChatRequest, Failure, Reply, Usage, cost_nano
from tests.helpers.fake_llm import Say, serve
from tests.helpers.llmcase import KEY, config_for

CHAT = ChatRequest("system text", "user text", 300)


def provider(fake, tmp_path: Path) -> ProviderConfig:  # type: ignore[no-untyped-def]
    return config_for([fake], tmp_path, provider_extra=", timeout_s: 0.3").providers[0]


def exchange(config: ProviderConfig, chat: ChatRequest = CHAT) -> Reply | Failure:
    async def go() -> Reply | Failure:
        async with open_client(4) as client:
            api = PROVIDERS[config.api]
            return await send_once(client, api, config, KEY, chat, RetryConfig(connect_timeout_s=1))

    return asyncio.run(go())


def test_openai_request_shape_and_usage_with_cached_tokens(tmp_path: Path) -> None:
    with serve("openai", lambda s: Say("hi", usage=(1000, 50, 400))) as fake:
        reply = exchange(provider(fake, tmp_path))
    body = fake.seen[0].body
    assert fake.seen[0].path == "/v1/chat/completions"
    assert body["max_tokens"] == 300 and body["messages"][1] == {
        "role": "user",
        "content": "user text",
    }
    assert isinstance(reply, Reply) and reply.text == "hi"
    assert reply.usage == Usage(1000, 50, 400)


def test_anthropic_usage_adds_cache_reads_back(tmp_path: Path) -> None:
    with serve("anthropic", lambda s: Say("hi", usage=(1000, 50, 400))) as fake:
        reply = exchange(provider(fake, tmp_path))
    assert fake.seen[0].body["system"] == "system text"
    assert isinstance(reply, Reply) and reply.usage == Usage(1000, 50, 400)


def test_deepseek_cache_hit_field_is_read() -> None:
    usage = {"prompt_tokens": 10, "completion_tokens": 2, "prompt_cache_hit_tokens": 6}
    data = {"choices": [{"message": {"content": "x"}}], "usage": usage}
    assert PROVIDERS["openai"].parse(data).usage == Usage(10, 2, 6)


@pytest.mark.parametrize(
    "data", [{}, {"choices": []}, {"choices": [{"message": {"content": None}}]}]
)
def test_openai_unreadable_bodies_raise_provider_error(data: object) -> None:
    with pytest.raises(ProviderError):
        PROVIDERS["openai"].parse(data)


def test_cost_prices_cached_input_apart(tmp_path: Path) -> None:
    with serve() as fake:
        config = provider(fake, tmp_path)
    from dataclasses import replace

    cheap_cache = replace(config, cost_per_cached_input_token=1e-8)
    usage = Usage(1000, 100, 400)
    assert cost_nano(config, usage) == 1000 * 100 + 100 * 200
    assert cost_nano(cheap_cache, usage) == 600 * 100 + 400 * 10 + 100 * 200


@pytest.mark.parametrize(
    ("say", "outcome", "retryable", "fatal", "billed"),
    [
        (Say("slow", status=429, headers={"retry-after": "2"}), "rate_limited", True, False, False),
        (Say('{"code": "insufficient_quota"}', status=429), "rate_limited", False, True, False),
        (Say("pay", status=402), "rate_limited", False, True, False),
        (Say("who", status=401), "error", False, True, False),
        (Say("boom", status=503), "error", True, False, False),
        (Say("bad", status=422), "error", False, False, False),
        (Say(raw="not json"), "error", False, False, True),
        (Say(delay_s=1.0), "timeout", True, False, True),
        (Say(drop=True), "error", True, False, True),
    ],
)
def test_failures_are_values(
    tmp_path: Path, say: Say, outcome: str, retryable: bool, fatal: bool, billed: bool
) -> None:
    with serve("openai", lambda s: say) as fake:
        result = exchange(provider(fake, tmp_path))
    assert isinstance(result, Failure)
    assert (result.outcome, result.retryable, result.fatal, result.billed) == (
        outcome, retryable, fatal, billed)  # fmt: skip
    assert KEY not in result.detail


def test_401_names_the_env_var_never_the_key(tmp_path: Path) -> None:
    with serve("openai", lambda s: Say(f"bad key {KEY}", status=401)) as fake:
        result = exchange(provider(fake, tmp_path))
    assert isinstance(result, Failure) and "check FAKE_LLM_API_KEY" in result.detail


def test_connection_refused_is_not_billed(tmp_path: Path, unused_port: int) -> None:
    with serve() as fake:
        config = provider(fake, tmp_path)
    from dataclasses import replace

    result = exchange(replace(config, base_url=f"http://127.0.0.1:{unused_port}/v1"))
    assert isinstance(result, Failure) and not result.billed and result.retryable


def test_retry_after_seconds_and_http_dates() -> None:
    assert retry_after("3", lambda: 0.0) == 3.0
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", lambda: 1445412470.0) == 10.0
    assert retry_after("soon", lambda: 0.0) is None and retry_after(None, lambda: 0.0) is None
