"""redact.py: every supported secret format becomes ``[REDACTED:<kind>]``; code stays code."""

from __future__ import annotations

import pytest

from hunkroute.models.redact import entropy, has_placeholder, redact_line, redact_lines, redact_text

# Test secrets are assembled at run time so that no scanner mistakes this file for a leak.
SK = "sk-" + "proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3"


@pytest.mark.parametrize(
    ("line", "kind", "secret"),
    [
        (f'client = OpenAI(api_key="{SK}")', "openai_key", SK),
        ('aws = "AKIA' + 'IOSFODNN7EXAMPLE"', "aws_access_key", "AKIAIOSFODNN7EXAMPLE"),
        ("GITHUB_TOKEN=ghp_" + "a" * 36, "github_token", "ghp_" + "a" * 36),
        ('slack = "xoxb-' + '1234567890-abcdefghij"', "slack_token", "xoxb-1234567890"),
        ("url = 'https://hooks.slack.com/services/T000/B000/XXXX'", "slack_webhook", "T000/B000"),
        ('g = "AIza' + 'SyA1234567890abcdefghijklmnopqrstuv"', "google_api_key", "AIzaSy"),
        ('db_password = "Xk8#pQ2!vLm9zR"', "secret", "Xk8#pQ2!vLm9zR"),
        ('"auth_token": "f8a9d7c6b5e4a3f2"', "secret", "f8a9d7c6b5e4a3f2"),
        ("export API_SECRET=f8a9d7c6b5e4a3f2e1d0", "secret", "f8a9d7c6b5e4a3f2e1d0"),
    ],
)
def test_secret_formats_are_replaced(line: str, kind: str, secret: str) -> None:
    text, kinds = redact_line(line)
    assert secret not in text and f"[REDACTED:{kind}]" in text and kind in kinds


@pytest.mark.parametrize(
    "line",
    ["token = get_token()", 'password = "changeme"', "self.secret_key = secret_key",
     'key = "aaaaaaaaaaaa"', "total = sum(items)", 'name = "hunkroute"'],
)  # fmt: skip
def test_ordinary_code_is_left_alone(line: str) -> None:
    assert redact_line(line) == (line, set())


def test_private_key_block_keeps_the_line_count() -> None:
    lines = ["x = 1", "-----BEGIN OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXk",
             "-----END OPENSSH PRIVATE KEY-----", "y = 2"]  # fmt: skip
    result = redact_lines(lines)
    assert result.lines == ("x = 1", *["[REDACTED:private_key]"] * 3, "y = 2")
    assert result.kinds == {"private_key"} and result.changed


def test_an_unterminated_key_block_is_redacted_to_the_end() -> None:
    result = redact_text("-----BEGIN PRIVATE KEY-----\nMIIabc\nMIIdef")
    assert all(line == "[REDACTED:private_key]" for line in result.lines)


def test_helpers() -> None:
    assert entropy("aaaa") == 0 and entropy("abcd") == 2
    assert has_placeholder("x = [REDACTED:secret]") and not has_placeholder("x = 1")
