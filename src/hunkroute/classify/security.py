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
from collections.abc import Iterable, Iterator
from functools import lru_cache

from hunkroute.classify.edits import HEADER
from hunkroute.classify.patterns import Signal, code_part
from hunkroute.model import REVIEW, Line

Lines = tuple[Line, ...]

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
# names of concurrency primitives and of the code that hands them out: where races are fixed
CONCURRENT = re.compile(
    r"(?i:r?lock|locks|locked|locking|mutex\w*|semaphore\w*|limiter|barrier|waiters?|"
    r"acquire\w*|release|notify\w*|threads?|threading|reentr\w*|atomic\w*|concurren\w*|"
    r"race|deadlock\w*)"
)
# names of security primitives (randomness, hashes, serializers, escaping, nonces, CSRF):
# a rename that swaps one changes what the code protects
PRIMITIVE = re.compile(
    r"(?i:c?pickle|marshal|shelve|random|secrets|urandom|md5|sha1|unquote\w*|escape\w*|"
    r"verifier|nonce|salt|csrf\w*|xsrf\w*)"
)
PRIMITIVE_RENAMED = "security primitive renamed"
# a word that makes a name the hardened variant of another (``SafeElementTree``,
# ``SandboxedEnvironment``, ``defused_parse``)
HARDENED_WORD = re.compile(r"(?i:safe|sandbox(ed)?|defused|hardened|secure|restricted)")
HARDENED_VARIANT = "swapped for a hardened variant"
# a word that makes a name the unprotected variant of another (``unsafe_load``)
UNSAFE_WORD = re.compile(r"(?i:unsafe|insecure|unverified|unsandboxed)")
UNSAFE_VARIANT = "swapped for an unsafe variant"
VARIANT_WORD = re.compile(f"{HARDENED_WORD.pattern}|{UNSAFE_WORD.pattern}")
# lines that pass things along: imports, signatures, parameters, ``self.x = x``, brackets,
# and state that starts empty (``self._seen = set()``): the code that fills or checks it acts.
# A value passed through a call in place (``text = strip_controls(text)``) is changed: it acts
PLUMBING = re.compile(
    r"^\s*((from\s+\S+\s+)?import\s.*|(async\s+)?def\s.*|@[\w.]+.*|class\s.*|"
    r"\*{0,2}\w+(\s*:\s*[^=]+)?(\s*=\s*[\w.\"'-]+)?,|\w+\s*:\s*[^=]+(=\s*[\w.\"'-]+)?|"
    r"[\w.]+(\(\))?,?|\*,?|\w+=\w+,?|"
    r"self\.(?P<attr>\w+)\s*=\s*(?P=attr)|"
    r"self\.\w+\s*(:\s*[^=]+)?=\s*(None|0|False|\{\}|\[\]|\(\)|\"\"|''|"
    r"([\w.]+\.)?(set|dict|list|defaultdict|OrderedDict|Counter|deque|Weak\w+)\([\w.]*\))|"
    r"(return\s+|(?P<value>\w+)\s*=\s*(?![\w.]+\(\s*(?P=value)\s*\)))?"
    r"[\w.]+\(((\w+=)?\w++,?\s*)*\)?|"
    r"[)\]}]+\s*(->\s*[^:]+)?:?,?|)\s*$"
)
BRANCH = re.compile(r"^\s*(if|elif)\b")
EXIT = re.compile(r"^\s*(raise\b|return\s+(True|False|None)\s*$|abort\()")
VALIDATION = re.compile(r"^\s*(raise\s+(?P<error>[\w.]+)|return\s+False\b|abort\()")
MATCH_CALL = re.compile(r"\.match\(")
# a read of whatever the peer sends, and one with a size
UNBOUNDED_READ = re.compile(r"\.(read|readline|recv|readlines)\(\s*\)")
BOUNDED_READ = re.compile(r"\.(read|readline|recv|readlines)\(\s*[\w.]+")
# a regex string anchored at its start or end: ``r"^…``, ``…$")``, ``…\Z"``
ANCHOR = re.compile(r"\br[\"']\^|\$[\"']\)|\\[AZz][\"')]")
# a literal that is an item of a collection: ``"javascript:",`` or ``"x": 1,``
ITEM = re.compile(
    r"^\s*([rbuRBU]?[\"'][^\"']*[\"']|-?\d[\w.]*|[A-Za-z_][\w.]*)\s*(:\s*\S.*)?,\s*$|"
    r"^\s*([rbuRBU]?[\"'][^\"']*[\"']|-?\d[\w.]*)\s*(:\s*\S.*)?\s*$"
)
CLOSER = re.compile(r"^\s*[\]})]+,?\s*$")
COLLECTION = re.compile(r"^\s*(self\.)?(?P<name>\w+)\s*(:[^=]+)?=\s*[\w.]*[\[({]")
STRING = r"""[rbuRBU]?("[^"\n]*"|'[^'\n]*')"""
# a keyword argument whose value is a constant: a number, a string, or a list of strings
# (``methods=["POST"]``)
LITERAL_ARGUMENT = re.compile(
    rf"\b\w+\s*=\s*(True|False|None|-?\d[\w.]*|{STRING}|[\[(]\s*{STRING}(\s*,\s*{STRING})*\s*,?\s*[\])])"
)
DEFAULT = re.compile(r"\b(\w+)\s*(?::[^=,()]+)?=\s*([^,()]+)")
IMPORT = re.compile(r"^\s*(from\s+\S+\s+)?import\s")
# settings that switch a protection off: taking one out is a fix, adding one is risk
LOOSENING = re.compile(
    r"\b\w*csrf_exempt\b|@\w*_exempt\b|\bverify\s*=\s*False\b|\binsecure\s*=\s*True\b|"
    r"\bCERT_NONE\b|\bcheck_hostname\s*=\s*False\b|\bAllowAny\b|\bautoescape\s*=\s*False\b|"
    r"\bresolve_entities\s*=\s*True\b|\ballow_pickle\s*=\s*True\b"
)
# a decorator that says who may call, also wrapped for a method (Django's ``method_decorator``)
ACCESS_DECORATOR = (
    r"@[\w.]*(method_decorator\(\s*[\w.]*)?(permission\w*|login_required|require\w*|"
    r"auth\w*_required|\w*csrf\w*|staff_member_required|user_passes_test|protected|private|"
    r"authori[sz]\w*|authenticat\w*|token_required)\b"
)
# a regex literal: the pattern argument of an ``re`` call, or a raw string that reads as one
REGEX_LITERAL = re.compile(
    r"\bre\.(?:compile|match|search|fullmatch|sub|subn|split|findall|finditer)\("
    r"\s*(?:#[^\n]*\n\s*)?[rbRB]*(?P<q1>[\"'])(?P<call>(?:\\.|(?!(?P=q1)).)*)(?P=q1)|"
    r"\b(?:[bB]?[rR]|[rR][bB])(?P<q2>[\"'])(?P<raw>(?:\\.|(?!(?P=q2)).)*?"
    r"(?:\\[sdwSDWbBAZ]|\[\^|\(\?[:=!<P]|[.)\]][*+?]|\{\d+,)(?:\\.|(?!(?P=q2)).)*)(?P=q2)"
)
# every interface, and the loopback one: a default listener narrowed from one to the other
ANY_INTERFACE = re.compile(r"\b0\.0\.0\.0\b|[\"']::[\"']")
LOOPBACK = re.compile(r"\b127\.0\.0\.1\b|\blocalhost\b|[\"']::1[\"']")
# modules that are the safe stand-in for a standard one
HARDENED_IMPORT = re.compile(
    r"^\s*(from\s+|import\s+)(?P<module>defusedxml|secrets|hmac|bleach|markupsafe)\b"
)
IDENTIFIER = re.compile(r"\b[A-Za-z_]\w*")
SEPARATOR = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])")
SECTION_NAME = re.compile(r"\b(?:def|class)\s+(\w+)")
# edit shapes that are security work: (weight, reason, needles, pattern over the added lines);
# a pattern is tried only when one of its lower-case needles is in the text (``_needles_in``:
# one scan for all of them), which keeps the common hunk cheap
SHAPES: tuple[tuple[float, str, frozenset[str], re.Pattern[str]], ...] = tuple(
    (weight, reason, frozenset(needles.split()), re.compile(rx, re.MULTILINE))
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
         r"[\"']\\n[\"']\s*(not\s+)?in\b|\.replace\(\s*[rbuRBU]?[\"']\\n[\"']|"
         r"\bisprintable\(|\bcontrol char"),
        (2.5, "new size/count limit", "max limit",
         r"\b(if|while|elif)\b.*(>=?|<=?)\s*([\w.]+\.)?_?(max|limit|MAX|LIMIT)\w*|"
         r"(len|size)\w*\s*>=?\s*[A-Z_]*(MAX|LIMIT)"),
        (2.0, "bounded regex quantifier", "{", r"[\"'].*\{\d+,\d+\}"),
        (2.5, "file created with explicit permissions", "os.open( o_excl",
         r"\bos\.open\(.*0o[0-7]{3}|O_EXCL"),
        (2.5, "secrets kept out of error reports", "sensitive_",
         r"^\s*@[\w.]*sensitive_(post_parameters|variables)\b"),
        (2.0, "hardening helper called", "secure_ mkstemp(",
         r"\bsecure_(?!filename\()\w+\(|\bmkstemp\("),
        (2.5, "URL prefix check changed", "startswith(",
         r"\.startswith\(\s*[rbuRBU]?[\"'](https?:)?//[^\"'\n]*[\"']"),
        (2.5, "HTML sanitizer applied", "bleach nh3 clean_html sanitize_html",
         r"\b(bleach|nh3)\.(clean|linkify)\(|\b(clean|sanitize)_html\("),
        # DTML quotes by a var tag's attribute or DocumentTemplate's helpers:
        # ``<dtml-var title html_quote>``, ``sql_quote(value)``
        (2.0, "output escaping added", "escape quote( html_quote sql_quote url_quote",
         r"\b(html\.)?\w*escape\w*\(|\bquote(_plus)?\(|\b(html|sql|url)_quote\b"),
        (2.5, "cryptographically secure randomness", "secrets. urandom systemrandom",
         r"\bsecrets\.\w+\(|\burandom\(|\bSystemRandom\("),
        (2.0, "path reduced to its last part", "basename( secure_filename(",
         r"\bbasename\(|\bsecure_filename\("),
        (2.0, "hashing cost set", "time_cost memory_cost hash_len salt_len log_rounds work_factor "
         "rounds iterations",
         r"(?i:\b\w*(time_cost|memory_cost|hash_len|salt_len|log_rounds|work_factor)\s*"
         r"(:\s*\w+\s*)?[=:]\s*\d+|\b\w*(pbkdf2|bcrypt|argon2|scrypt|hash)\w*_?(rounds|"
         r"iterations)\s*(:\s*\w+\s*)?[=:]\s*\d+)"),
        # a response header that tells the browser to refuse something
        (2.5, "security header set", "content-security-policy x-frame-options "
         "strict-transport-security x-content-type-options referrer-policy permissions-policy "
         "cross-origin- default-src frame-ancestors",
         r"(?i:[\"'](content-security-policy|x-frame-options|strict-transport-security|"
         r"x-content-type-options|referrer-policy|permissions-policy|"
         r"cross-origin-(opener|embedder|resource)-policy)[\"']|"
         r"[\"'][^\"'\n]*\b(default-src|frame-ancestors)\b)"),
        # a secret taken out of what is logged or raised (``mask_password(cmd)``,
        # ``redact(headers)``; an option declared with ``secret=True``, which oslo.config masks when
        # it logs the configuration); ``umask`` is a permission, not a mask
        (2.5, "secret masked in output", "redact scrub mask secret",
         r"(?i:(?<![a-z])(redact|scrub)\w*\(|(?<![a-z])mask\w*(password|passwd|secret|token|"
         r"credential|sensitive|auth|key)\w*\()|\bsecret=True\b"),
        # an access rule's check string, as oslo.policy writes them (``"role:admin and
        # project_id:%(target.project_id)s"``), or a rule declared with one by name
        # (``check_str=base.ADMIN``, ``policy.DocumentedRuleDefault(``): it says who may call
        (2.5, "access rule changed", "rule: role: system_scope: project_id: user_id: is_admin: "
         "domain_id: check_str ruledefault(",
         r"[\"'][^\"'\n]*(?<![\w.])(rule|role|system_scope|project_id|user_id|is_admin|domain_id)"
         r":[%\w(][^\"'\n]*[\"']?|\bcheck_str\s*=\s*(?![\"'])[^,)\s]+|RuleDefault\("),
        (2.0, "key size set", "key_size bits key_length",
         r"\b\w*(key_size|key_bits|key_length|bits)\s*(:\s*\w+\s*)?[=:]\s*\d{3,}\b"),
        # a template's escaping filter: ``{{ value | e }}``, ``{{ data|escapejs }}``
        (2.0, "output escaping added", "{{ {%",
         r"\{[{%][^}\n]*\|\s*(e|escape\w*|forceescape|escapejs|urlencode)\b"),
        (2.5, "absolute or parent path check", "startswith( isabs(",
         r"\bstartswith\(\s*[\"'](/|\\\\|\.\.)|\bisabs\("),
        (2.0, "trust setting", "trust",
         r"^\s*(self\.)?_?\w*(trusted|untrusted|trust)\w*\s*(:[^=\n]+)?=[^=]"),
        # a lock held around a block or a whole call (``@lockutils.synchronized("vol")``), or a
        # transaction retried when the database broke a deadlock (``@retry_on_deadlock``)
        (2.5, "lock taken", "lock mutex acquire( synchroni",
         r"\bwith\s+[\w.]*(lock|Lock|mutex)\w*\s*:|\.acquire\(|"
         r"^\s*@(\w*[._])*?(synchroni[sz]ed|locks?|locked|lockutils|\w*deadlock\w*)\b"),
        (2.5, "guard call added", "check verify validat authori authenti sanitiz escape assert_",
         r"^\s*(await\s+)?([\w.]+\.)?_?(check|verify|validate|authori[sz]e|authenticate|"
         r"sanitize|escape|assert_(?=\w))_?\w*\(.*\)\s*$"),
        (1.5, "guard call added", "ensure require",
         r"^\s*(await\s+)?([\w.]+\.)?_?(ensure|require)_\w*\(.*\)\s*$"),
        (2.5, "limit check call", "check validat guard enforce",
         r"^\s*(await\s+)?([\w.]+\.)?_?\w*(bomb|limit|length|size|depth|count|bound)s?_?"
         r"(check|validat\w*|guard|enforce)\w*\(.*\)\s*$"),
        (2.5, "value passed through a validator", "ensure valid check verif saniti escape clean",
         r"^\s*(self\.)?(?P<value>\w+)\s*=\s*([\w.]+\.)?_?(ensure|validate|check|verify|"
         r"sanitize|sanitise|escape|clean)\w*\((self\.)?(?P=value)\b"),
        (2.5, "input rejected when it matches a pattern", "search( match(",
         r"\bif\s+(not\s+)?[\w.]*\.(search|match|fullmatch)\(.*\)(\s+is\s+(not\s+)?None)?:"
         r"\s*\n\s*raise\b"),
        (2.5, "input rejected by a validator", "raise",
         r"\b(if|elif)\b[^\n]*\bnot\s+([\w.]+\.)?_?(is_valid|is_safe|is_allowed|valid|validate|"
         r"check|verify)\w*\([^\n]*:\s*\n\s*raise\b"),
        (2.5, "new size/count limit that raises", "len( size count length width height depth",
         r"\b(if|elif)\b[^\n]*\b(len\(|\w*(size|count|length|width|height|depth)\b)[^\n]*"
         r"(>=?|<=?)\s*(\d{2,}|[A-Z_][A-Z0-9_]{2,})\b[^\n]*:\s*\n(\s*\w+\s*=.*\n)?\s*raise\b"),
        (2.5, "default widens who is allowed", "anonymous everyone allow 0.0.0.0",
         r"(?i:\banonymous\b|\beveryone\b|\ballow_?all\w*|[\"']0\.0\.0\.0[\"'])"),
        (2.5, "cookie security attribute", "samesite httponly secure __host- __secure-",
         r"(?i:\bsamesite\b|\bhttponly\b\s*[=:]|\bsecure\s*[=:]\s*True\b|__Host-|__Secure-)"),
        (2.0, "cache control for a sensitive response", "never_cache no-store vary",
         r"\bnever_cache\b|\bno-store\b|\bpatch_vary_headers\(|[\"']Vary[\"']"),
        # a decorator or a declaration that says who may call (Zope's ``declarePrivate``)
        (2.5, "access check added", "@ permission_classes declare",
         rf"^\s*{ACCESS_DECORATOR}|\bpermission_classes\s*=|\bdeclare(Private|Protected)\("),
        # a rate limit or a resource sandbox put on an endpoint or a fetch
        (2.5, "rate or resource limit put on a call", "limit throttl sandbox",
         r"^\s*@[\w.]*(rate_?limit\w*|limiter\.limit|throttl\w*|sandbox\w*)\b|"
         r"\bthrottle_classes\s*="),
        (2.5, "protection switched off", "exempt verify= insecure cert_none check_hostname "
         "allowany",
         LOOSENING.pattern),
        (2.0, "protection switched on", "require_csrf verify check_hostname autoescape safe",
         r"\b(require_csrf|csrf_protect\w*|verify|check_hostname|autoescape|safe_mode|safe)\s*=\s*"
         r"True\b"),
        (2.5, "XML entity or DTD restriction", "forbid_ resolve_entities no_network defused",
         r"\bforbid_(dtd|entities|external)\b|\bresolve_entities\s*=\s*False|"
         r"\bno_network\s*=\s*True|\bdefusedxml\b"),
        (1.5, "size/count/time limit setting", "max_ limit handshake_timeout",
         r"^\s*(self\.)?(max_\w+|\w+_limit|limit_\w+|\w*handshake_timeout)\s*(:[^=\n]+)?="
         r"\s*[^\s,][^,\n]*$|"
         r"^(?!\s*(async\s+)?def\b).*\w\([^)\n]*\b(max_\w+|\w+_limit|\w*handshake_timeout)\s*="),
        (2.0, "TLS setting changed",
         "server_hostname cert verif cafile capath keyfile ssl minimum_version default_context "
         "protocol_ keylog purpose. cert_",
         r"\b(server_hostname|cert_reqs|verify_mode|cafile|capath|ca_certs|certfile|keyfile|"
         r"ssl_context|ssl_version|minimum_version|load_verify_locations|load_cert_chain|"
         r"create_default_context|PROTOCOL_(TLS|SSL)\w*|keylog_filename|"
         r"Purpose\.(SERVER|CLIENT)_AUTH|CERT_(REQUIRED|OPTIONAL|NONE))\b"),
        (2.5, "SSH host key policy", "policy known_hosts",
         r"\b(Reject|AutoAdd|Warning)Policy\b|\bknown_hosts\b"),
        (1.5, "time limit on a loop", "deadline monotonic( time(",
         r"^\s*(while|if|elif)\b.*(\btime\.(time|monotonic)\(\)|\b\w*deadline\w*)"),
        (1.5, "authorization header set", "authori",
         r"[\"']Authorization[\"']\s*[\]:,]"),
        (2.0, "trust or permission check", "trust allowed permitted forbidden denied",
         r"\b(if|elif|and|or|not|return)\b.*\b\w*(trust|allowed|permitted|forbidden|denied)"
         r"\w*\b"),
    )
)  # fmt: skip
# one substring test per needle beats one regex scan for all of them (plan bench)
NEEDLES = tuple(sorted({n for _, _, needles, _ in SHAPES for n in needles}))
CONSTANT_WORDS = (
    "max", "limit", "allow", "forbid", "den", "block", "trust", "safe", "harm", "danger", "ban",
    "permit",
)  # fmt: skip
# a new UPPER_CASE constant named like a limit, an allow/deny list or a trust setting
LIMIT_CONSTANT = re.compile(
    r"^\s*(_*[A-Z0-9_]*(?<![A-Z0-9])(MAX|LIMIT|DISALLOWED|DISALLOW|ALLOWED|ALLOW|FORBIDDEN|DENY|"
    r"DENIED|BLOCKED|TRUSTED|SAFE|UNSAFE|HARMFUL|DANGEROUS|BANNED|PERMITTED)(?![a-z0-9])[A-Z0-9_]*)"
    r"\s*(:[^=\n]+)?=\s*\S",
    re.MULTILINE,
)


