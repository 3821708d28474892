"""Hardening that reads like a bug fix: validation on the wire, auth checks, removed guards.

A protocol parser or an auth backend rejects input for a living, so a new or changed rejection
there (a ``raise``, a branch that refuses) is security work even when nothing else in the hunk
looks risky. Some exception names say the same anywhere (``ProtocolError``, ``Forbidden``).
A deleted guard weakens a check even though "pure deletion" sounds harmless, and an
access-control default (``none`` → ``denyall``) is a one-word edit that decides who gets in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from hunkroute.classify import patterns
from hunkroute.classify.patterns import Signal
from hunkroute.classify.security import ACCESS_DECORATOR, BRANCH, LOOSENING
from hunkroute.model import REVIEW, Hunk, Line

Lines = tuple[Line, ...]

# path words of wire-format parsers and auth backends
MODULE_WORDS = frozenset(
    "http https h2 h11 hpack headers protocol protocols parser parsers decoder decoders frame "
    "frames stream streams wire codec codecs ldap auth acl acls rights permission permissions "
    "login".split()
)
PATH_WORDS = re.compile(r"[^a-z0-9]+")
# exception names that say "input refused for a protocol, validation or security reason"
SECURITY_ERROR = re.compile(
    r"\braise\s+(?:[\w.]+\.)?(?P<name>\w*(?:Protocol|Validation|Security|Permission|Forbidden|"
    r"Unauthori[sz]ed|BadRequest|InvalidHeader|AccessDenied|Suspicious|Disallowed)\w*)"
    r"|\braise\s+[\w.]*HTTP\w*\(\s*(?P<status>40[013])\b"
)
RAISE = re.compile(r"^\s*raise\b")
# what a refusing branch does: raise, or hand back nothing / False / an empty answer
REFUSE = re.compile(r"^\s*(raise\b|return\s*(False|None|\"\"|''|)\s*$|abort\()")
# a guard in removed lines: a checking or access decorator or call, or words of a protection
REMOVED_GUARD = re.compile(
    rf"^\s*@[\w.]*(check|require|protect|verify|validate)\w*|^\s*{ACCESS_DECORATOR}"
    r"|\b(?<!\.)(check|verify|validate|protect)_\w*\(|\bprotect(ion|s|ed)?\b"
)
# a guard called by name: another call of the same verb keeps it (a renamed validator)
GUARD_CALL = re.compile(r"^(check|verify|validate|protect|sanitize)\w*\($")
# a string literal that names who is allowed in
ACCESS_VALUE = re.compile(
    r"(?i)^(deny\w*|allow\w*|none|all|owner\w*|owner_only|anonymous|everyone|authenticated|"
    r"public|private|read_?only|rights|from_file)$"
)
LITERAL = re.compile(r"[\"']([\w-]*)[\"']")


def signals(hunk: Hunk, added: Lines, removed: Lines) -> list[Signal]:
    """Hardening seen in a hunk with added lines: new refusals, named errors, access defaults."""
    out = _named_errors(added, removed)
    word = module_word(hunk.file)
    if word is not None:
        out += _module_validation(hunk, word, added, removed)
    return out


@lru_cache(maxsize=4096)  # each hunk of a file asks again
def module_word(path: str) -> str | None:
    """The path word that makes a file a protocol parser or an auth backend, if any."""
    words = PATH_WORDS.split(path.lower())
    return next((w for w in words if w in MODULE_WORDS), None)


def _named_errors(added: Lines, removed: Lines) -> list[Signal]:
    before = {m.group(0) for x in removed if (m := SECURITY_ERROR.search(x.text))}
    for line in added:
        match = SECURITY_ERROR.search(line.text)
        if match is not None and match.group(0) not in before:
            name = match.group("name") or f"HTTP {match.group('status')}"
            return [Signal(REVIEW, 2.0, f"raises {name} (input refused)", line.number)]
    return []


def _module_validation(hunk: Hunk, word: str, added: Lines, removed: Lines) -> list[Signal]:
    """A new ``raise``, or a new or changed branch that refuses, in a parser or auth module."""
    where = f"in a protocol/auth module ({word})"
    before = {x.text.strip() for x in removed}
    fresh = [x for x in added if x.text.strip() not in before]
    raised = [x for x in fresh if RAISE.match(x.text)]
    if raised and not any(RAISE.match(x.text) for x in removed):
        return [Signal(REVIEW, 2.5, f"new validation {where}", raised[0].number)]
    lines = hunk.new_lines
    for i, line in enumerate(lines):
        if line in fresh and BRANCH.match(line.text) and _refuses(lines[i + 1 : i + 5]):
            return [Signal(REVIEW, 2.5, f"changed rejecting branch {where}", line.number)]
    return []


def _refuses(body: Lines) -> bool:
    """The branch's first statement (docstrings and log calls skipped) refuses."""
    for line in body:
        text = line.text.strip()
        if not text or text.startswith(('"', "'", "#")) or re.match(r"\w*log\w*\.", text):
            continue
        return bool(REFUSE.match(line.text))
    return False


