"""The provider plug-in interface and the values a model call produces.

A provider is pure: it turns a ``ChatRequest`` into the HTTP request its API expects, reads the
API's JSON answer back into text and token usage, and says what an error status means in its
API's own words (quota exhausted, JSON mode refused). Sending, timeouts, retries and the circuit
breaker live in ``http.py`` and ``models/resilience.py``, shared by every backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from hunkroute.config import ProviderConfig
from hunkroute.config.schema import Api
from hunkroute.model import token_cost_nano

FailureOutcome = Literal["rate_limited", "timeout", "error"]
# What a provider can tell from an error answer that the HTTP status alone does not say.
ErrorKind = Literal["quota_exhausted", "json_mode_refused"]


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """What we ask a model: instructions, the question, and the output cap."""

    system: str
    user: str
    max_output_tokens: int
    json_mode: bool = True
    temperature: float = 0.0


@dataclass(frozen=True, slots=True)
class WireRequest:
    """An HTTP POST ready to send; ``headers`` may hold the API key, so it is never logged."""

    url: str
    headers: Mapping[str, str] = field(repr=False)
    body: Mapping[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens a provider says it billed; ``cached_input_tokens`` is part of ``input_tokens``."""

    input_tokens: int
    output_tokens: int
    cached_input_tokens: int = 0


@dataclass(frozen=True, slots=True)
class Reply:
    """A model's answer text and the usage it reported (``None`` when it reported none)."""

    text: str
    usage: Usage | None
    latency_ms: int = 0


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed HTTP exchange, as data.

    ``billed`` says the provider may have processed (and charged) the request, e.g. a read
    timeout after the request was sent; ``fatal`` says retrying this provider in this run is
    pointless (bad key, exhausted quota), so its circuit opens at once.
    """

    outcome: FailureOutcome
    detail: str
    retryable: bool
    billed: bool = False
    fatal: bool = False
    retry_after_s: float | None = None
    json_rejected: bool = False
    latency_ms: int = 0


class Provider(Protocol):
    """One chat API's wire format: build the request, read the answer (pure, no I/O)."""

    @property
    def api(self) -> Api:
        """The ``api:`` config value that selects this provider; its registry key."""
        ...

    def build(self, config: ProviderConfig, key: str | None, chat: ChatRequest) -> WireRequest:
        """The HTTP request for ``chat``; ``key`` is the API key or ``None``."""
        ...

    def parse(self, data: Any) -> Reply:
        """The answer text and usage; raises ``ProviderError`` on a body it cannot read."""
        ...

    def classify_error(self, status: int, body: str, chat: ChatRequest) -> ErrorKind | None:
        """What an error status means in this API's words, or ``None`` for the generic reading.

        ``body`` is the start of the response body, lower-cased.
        """
        ...


def cost_nano(config: ProviderConfig, usage: Usage) -> int:
    """What ``usage`` costs at the provider's prices; cached input at its own price if known."""
    cached = min(max(usage.cached_input_tokens, 0), max(usage.input_tokens, 0))
    fresh = max(usage.input_tokens, 0) - cached
    cached_price = config.cost_per_cached_input_token
    if cached_price is None:
        cached_price = config.cost_per_input_token
    return (
        token_cost_nano(fresh, config.cost_per_input_token)
        + token_cost_nano(cached, cached_price)
        + token_cost_nano(max(usage.output_tokens, 0), config.cost_per_output_token)
    )


def whole(value: Any) -> int:
    """A token count from JSON: integers only, anything else counts as zero."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