def boundary_signals(names: Iterable[str], path: str, added: Lines, removed: Lines) -> list[Signal]:
    """The enclosing functions and classes, else the file's name, on a security boundary.

    An edit there is a hint; a new rejection of input there (``raise``, ``return False``) is
    validation on the boundary, which is security work, and so is a check taken out.
    """
    where = boundary_place(names, path)
    if where is None:
        return []
    before = {line.text.strip() for line in removed}
    raised = {m.group("error") for x in removed if (m := VALIDATION.match(x.text))}
    new = [
        x
        for x in added
        if (m := VALIDATION.match(x.text))
        and x.text.strip() not in before
        and (m.group("error") is None or m.group("error") not in raised)
    ]
    if new:
        return [Signal(REVIEW, 2.5, f"new validation {where}", new[0].number)]
    removed_check = removed_check_signal(where, added, removed)
    return [removed_check or Signal(REVIEW, 0.75, where)]


def boundary_place(names: Iterable[str], path: str) -> str | None:
    """ "inside NAME (security boundary: WORD)" for the first name on a boundary, else the file's
    stem ("in NAME …"), or ``None``."""
    return _place(names, path, BOUNDARY, "security boundary")


def concurrency_signal(names: Iterable[str], path: str) -> Signal | None:
    """The enclosing code, else the file, is a concurrency primitive (a lock's ``release``, a
    ``CapacityLimiter``, ``_threads.py``): an edit there may be a race fix, a hint alone."""
    where = _place(names, path, CONCURRENT, "concurrency")
    return None if where is None else Signal(REVIEW, 0.75, f"concurrent code: {where}")