def removed_guards(removed: Lines, added_text: str) -> list[Signal]:
    """Guards in removed lines that the added lines do not keep: an ``if`` that raises, a
    checking decorator or call, a refusal by a named error, words of a protection."""
    out = []
    for i, line in enumerate(removed):
        match = REMOVED_GUARD.search(line.text) or SECURITY_ERROR.search(line.text)
        if match is None and BRANCH.match(line.text) and i + 1 < len(removed):
            match = RAISE.match(removed[i + 1].text) and BRANCH.match(line.text)
        if match is not None and not _guard_kept(match.group(0).strip(), added_text):
            out.append(Signal(REVIEW, 2.5, f"removes a guard: {match.group(0).strip()}"))
            break
    return out


def _guard_kept(guard: str, added_text: str) -> bool:
    """The added lines keep the guard, or call one of the same kind under another name
    (``validate_query_cost(`` → ``validate_query_cost_and_depth(``: a rename, not a removal)."""
    if guard in added_text:
        return True
    verb = GUARD_CALL.match(guard)
    return verb is not None and re.search(rf"\b(?<!\.){verb.group(1)}\w*\(", added_text) is not None


def access_default(added: Lines, removed: Lines) -> Signal | None:
    """One string value changed where either side names who is allowed in (``denyall``)."""
    if len(added) != 1 or len(removed) != 1:
        return None
    new = LITERAL.findall(added[0].text)
    old = LITERAL.findall(removed[0].text)
    changed = [(o, n) for o, n in zip(old, new, strict=False) if o != n]
    if len(new) != len(old) or len(changed) != 1:
        return None
    old_value, new_value = changed[0]
    if not (ACCESS_VALUE.match(old_value) and ACCESS_VALUE.match(new_value)):
        return None
    reason = f"access-control default: {old_value} → {new_value}"
    return Signal(REVIEW, 3.5, reason, added[0].number)


def dangers_removed(language: str, added: Lines, removed: Lines) -> list[Signal]:
    """A dangerous call (a shell, ``eval``, unsafe deserialization: a token pattern that decides
    on its own) in the removed lines and gone from the added ones: ``pickle.loads`` replaced by
    ``json.loads`` reads like a rename, and is the fix of a deserialization hole."""
    if not removed:
        return []
    kept = {s.reason for s in patterns.review_signals(language, added, _joined(added))}
    for signal in patterns.review_signals(language, removed, _joined(removed)):
        if signal.weight >= patterns.DECISIVE and signal.reason not in kept:
            line = added[0].number if added else None
            return [Signal(REVIEW, 3.0, f"takes out {signal.reason}", line)]
    return []


def _joined(lines: Lines) -> str:
    return "\n".join(line.text for line in lines)


