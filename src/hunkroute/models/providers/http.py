"""The one place that sends model requests over HTTP: timeouts, status codes, Retry-After.

Every ``httpx`` exception is translated here into a ``Failure`` value; nothing above
``providers/`` sees an httpx error. Messages never contain the API key or the request headers.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable

import httpx

from hunkroute.config import ProviderConfig, RetryConfig
from hunkroute.errors import ProviderError
from hunkroute.models.providers.interface import ChatRequest, Failure, Provider, Reply


def open_client(
    pool_size: int, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The run's shared client; the pool is as large as all providers' concurrency together."""
    limits = httpx.Limits(max_connections=pool_size, max_keepalive_connections=pool_size)
    return httpx.AsyncClient(limits=limits, transport=transport, follow_redirects=False)


def timeouts(config: ProviderConfig, retry: RetryConfig) -> httpx.Timeout:
    """Connect fast or fail; reading may take as long as the model needs (``timeout_s``)."""
    return httpx.Timeout(config.timeout_s, connect=retry.connect_timeout_s, pool=None)


async def send_once(
    client: httpx.AsyncClient,
    provider: Provider,
    config: ProviderConfig,
    key: str | None,
    chat: ChatRequest,
    retry: RetryConfig,
    clock: Callable[[], float] = time.monotonic,
) -> Reply | Failure:
    """One HTTP exchange; every outcome is a value."""
    wire = provider.build(config, key, chat)
    start = clock()
    try:
        response = await client.post(
            wire.url, headers=dict(wire.headers), json=dict(wire.body),
            timeout=timeouts(config, retry),
        )  # fmt: skip
        await response.aread()
    except httpx.HTTPError as exc:
        return _transport_failure(exc, _ms(clock() - start), key)
    latency = _ms(clock() - start)
    if response.is_success:
        return _reply(provider, response, latency, key)
    return _status_failure(provider, config, chat, response, latency)


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _transport_failure(exc: httpx.HTTPError, latency: int, key: str | None) -> Failure:
    """Connecting failed: nothing was sent, nothing billed. Later failures may have been billed."""
    name = type(exc).__name__
    detail = scrub(f"{name}: {exc}" if str(exc) else name, key)
    if isinstance(exc, httpx.ConnectTimeout):
        return Failure("timeout", f"connect timeout ({detail})", True, latency_ms=latency)
    if isinstance(exc, httpx.ConnectError):
        return Failure("error", f"cannot connect ({detail})", True, latency_ms=latency)
    if isinstance(exc, httpx.TimeoutException):
        return Failure("timeout", f"no answer in time ({detail})", True, True, latency_ms=latency)
    return Failure("error", detail, True, billed=True, latency_ms=latency)


def _reply(
    provider: Provider, response: httpx.Response, latency: int, key: str | None
) -> Reply | Failure:
    try:
        reply = provider.parse(response.json())
    except (ValueError, ProviderError) as exc:
        detail = scrub(f"malformed response body: {exc}", key)
        return Failure("error", detail, retryable=False, billed=True, latency_ms=latency)
    return Reply(reply.text, reply.usage, latency)


def _status_failure(
    provider: Provider,
    config: ProviderConfig,
    chat: ChatRequest,
    response: httpx.Response,
    latency: int,
) -> Failure:
    status = response.status_code
    kind = provider.classify_error(status, response.text[:2000].lower(), chat)
    if status in (401, 403):
        env = config.api_key_env or "the API key"
        detail = f"authentication failed (HTTP {status}): check {env}"
        return Failure("error", detail, False, fatal=True, latency_ms=latency)
    if status == 402 or kind == "quota_exhausted":
        detail = f"quota or credit exhausted (HTTP {status})"
        return Failure("rate_limited", detail, False, fatal=True, latency_ms=latency)
    if status == 429:
        wait = retry_after(response.headers.get("retry-after"), time.time)
        return Failure("rate_limited", "rate limited (HTTP 429)", True, retry_after_s=wait,
                       latency_ms=latency)  # fmt: skip
    if kind == "json_mode_refused":
        detail = "JSON mode not supported (HTTP 400)"
        return Failure("error", detail, False, json_rejected=True, latency_ms=latency)
    if status in (408, 409) or status >= 500:
        wait = retry_after(response.headers.get("retry-after"), time.time)
        return Failure("error", f"server error (HTTP {status})", True, retry_after_s=wait,
                       latency_ms=latency)  # fmt: skip
    return Failure("error", f"request refused (HTTP {status})", False, latency_ms=latency)


def retry_after(value: str | None, now: Callable[[], float]) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


def scrub(text: str, key: str | None) -> str:
    """Belt and braces: a key echoed back in an error message never reaches a log or report."""
    return text.replace(key, "[REDACTED:api_key]") if key else text