def _place(names: Iterable[str], path: str, words: re.Pattern[str], what: str) -> str | None:
    stem = path.rpartition("/")[2].rpartition(".")[0]
    for name in (*names, stem):
        word = _word_in(name, words)
        if word is not None:
            return f"{'in' if name == stem else 'inside'} {name} ({what}: {word})"
    return None


@lru_cache(maxsize=4096)  # the same functions and files come back hunk after hunk
def _word_in(name: str, words: re.Pattern[str]) -> str | None:
    return next((w for w in SEPARATOR.split(name) if w and words.fullmatch(w)), None)


def removed_check_signal(where: str, added: Lines, removed: Lines) -> Signal | None:
    """A check taken out of the code at ``where`` (see ``_removes_exit``), or ``None``."""
    if not _removes_exit(removed, {line.text.strip() for line in added}):
        return None
    return Signal(REVIEW, 2.5, f"removes a check {where}")


def _removes_exit(removed: Lines, kept: set[str]) -> bool:
    """A removed ``if`` whose next removed line leaves early (``raise``, ``return False``,
    ``return True``): on a boundary, that was a check, and the added lines do not keep it."""
    return any(
        BRANCH.match(line.text) and EXIT.match(after.text) and line.text.strip() not in kept
        for line, after in zip(removed, removed[1:], strict=False)
    )


