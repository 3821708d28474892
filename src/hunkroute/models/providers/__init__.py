"""Model providers: one wire format per module behind the ``Provider`` protocol (``interface``).

The registry is keyed by each provider's ``api`` name, the value of ``ProviderConfig.api``;
adding a wire format is one new module and one entry in ``PROVIDERS``.
"""

from __future__ import annotations

from hunkroute.config.schema import Api
from hunkroute.models.providers.anthropic import AnthropicMessages
from hunkroute.models.providers.interface import Provider
from hunkroute.models.providers.openai import OpenAIChat

PROVIDERS: dict[Api, Provider] = {p.api: p for p in (OpenAIChat(), AnthropicMessages())}
