"""Secrets out of every text that leaves the machine, replaced by ``[REDACTED:<kind>]``.

Pure. Lines are redacted one by one so that line numbers in a prompt stay true; a private key
block spanning lines becomes one placeholder per line. Recognised: private key blocks, AWS
access keys, GitHub, Slack, OpenAI-style ``sk-…`` and Google tokens, Slack webhooks, and
high-entropy string values assigned to names like password, secret, token or key.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from hunkroute.secretshapes import KEY_BEGIN, KEY_END, TOKEN_PATTERNS

PLACEHOLDER = "[REDACTED:{kind}]"
PLACEHOLDER_PREFIX = "[REDACTED:"

SECRET_NAME = r"(?<![\w.-])[\w.-]*(?:passw(?:or)?d|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth)[\w.-]*"  # noqa: E501
# name = "value" / name: 'value' / "name": "value" (code, YAML, JSON)
QUOTED_ASSIGNMENT = re.compile(
    rf"(?i)(?P<name>{SECRET_NAME})[\"']?\s*(?::=|=>|[:=])\s*[rbuf]?(?P<q>[\"'])(?P<value>[^\"'\s]{{8,}})(?P=q)"
)
# NAME=value in .env files and shells, unquoted
BARE_ASSIGNMENT = re.compile(
    rf"(?i)^\s*(?:export\s+)?(?P<name>{SECRET_NAME})\s*[:=]\s*(?P<value>[^\s\"'#(){{}}\[\],;]{{12,}})\s*$"
)
MIN_ENTROPY_BITS = 3.0  # per character; "changeme" is 2.75, a random 16-char token is ~4


@dataclass(frozen=True, slots=True)
class Redacted:
    """Lines with secrets replaced, and the kinds of secret found (empty: nothing redacted)."""

    lines: tuple[str, ...]
    kinds: frozenset[str]

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def placeholder(kind: str) -> str:
    return PLACEHOLDER.format(kind=kind)


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def redact_lines(lines: Sequence[str]) -> Redacted:
    """Redact each line; lines inside a private key block are replaced whole."""
    out: list[str] = []
    kinds: set[str] = set()
    in_key = False
    for line in lines:
        if in_key or KEY_BEGIN.search(line):
            in_key = not KEY_END.search(line)
            out.append(placeholder("private_key"))
            kinds.add("private_key")
            continue
        text, found = redact_line(line)
        out.append(text)
        kinds |= found
    return Redacted(tuple(out), frozenset(kinds))


def redact_line(line: str) -> tuple[str, set[str]]:
    """One line with known token formats and assigned secrets replaced."""
    found: set[str] = set()
    for kind, pattern in TOKEN_PATTERNS:
        line, count = pattern.subn(placeholder(kind), line)
        if count:
            found.add(kind)
    if "=" in line or ":" in line:
        for pattern in (QUOTED_ASSIGNMENT, BARE_ASSIGNMENT):
            line = pattern.sub(lambda m: _assigned(m, found), line)
    return line, found


def _assigned(match: re.Match[str], found: set[str]) -> str:
    value = match.group("value")
    if PLACEHOLDER_PREFIX in value or entropy(value) < MIN_ENTROPY_BITS:
        return match.group(0)
    found.add("secret")
    start, end = match.span("value")
    whole = match.group(0)
    offset = match.start()
    return whole[: start - offset] + placeholder("secret") + whole[end - offset :]


def redact_text(text: str) -> Redacted:
    """A whole text, line by line (``lines`` keeps its line count)."""
    return redact_lines(text.split("\n"))


def has_placeholder(text: str) -> bool:
    return PLACEHOLDER_PREFIX in text