def section_names(section: str) -> tuple[str, ...]:
    """The ``def``/``class`` names in a hunk header's section text (``@@ … @@ def f(``)."""
    return tuple(SECTION_NAME.findall(section))


def shape_signals(added: Lines, removed: Lines) -> list[Signal]:
    """Security edit shapes in the added lines that the removed lines did not have."""
    before = "\n".join(line.text for line in removed)
    out = swapped_for_hardened(added, removed, before)
    if (variant := hardened_variant(added, removed)) is not None:
        out.append(variant)
    added = tuple(line for line in added if not IMPORT.match(line.text))
    if not added:
        return out
    text = "\n".join(line.text for line in added)
    lowered = text.lower()
    out += [
        Signal(REVIEW, weight, reason, _number(added, text, new.start()))
        for match, weight, reason, pattern in _shape_matches(text, lowered)
        if (new := _new_match(match, pattern, text, before)) is not None
    ]
    out += _regex_semantics(added, text, before)
    if any(word in lowered for word in CONSTANT_WORDS) and (
        constant := LIMIT_CONSTANT.search(text)
    ):
        name = constant.group(1)
        out.append(
            Signal(
                REVIEW,
                1.0,
                f"security constant {name}",
                _number(added, text, constant.start()),
                hint=True,
            )
        )
    return out


