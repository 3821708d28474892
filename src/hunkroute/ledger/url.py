"""Ledger URLs: their scheme, and a form safe to print (a DSN may carry a password).

DESIGN.md lets ``HUNKROUTE_LEDGER_URL`` hold a PostgreSQL DSN with a password from a secret;
no message, log line or report may show it, so every error names the URL through ``redact``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

_USERINFO = re.compile(r"//([^/@:]*):[^/@]*@")
_QUERY_PASSWORD = re.compile(r"(password=)[^&\s]*", re.IGNORECASE)


def scheme(url: str) -> str:
    """The part before ``://`` (``sqlite``, ``postgresql``), lower-cased; ``""`` when none."""
    head, sep, _ = url.partition("://")
    return head.lower() if sep else ""


def password(url: str) -> str | None:
    """The password in a URL's user part, decoded; ``None`` without one."""
    try:
        secret = urlsplit(url).password
    except ValueError:
        return None
    return None if secret is None else unquote(secret)


def redact(url: str) -> str:
    """``url`` with the password of ``user:pass@`` and of ``?password=`` replaced by ``***``."""
    return _QUERY_PASSWORD.sub(r"\1***", _USERINFO.sub(r"//\1:***@", url))


def scrub(message: str, url: str) -> str:
    """A driver's message with the URL's password removed wherever the driver echoed it."""
    secret = password(url)
    text = message.replace(url, redact(url))
    if secret:
        text = text.replace(secret, "***")
    return _QUERY_PASSWORD.sub(r"\1***", text)
