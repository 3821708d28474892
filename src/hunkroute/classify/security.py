"""Signals that see security work where a bug fix and a security fix look alike (issue 12).

A security fix is usually a changed condition, a new ``raise`` or a tighter regex: by shape,
a bug fix. What tells them apart is around the edit: the PR title's vocabulary (CVE, XSS,
smuggling …), the code the edit sits in (a function named ``check_xsrf_cookie``, a module
``security.py``), and a few edit shapes that are security work whatever the title says
(constant-time comparison, ``match`` → ``fullmatch``, a path kept inside its root, CR/LF
checks, a new limit). Each signal names itself in the reasons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hunkroute.classify.patterns import Signal
from hunkroute.model import REVIEW, Line

Lines = tuple[Line, ...]

TITLE = re.compile(
    r"(?i:\bCVE-\d|\bGHSA-|\bvulnerab\w*|\bsecurity\b|\bexploit\w*|\bRCE\b|injection|"
    r"travers(al|e)|\bXSS\b|\bXSRF\b|\bCSRF\b|\bSSRF\b|open redirect|\bDoS\b|\bReDoS\b|"
    r"denial[ -]of[ -]service|catastrophic|backtracking|\bbomb\b|smuggl\w*|spoof\w*|"
    r"timing attack|constant[ -]time|\brace\b|thread[ -]safe|sandbox\w*|\bsanitiz\w*|"
    r"\bescap(e|es|ing)\b|\btrusted\b|privilege|\bauth(entication|orization)?\b|\bTLS\b|"
    r"\bcertificate|\bCRLF\b|control char\w*|line feed|carriage return|response splitting|"
    r"\bquadratic\b|excessive (cpu|memory)|unbounded|\bmalicious|\bharmful|\bunsafe\b|"
    r"key confusion|\bforbidden\b|header injection|\bbypass\w*|\brestrict\w*|\bharden\w*|"
    r"\benforc\w*|\btighten\w*)|"
    r"^Merge (pull request|commit) from (GHSA-|fork\b)"
)
# names of code on a security boundary (function, class, module or path): split at _ . / -
BOUNDARY = re.compile(
    r"(?i:auth\w*|login|logout|session|cookie|token|passw\w*|secret|crypt\w*|cipher|hmac|"
    r"digest|signature|sign(ed|er)?|tls|ssl|cert\w*|verify\w*|sandbox\w*|escape\w*|unescape|"
    r"saniti[sz]\w*|safe|unsafe|redirect\w*|location|url|uri|host(name)?|netloc|origin|cors|"
    r"header\w*|trailer\w*|chunk\w*|multipart|upload\w*|extract\w*|unpickl\w*|deserializ\w*|"
    r"subprocess|debugger|pin|permission\w*|xsrf|csrf|proxy|trust\w*|allow\w*|deny|"
    r"forbid\w*|secure|security|key|keys|pkey|private|decompress\w*|inflate|harmful|"
    r"prepare_key|jwk|jws|jwt|jwe)"
)
# lines that pass things along: imports, signatures, parameters, ``self.x = x``, brackets
PLUMBING = re.compile(
    r"^\s*((from\s+\S+\s+)?import\s.*|(async\s+)?def\s.*|@[\w.]+.*|class\s.*|"
    r"\*{0,2}\w+(\s*:\s*[^=]+)?(\s*=\s*[\w.\"'-]+)?,|\w+\s*:\s*[^=]+(=\s*[\w.\"'-]+)?|"
    r"[\w.]+(\(\))?,?|\*,?|\w+=\w+,?|"
    r"self\.(?P<attr>\w+)\s*=\s*(?P=attr)|"
    r"(return\s+|\w+\s*=\s*)?[\w.]+\(((\w+=)?\w+,?\s*)*\)?|"
    r"[)\]}]+\s*(->\s*[^:]+)?:?,?|)\s*$"
)
VALIDATION = re.compile(r"^\s*(raise\s+\w|return\s+False\b|abort\()")
IMPORT = re.compile(r"^\s*(from\s+\S+\s+)?import\s")
SEPARATOR = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
SECTION_NAME = re.compile(r"\b(?:def|class)\s+(\w+)")
# edit shapes that are security work: (weight, reason, needles, pattern over the added lines);
# a pattern is tried only when one of its lower-case needles is in the text, which keeps the
# common hunk cheap
SHAPES: tuple[tuple[float, str, tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (weight, reason, tuple(needles.split()), re.compile(rx, re.MULTILINE))
    for weight, reason, needles, rx in (
        (3.0, "constant-time comparison", "compare_digest constant_time _time const",
         r"compare_digest|constant_time|_eq\w*_time|\bconst\w*_compare"),
        (2.5, "regex anchored to the whole input (fullmatch)", "fullmatch(", r"\.fullmatch\("),
        (2.5, "path kept inside its root",
         "commonpath( is_relative_to( realpath( abspath( pardir ..",
         r"\bcommonpath\(|\.is_relative_to\(|"
         r"\b(realpath|abspath)\(.*(startswith|commonpath)|os\.pardir|[\"']\.\.[\"']"),
        (2.5, "CR/LF or control-character check", "\\r \\x \\0 \\n isprintable control",
         r"\\r|\\x0|\\x1[0-9a-f]|\\x7f|\\0\b|"
         r"[\"']\\n[\"']\s*(not\s+)?in\b|\bisprintable\(|\bcontrol char"),
        (2.5, "new size/count limit", "max limit",
         r"\b(if|while|elif)\b.*(>=?|<=?)\s*(self\.)?_?(max|limit|MAX|LIMIT)\w*|"
         r"(len|size)\w*\s*>=?\s*[A-Z_]*(MAX|LIMIT)"),
        (2.0, "bounded regex quantifier", "{", r"[\"'].*\{\d+,\d+\}"),
        (2.5, "file created with explicit permissions", "os.open( o_excl",
         r"\bos\.open\(.*0o[0-7]{3}|O_EXCL"),
        (2.0, "output escaping added", "escape quote(",
         r"\b(html\.)?escape\w*\(|\bquote(_plus)?\("),
        (2.5, "absolute or parent path check", "startswith( isabs(",
         r"\bstartswith\(\s*[\"'](/|\\\\|\.\.)|\bisabs\("),
        (2.0, "trust setting", "trust",
         r"^\s*(self\.)?_?\w*(trusted|untrusted|trust)\w*\s*(:[^=\n]+)?=[^=]"),
        (2.5, "lock taken", "lock mutex acquire(",
         r"\bwith\s+[\w.]*(lock|Lock|mutex)\w*\s*:|\.acquire\("),
        (2.0, "trust or permission check", "trust allowed permitted forbidden denied",
         r"\b(if|elif|and|or|not|return)\b.*\b\w*(trust|allowed|permitted|forbidden|denied)"
         r"\w*\b"),
    )
)  # fmt: skip
CONSTANT_WORDS = (
    "max", "limit", "allow", "forbid", "den", "block", "trust", "safe", "harm", "danger", "ban",
    "permit",
)  # fmt: skip
# a new UPPER_CASE constant named like a limit, an allow/deny list or a trust setting
LIMIT_CONSTANT = re.compile(
    r"^\s*(_*[A-Z0-9_]*(?<![A-Z0-9])(MAX|LIMIT|ALLOWED|ALLOW|FORBIDDEN|DENY|DENIED|BLOCKED|"
    r"TRUSTED|SAFE|UNSAFE|HARMFUL|DANGEROUS|BANNED|PERMITTED)(?![a-z0-9])[A-Z0-9_]*)"
    r"\s*(:[^=\n]+)?=\s*\S",
    re.MULTILINE,
)


def title_signal(title: str) -> Signal | None:
    """A security word in the PR title, or ``None``."""
    match = TITLE.search(title) if title else None
    if match is None:
        return None
    return Signal(REVIEW, 3.5, f"PR title names security work ({match.group(0).strip()})")


def boundary_signals(names: Iterable[str], path: str, added: Lines, removed: Lines) -> list[Signal]:
    """The enclosing functions and classes, else the file's name, on a security boundary.

    An edit there is a hint; a new rejection of input there (``raise``, ``return False``) is
    validation on the boundary, which is security work.
    """
    stem = path.rpartition("/")[2].rpartition(".")[0]
    for name in (*names, stem):
        word = _boundary_word(name)
        if word is not None:
            where = f"{'in' if name == stem else 'inside'} {name} (security boundary: {word})"
            break
    else:
        return []
    before = {line.text.strip() for line in removed}
    new = [x for x in added if VALIDATION.match(x.text) and x.text.strip() not in before]
    if new:
        return [Signal(REVIEW, 2.5, f"new validation {where}", new[0].number)]
    return [Signal(REVIEW, 0.75, where)]


def _boundary_word(name: str) -> str | None:
    return next((w for w in SEPARATOR.split(name) if w and BOUNDARY.fullmatch(w)), None)


def section_names(section: str) -> tuple[str, ...]:
    """The ``def``/``class`` names in a hunk header's section text (``@@ … @@ def f(``)."""
    return tuple(SECTION_NAME.findall(section))


def shape_signals(added: Lines, removed: Lines) -> list[Signal]:
    """Security edit shapes in the added lines that the removed lines did not have."""
    added = tuple(line for line in added if not IMPORT.match(line.text))
    if not added:
        return []
    text = "\n".join(line.text for line in added)
    before = "\n".join(line.text for line in removed)
    out = []
    lowered = text.lower()
    for weight, reason, needles, pattern in SHAPES:
        if not any(needle in lowered for needle in needles):
            continue
        match = pattern.search(text)
        if match is not None and match.group(0) not in before:
            out.append(Signal(REVIEW, weight, reason, _number(added, text, match.start())))
    if any(word in lowered for word in CONSTANT_WORDS) and (
        constant := LIMIT_CONSTANT.search(text)
    ):
        name = constant.group(1)
        out.append(
            Signal(REVIEW, 1.0, f"security constant {name}", _number(added, text, constant.start()))
        )
    return out


def plumbing(text: str) -> bool:
    """A line that only passes something along (see ``PLUMBING``)."""
    return bool(PLUMBING.match(text))


def _number(lines: Lines, text: str, offset: int) -> int:
    return lines[text.count("\n", 0, offset)].number