def swapped_for_hardened(added: Lines, removed: Lines, before: str) -> list[Signal]:
    """An edit that swaps the risky thing for its safe one: a listener moved off every
    interface onto the loopback one, or an import of the standard parser or generator replaced
    by the hardened one (``xml.etree`` → ``defusedxml``, ``random`` → ``secrets``). A new import
    of a hardened module beside the old ones is plumbing for code elsewhere."""
    out: list[Signal] = []
    if "0.0" not in before and "::" not in before and "import" not in before:
        return out  # most hunks: no address or import to swap (a scan, not a regex per line)
    if ANY_INTERFACE.search(before) and not any(ANY_INTERFACE.search(x.text) for x in added):
        if line := next((x for x in added if LOOPBACK.search(x.text)), None):
            out.append(Signal(REVIEW, 2.5, "listens on the loopback interface only", line.number))
    kept = {x.text.strip() for x in added}
    if any(IMPORT.match(x.text) and x.text.strip() not in kept for x in removed):
        for line in added:
            module = HARDENED_IMPORT.match(line.text)
            if module is not None and module.group("module") not in before:
                reason = f"swapped for a hardened module: {module.group('module')}"
                out.append(Signal(REVIEW, 2.5, reason, line.number))
                break
    return out


def _new_match(
    match: re.Match[str], pattern: re.Pattern[str], text: str, before: str
) -> re.Match[str] | None:
    """The first match (``match`` or a later one) that the removed lines did not have: a NUL
    check added beside an existing CR/LF check is new."""
    if match.group(0) not in before:
        return match
    return next((m for m in pattern.finditer(text, match.end()) if m.group(0) not in before), None)