def removed_safety(hunk: Hunk, added_text: str) -> list[Signal]:
    """A safety check present in the removed lines and gone from the added ones, a setting that
    switched a protection off taken out (``csrf_exempt``), request data no longer handed to a
    log record, or an exception's text no longer shown (an information-leak fix is often a
    deletion)."""
    out = []
    for line in hunk.removed:
        for match in SAFETY.finditer(line.text):
            if not _guard_kept(match.group(0), added_text):
                out.append(Signal(REVIEW, 2.5, f"removes {match.group(0)}", hunk.new_start))
        loosening = LOOSENING.search(line.text)
        if loosening is not None and loosening.group(0) not in added_text:
            reason = f"takes out {loosening.group(0)} (a protection switched off)"
            out.append(Signal(REVIEW, 2.5, reason, hunk.new_start))
        # most removed lines name no debug mode: a substring test before the regex
        debugs = "ebug" in line.text or "EBUG" in line.text
        if debugs and DEBUG_ON.search(line.text) and not DEBUG_ON.search(added_text):
            out.append(Signal(REVIEW, 2.5, "turns debug mode off", hunk.new_start))
    for line in _logged(hunk):
        if (data := SENSITIVE.search(line.text)) and data.group(0) not in added_text:
            out.append(Signal(REVIEW, 2.5, f"stops logging {data.group(0)}", hunk.new_start))
    shown = (m.group(0) for x in hunk.removed if "exc" in x.text or "(e" in x.text
             for m in EXCEPTION_DETAIL.finditer(x.text))  # fmt: skip
    if any(detail not in added_text for detail in shown):
        out.append(Signal(REVIEW, 2.5, "exception details kept out of output", hunk.new_start))
    return out


def _logged(hunk: Hunk) -> Iterator[Line]:
    """The removed lines that are part of a log call: the call's own line and, for a call
    spread over several lines, the lines of its arguments (``"access_key=%(key)s",`` two lines
    below an unchanged ``LOG.debug(``)."""
    if not any(LOG_WORDS.search(line.text) for line in (*hunk.removed, *hunk.context)):
        return  # most hunks: no log call at all (a scan, not a walk of the old lines)
    removed = set(hunk.removed)
    depth = 0
    for line in hunk.old_lines:
        call = LOGGED.search(line.text)
        if call is None and depth <= 0:
            continue
        if line in removed:
            yield line
        text = line.text[call.start() :] if call is not None and depth <= 0 else line.text
        depth = max(depth, 0) + text.count("(") - text.count(")")


# an exception's text or traceback, which tells a caller about the server's insides: taken out
# of a response or a message (``str(e)``, ``traceback.format_exc()``), it is a disclosure fixed
EXCEPTION_DETAIL = re.compile(
    r"\b(str|repr)\((e|exc|err|error|ex|exception)\)|\bformat_exc(eption)?\(|\bexc_info\s*=\s*True"
)
# a debug mode switched on (tracebacks, an interactive debugger): taking it out is a fix
DEBUG_ON = re.compile(r"(?i:\bdebug\s*=\s*True\b)")
# a log call or a log record's ``extra=``; what a request carries that must not reach a log
LOGGED = re.compile(
    r"\bextra\s*=|\b\w*(?i:log)\w*\.(debug|info|warning|warn|error|exception|critical|log)\("
)
LOG_WORDS = re.compile(r"(?i:log)|extra")
SENSITIVE = re.compile(
    r"(?i:\b(scope|headers?|cookies?|token|passw(or)?d|secret|credentials?|session|environ|"
    r"auth\w*|api_?key|private_?key|access_?key|secret_?key)\b)"
)


# Calls, decorators and settings whose removal weakens a check: a pure deletion of one of
# these is not "nothing to review".
SAFETY = re.compile(
    r"compare_digest|secure_filename|safe_load|SafeLoader|escape\(|textContent|"
    r"secrets\.\w+|shlex\.quote|@\w+_required\b|csrf_protect|authorize\w*\(|"
    r"verify=True|check_hostname|\?\s*\"?,\s*\(|execute\(\s*\"[^\"]*\"\s*,|"
    r"httponly=True|secure=True|samesite=|with\s+[\w.]*lock\w*|\.acquire\(|"
    r"\bsanitize\w*\(|\bvalidate\w*\(|\.\.[\"']|\bcommonp(ath|refix)\(|\brealpath\("
)
