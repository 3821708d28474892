"""What the PR title, the branch name and the change's own comments say about the kind of
work (issues 12 and 19).

Title words differ in how much they say. ``CVE-…``, ``GHSA-…``, "security", "XSS" name security
work whatever the hunk is; "auth", "trusted", "race" or "escape" are also what an OAuth library or
a template engine calls its everyday features. So a specific word is a strong signal on its own,
and a generic one counts in full only beside evidence in the hunk itself (a security boundary or
a security edit shape): weak signals combine, strong ones decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

from hunkroute.classify.patterns import HASH_COMMENT, Signal, is_comment
from hunkroute.model import DEBUGGING, REVIEW, Line

# words that name security work in any project
STRONG = re.compile(
    r"(?i:\bCVE-\d|\bGHSA-|\bvulnerab\w*|\bsecurity\b|\bexploit\w*|\bRCE\b|injection|"
    r"travers(al|e)|\bXSS\b|\bXSRF\b|\bCSRF\b|\bSSRF\b|open redirect|\bDoS\b|\bReDoS\b|"
    r"denial[ -]of[ -]service|catastrophic|backtracking|\bbomb\b|smuggl\w*|spoof\w*|"
    r"timing attack|constant[ -]time|\bsanitiz\w*|privilege|\bCRLF\b|response splitting|"
    r"\bquadratic\w*|excessive (cpu|memory)|race condition|\bmalicious|"
    r"\bunsafe\b|\bharmful|key confusion|algorithm confusion|\bbypass\w*|\bforg(ed|ery|ing)\b|"
    r"confused deputy|downgrade attack|\b(information|info) (leak|disclosure|exposure)|"
    r"\bdisclos\w*|\bsensitive\b|\bredact\w*|\bscrub\w*|"
    r"\b(token|credential|secret|password|key|cookie|header|referr?er)s? (leak|exposure)\w*|"
    r"\bleak\w* (of )?(the )?(token|credential|secret|password|key|cookie)s?\b|"
    # a secret kept out of logs or output: "s3: Do not log access keys", "Don't expose the token"
    r"\b(do not|don't|dont|never|stop|avoid|no longer)\s+(\w+\s+)?(log|print|show|display|"
    r"expos|dump)\w*\s+(\w+\s+){0,3}?((access|secret|api|private|session) keys?|passwords?|"
    r"tokens?|secrets?|credentials?|(private|personal) (info|information|data|details)|"
    r"e-?mail address(es)?)\b|"
    # a secret kept in plain text: "password appears in plain text", "plaintext tokens in logs"
    r"\b(password|secret|credential|token)s? (\w+ ){0,3}?in (plain|clear) ?text\b|"
    r"\b(plain|clear) ?text (password|secret|credential|token)s?\b|"
    # the names of the CWE Top 25 and the OWASP Top 10, and advisory ids
    r"\b(CWE|PYSEC|OSV|GHSL)-\d|\badvisory\b|\battack(s|ed|er|ers)?\b|\bcrafted\b|"
    r"\buntrusted\b|\barbitrary (code|file|command|path|url|redirect|host)s?\b|"
    r"\b(code|command) execution\b|\bout[ -]of[ -]bounds\b|\buse[ -]after[ -]free\b|"
    r"\b(resource|memory) (exhaustion|consumption)\b|\bhard[ -]?coded "
    r"(credential|password|secret|key)s?|\bunauthori[sz]ed\b|\bunauthenticated\b|"
    r"\b(broken )?access control\b|\bimpersonat\w*|\bhijack\w*|\bsession fixation\b|"
    r"\bclickjack\w*|\bcross[ -](origin|site)\b|\bXXE\b|\bentity expansion\b|"
    r"\bbillion laughs\b|\bzip ?slip\b|\bTOCTOU\b|\bbrute[ -]?forc\w*|\binsecure\w*|"
    r"\bdangerous\b|\bIDOR\b|insecure direct object|\b(user(name)?|account|email)s? enumeration\b|"
    r"\b(validat\w*|check\w*|restrict\w*|safe)\W+(\w+\W+){0,3}?redirect\w*|"
    # the same words in Chinese: security, vulnerability, injection, privilege escalation
    r"安全|漏洞|注入|越权)|"
    # a title may be several commit subjects, one per line (``diff.source.Commits``)
    r"(?m:^Merge (pull request|commit) from (GHSA-|fork\b)|^SEC:)"
)
# an advisory's own id: in a PR description or a commit message's body the one sure sign of a
# security fix (a description's "security" is as often a template's checklist heading)
ADVISORY_ID = re.compile(
    r"(?i:\b(CVE-\d{4}-\d{4,}|GHSA(-[0-9a-z]{4}){3}|(PYSEC|GHSL|OSV)-\d{4}-\d+)\b)"
)
DESCRIBED = "PR description names an advisory"
# a leak of memory, threads, handles or connections is a resource bug wherever the title names
# them ("Stop leaking quite so many connections", "Fix leak of temp files"); a leak of data is
# security work ("fix email address leak", "Stop leaking the user list"), and still a sign of
# it beside a resource ("patch exceptions to avoid leaking secrets")
LEAK = re.compile(r"(?i:\bleak\w*)")
LEAKED_RESOURCE = re.compile(
    r"(?i:\b(memory|threads?|fds?|files?|handles?|resources?|references?|sockets?|"
    r"connections?|temp\w*|director(y|ies)|loops?|cache|state|exceptions?)\b)"
)
LEAKED_DATA = re.compile(
    r"(?i:\b(secrets?|credentials?|passwords?|passwd|tokens?|keys?|cookies?|headers?|info|"
    r"information|private|sensitive|data|ip|address(es)?|users?|emails?|auth\w*|sessions?|"
    r"referr?er)\b)"
)
# a Python exception's name is not a security word: an ``OverflowError`` is a number too big
# for a float, a ``PermissionError`` a file the process may not open
EXCEPTION_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception|Warning)s?\b")
# words of ordering between threads and processes: a title with one of them over an edit that
# only reorders statements names the fix (releasing the lock after clearing the flag)
THREADS = r"\bdeadlock\w*|\block(s|ing|ed)?\b(?![ -]?file)|\bmutex\w*|\batomic\w*|\bconcurren\w*"
CONCURRENCY = re.compile(
    f"(?i:\\brac(e|es|y)\\b|thread[ -]?safe\\w*|{THREADS}|\\bsynchroni[sz]\\w*|"
    r"\bthread(s|ing|ed)?\b)"
)
# generic words that name a protection or a flaw: alone they still lean to security work
PROTECTIVE = (
    r"\brace\b|thread[ -]safe|sandbox\w*|\btrust\w*|\bsafety\b|\bforbid\w*|\bdisallow\w*|"
    r"\brestrict\w*|\bharden\w*|\benforc\w*|\btighten\w*|\bCodeQL\b|\bcode[ -]scanning\b|"
    r"\bleak\w*|\bexpos(e|es|ed|ing|ure)\b|\bmask\w*|\bpollut\w*|\bisolat\w*|"
    r"\bpermission\w*|\bsecure\b|\bprotect\w*|\babus(e|es|ed|ing)\b|\bACLs?\b|"
    r"\baccess (checks?|rules?|polic(y|ies))\b|\bRBAC\b|\bbleach\b|\bclean (the )?html\b|"
    r"\bguard\w*|\b(do not|don't|dont|never|no longer) allow\w*|"
    # who may do what: an admin's rights, a tenant's isolation, a policy's rule
    r"\b(non-)?admin(s|istrators?)?\b|\btenants?\b|\bpolic(y|ies)\b|"
    r"(\b|_)(white|allow|black|block|deny|safe)[ _-]?list\w*"
)
# generic words that name a feature area (limits, sessions, TLS, escaping, pickling): the
# everyday vocabulary of many projects, security work only beside evidence in the hunk
AREA = (
    r"\bescap(e|es|ed|ing)\b|\bauth(entication|orization|orize|enticate)?\b|\bTLS\b|"
    r"\bcertificate|control char\w*|line feed|carriage return|\breferr?er\b|"
    r"\b(full|prefix|partial) match\w*|\bfullmatch\b|\bvalidat\w*|\bverif\w*|"
    r"\bsecrets?\b|\bsession\b|\bcookies?\b|\borigin\b|\bCORS\b|\blimit\w*|\boverflow\w*|"
    r"\bexception (info|details|text|messages?)\b|\bcredentials?\b|"
    r"\bpasswords?\b|\btokens?\b|\bOTP\b|\b[2M]FA\b|\btwo[ -]factor\b|\bthrottl\w*|"
    f"{THREADS}|"
    r"\bthread[ -]?local\w*|\binfinite loop|\bendless loop|\bhang(s|ing)?\b|"
    r"\bhost ?keys?\b|\bknown[ _]hosts\b|\bSSL\b|\bSNI\b|\bhostname\b|\bprivate keys?\b|"
    r"\b(un)?pickl(?!\w*able\b)\w*|\bunbounded\b|\bredirect\w*|\bentropy\b|"
    r"\brecursion (depth|limit)|\bdeeply nested\b|\bnesting (depth|limit)"
)
# words that are security work in some projects and the everyday vocabulary of others
WEAK = re.compile(f"(?i:{PROTECTIVE}|{AREA})")
WEAK_ALONE = re.compile(f"(?i:{PROTECTIVE})")
# an issue number alone ("(#1234)") is how merged PRs are named, not a sign of a fix
FIX_TITLE = re.compile(
    r"(?i:\b(fix(es|ed)?|bug(fix)?|hotfix|regression|crash(es)?|broken)\b)|"
    r"\b(?!(?:UTF|SHA|ISO|RFC|HTTP|TLS|SSL|PEP|CVE|GHSA)-)[A-Z][A-Z0-9]+-\d+\b"
)
# a trailing comment on a code line, with no quote after the ``#`` that could make it a string
TRAILING_COMMENT = re.compile(r"\s#\s*(?P<text>[^\"']*)$")
FIX_BRANCH = re.compile(r"(?i:(^|/)(fix|bugfix|hotfix|bug)[/_-]|(^|[/_-])\d+[/_-]|regression)")


@dataclass(frozen=True, slots=True)
class TitleSignals:
    """The title's security signal, split by strength, and its fix signals.

    ``weak_alone`` is the generic word's small signal for a hunk with no evidence of its own
    beside it, of a kind of its own for a word that names a protection or a flaw
    (``PROTECTIVE``: "race", "permission", "restrict") and for one that names a feature area
    ("limit", "session", "escape"): the learned weights weigh the two apart. ``strong_word`` is
    the specific word itself ("" when there is none), ``concurrency`` a word of ordering between
    threads ("race", "lock"; ``CONCURRENCY``).
    """

    strong: Signal | None
    weak: Signal | None
    fix: tuple[Signal, ...]
    weak_alone: Signal | None = None
    strong_word: str = ""
    concurrency: str = ""


@lru_cache(maxsize=64)  # one PR's title is read for each of its hunks
def read_title(title: str, branch: str, description: str = "") -> TitleSignals:
    """What the PR title and branch say: security work (strong or weak) and fixes; and the PR
    description (or the commit messages' bodies), when it names an advisory by its id."""
    fix = []  # ``fix_notebook`` names a function, not a fix
    if title and (match := FIX_TITLE.search(title)):
        fix.append(Signal(DEBUGGING, 1.0, f"PR title says fix ({match.group(0)})"))
    title = EXCEPTION_NAME.sub(" ", title)
    # read before underscores become spaces: ``filter_cookies()`` names a function, not data
    resource, data = LEAKED_RESOURCE.search(title), LEAKED_DATA.search(title)
    if resource and not data:
        title = LEAK.sub("", title)
    title = title.replace("_", " ")  # ``generally_xss_unsafe``, ``csrf_exempt``: words too
    strong = STRONG.search(title) if title else None
    if strong is None and data and not resource:
        strong = LEAK.search(title)
    weak = WEAK.search(title) if title and strong is None else None
    alone = WEAK_ALONE.search(title) if weak is not None else None
    if branch and FIX_BRANCH.search(branch):
        fix.append(Signal(DEBUGGING, 1.0, f"branch {PurePosixPath(branch).as_posix()} says fix"))
    described = ADVISORY_ID.search(description) if strong is None and description else None
    if described is not None:
        strong, weak = described, None
    return TitleSignals(
        _security(strong, 3.5, DESCRIBED if described else "PR title names security work"),
        _security(weak, 2.0, "PR title may name security work"),
        tuple(fix),
        _security(alone, 0.5, "PR title may name security work, alone")
        or _security(weak, 0.25, "PR title names a feature area, alone"),
        strong.group(0).strip() if strong else "",
        concurrency.group(0) if (concurrency := CONCURRENCY.search(title)) else "",
    )


def _security(match: re.Match[str] | None, weight: float, what: str) -> Signal | None:
    if match is None:
        return None
    return Signal(REVIEW, weight, f"{what} ({match.group(0).strip()})")


def comment_signal(language: str, added: tuple[Line, ...]) -> Signal | None:
    """A comment the change adds that names security work ("prevent path traversal", "see
    CVE-…"): developers say so beside the fix even when the title does not. Only the specific
    words count: a comment's "token" or "lock" is the code's own vocabulary."""
    hashed = language in HASH_COMMENT
    for line in added:
        if hashed and "#" not in line.text:  # most lines: no comment at all
            continue
        stripped = line.text.strip()
        if is_comment(language, stripped):
            text = stripped
        elif hashed and (match := TRAILING_COMMENT.search(line.text)):
            text = match.group("text")
        else:
            continue
        if found := STRONG.search(text.replace("_", " ")):
            word = found.group(0).strip()
            return Signal(REVIEW, 3.0, f"a comment names security work ({word})", line.number)
    return None