def renamed_shapes(renamed: dict[str, str], added: Lines, removed: Lines) -> list[Signal]:
    """What a rename (old name → new name) changes of security: a shape it brings in that the
    removed lines had none of (``random.choice`` → ``secrets.choice``, ``str(name)`` →
    ``escape(name)``; ``max_size`` → ``max_len`` stays a rename), or a security primitive it
    swaps (``pickle`` → ``json``, ``random`` → ``system_random``, ``state`` →
    ``code_verifier``) in code, not in an import."""
    text = "\n".join(line.text for line in added)
    before = "\n".join(line.text for line in removed)
    out = [
        Signal(REVIEW, weight, reason, _number(added, text, match.start()))
        for match, weight, reason, pattern in _shape_matches(text, text.lower())
        if pattern.search(before) is None
    ]
    swapped = [
        (a, b) for a, b in renamed.items() if _word_in(a, PRIMITIVE) or _word_in(b, PRIMITIVE)
    ]
    if swapped and not all(IMPORT.match(line.text) for line in added):
        old, new = swapped[0]
        out.append(Signal(REVIEW, 2.0, f"{PRIMITIVE_RENAMED}: {old} → {new}", added[0].number))
    variant = hardened_variant(added, removed)
    return out + ([variant] if variant is not None else [])


def hardened_variant(added: Lines, removed: Lines) -> Signal | None:
    """A name the removed code used, swapped in code (not only in an import) for its hardened
    variant (``Environment(`` → ``SandboxedEnvironment(``, ``ElementTree.XML`` →
    ``SafeElementTree.XML``, ``yaml.load`` → ``yaml.safe_load``) or for its unsafe one
    (``safe_load`` → ``unsafe_load``, ``typ="safe"`` → ``typ="unsafe"``)."""
    text = "\n".join(line.text for line in added)
    if not removed or not VARIANT_WORD.search(text):
        return None  # most hunks: no such word at all
    before = {name for line in removed for name in IDENTIFIER.findall(code_part(line.text))}
    # the removed names by what is left without a hardening word: ``safe_load`` and ``load``
    # are both ``load``, ``safe`` is ""
    plain_before = {
        _without(name, HARDENED_WORD): name for name in before if not _word_in(name, UNSAFE_WORD)
    }
    for line in added:
        if IMPORT.match(line.text):
            continue
        for name in IDENTIFIER.findall(code_part(line.text)):
            if name in before:
                continue
            unsafe = _without(name, UNSAFE_WORD)
            if unsafe != name and (old := plain_before.get(unsafe)) is not None:
                return Signal(REVIEW, 2.5, f"{UNSAFE_VARIANT}: {old} → {name}", line.number)
            plain = _without(name, HARDENED_WORD)
            if plain != name and plain in before and _word_in(plain, HARDENED_WORD) is None:
                return Signal(REVIEW, 2.5, f"{HARDENED_VARIANT}: {plain} → {name}", line.number)
    return None


def _without(name: str, words: re.Pattern[str]) -> str:
    """``name`` without its first part that is one of ``words`` (``unsafe_load`` → ``load``,
    ``SafeElementTree`` → ``ElementTree``), or ``name`` itself when it has none."""
    word = _word_in(name, words)
    return name.replace(word, "", 1).strip("_") if word else name


def _shape_matches(
    text: str, lowered: str
) -> Iterator[tuple[re.Match[str], float, str, re.Pattern[str]]]:
    """Each shape of ``SHAPES`` found in ``text``, with its first match."""
    present = _needles_in(lowered)
    for weight, reason, needles, pattern in SHAPES:
        if needles.isdisjoint(present):
            continue
        match = pattern.search(text)
        if match is not None:
            yield match, weight, reason, pattern


def _regex_semantics(added: Lines, text: str, before: str) -> list[Signal]:
    """A read that took all there was now given a size, a ``.match(`` (a prefix match)
    replaced, a regex now anchored, or otherwise changed (a ReDoS fix is a changed pattern)."""
    if not before:  # a new regex is a definition; a changed one is a changed check
        return []
    if UNBOUNDED_READ.search(before) and BOUNDED_READ.search(text):
        return [Signal(REVIEW, 2.5, "read bounded in size", added[0].number)]
    if MATCH_CALL.search(before) and not MATCH_CALL.search(text):
        return [Signal(REVIEW, 2.5, "regex match semantics changed", added[0].number)]
    anchor = ANCHOR.search(text)
    if anchor is not None and not ANCHOR.search(before):
        return [Signal(REVIEW, 2.0, "regex anchored", _number(added, text, anchor.start()))]
    old_regexes = _regexes(before)
    new_regexes = _regexes(text)
    if old_regexes and new_regexes and old_regexes != new_regexes:
        return [Signal(REVIEW, 2.0, "regex changed", added[0].number)]
    return []


def _needles_in(lowered: str) -> set[str]:
    """The needles of ``SHAPES`` that occur in ``lowered``."""
    return {needle for needle in NEEDLES if needle in lowered}


def _regexes(text: str) -> set[str]:
    if "re." not in text and "r'" not in text and 'r"' not in text and "rb" not in text:
        return set()
    return {m.group("call") or m.group("raw") for m in REGEX_LITERAL.finditer(text)}


def _literal_arguments(lines: Lines) -> set[str]:
    """The ``name=literal`` arguments of the calls on ``lines`` (not a ``def``'s defaults or a
    ``class``'s keywords)."""
    return {
        " ".join(match.group(0).split())
        for line in lines
        if "(" in line.text and not HEADER.match(line.text)
        for match in LITERAL_ARGUMENT.finditer(code_part(line.text))
    }


def plumbing(text: str) -> bool:
    """A line that only passes something along (see ``PLUMBING``); a trailing comment (``# type:
    Dict[str, int]``, ``# needs self.lock``) does not make it act."""
    return bool(PLUMBING.match(code_part(text)))


def _number(lines: Lines, text: str, offset: int) -> int:
    return lines[text.count("\n", 0, offset)].number


def list_signal(context: Lines, added: Lines) -> Signal | None:
    """Items added to a collection named like an allow/deny list or a limit table (a literal
    rewritten over several lines brings its opening and closing lines along).

    The name is on the nearest line before the items that opens the collection.
    """
    items = []
    for line in added:  # most hunks fail on their first line
        if ITEM.match(line.text):
            items.append(line)
        elif not _brackets_only(line.text):
            return None
    if not items:
        return None
    first = items[0].number
    opener = [x for x in context if x.number < first and COLLECTION.match(x.text)]
    if not opener:
        return None
    name = COLLECTION.match(opener[-1].text).group("name")  # type: ignore[union-attr]
    if not any(word in name.lower() for word in CONSTANT_WORDS):
        return None
    return Signal(REVIEW, 2.5, f"edits the allow/deny list {name}", first)


def _brackets_only(text: str) -> bool:
    """A line that opens a collection (``DENY = {``) or closes one (``}``)."""
    end = text.rstrip()[-1:]
    if end in ("[", "(", "{"):
        return COLLECTION.match(text) is not None
    return end in ("]", ")", "}", ",") and CLOSER.match(text) is not None


def acts(added: Lines, removed: Lines) -> bool:
    """Lines that change behaviour: not mere plumbing, a call given a new literal argument
    (``mkdir(mode=0o700, exist_ok=True)``), or a parameter default changed."""
    if not all(plumbing(line.text) for line in added + removed):
        return True
    if _literal_arguments(added) - _literal_arguments(removed):
        return True
    old = {m.group(1): m.group(2).strip() for x in removed for m in DEFAULT.finditer(x.text)}
    new = {m.group(1): m.group(2).strip() for x in added for m in DEFAULT.finditer(x.text)}
    names = {w for x in added for w in re.findall(r"\w+", x.text)}
    return any(name in names and new.get(name) != value for name, value in old.items())
