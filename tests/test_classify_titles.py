"""Title words by strength (issue 12): specific words decide, generic ones need the hunk's
own evidence. Every title and hunk here is written for the test."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hunkroute.classify.classifier import ClassifyContext, classify
from hunkroute.classify.titles import read_title
from tests.helpers.hunks import make_hunk
from tests.helpers.weights import ALWAYS_REVIEW

CHANGED = (["    if size > limit and not strict:"], ["    if size > limit:"])


@pytest.mark.parametrize(
    "title",
    [
        "Fix token leak in the access log",
        "Do not disclose the stack trace to clients",
        "Scrub credentials from error reports",
        "Avoid quadratic parsing of nested lists",
        "Prevent header spoofing behind the proxy",
        "Guard the upload endpoint against replay attacks",
        "Reject specially crafted archive members",
        "Stop following untrusted symlinks out of the root",
        "Block cross-origin requests to the admin socket",
        "Fix arbitrary file read through the preview route",
        "Bound resource consumption of nested queries",
        "Refuse unauthenticated calls to the metrics page",
        "Fix PYSEC-2099-1",
        "Use bleach_allowlist.generally_xss_unsafe",
        "Fix IDOR in attachment deletion",
        "Do not explode quadratically on chunked bodies",
        "SEC: Detect the end of the stream in the image parser",
        "Stop leaking the user list to guests",
        "fix email address leak in the signup view",
        "Fix password appears in plain text in the volume log",
        "Don't display private info of hidden profiles",
        "Don't expose session keys in the admin",
    ],
)
def test_specific_words_are_strong(title: str) -> None:
    signals = read_title(title, "")
    assert signals.strong is not None and signals.weak is None


GENERIC = [
    "Fix authorization error responses",
    "Escape",
    "Check host_allowlist is a set",
    "Protect the cache from concurrent writers",
    "Fix draft list access check",
    "Don't return exception info to the caller",
    "Source credential scope",
    "Prevent SMS OTP reuse",
    "Clean HTML input when generating history diff",
    "Fix thread reentry deadlocks",
    "Take the lock before swapping the buffers",
    "Stop the parser hanging on an unterminated quote",
    "Fix infinite loop when the server repeats its next link",
    "Reject unknown SSH host keys",
    "Update the regex safety mechanism",
    "Check the hostname once per connection",
    "Replace pickle with JSON on the wire",
    "Use 128 bits of entropy for login tokens",
    "Bound the recursion depth of the decoder",
    "Ensure form defaults are properly escaped",
    "Fix high severity alerts for CodeQL",
    "Forbid absolute names in archives",
    "Disallow data files of disk images",
    "Let the admin delete a user's environment",
    "Scope the default VIM to the caller's tenant",
    "Fix the cluster template default policy",
    "Don't allow fetching external files by default",
    "Keep the connection map in thread-local storage",
]
# a leak of memory, threads or handles and a printed traceback are bugs, not security work
NOT_SECURITY = [
    "Fix a memory leak in the cache",
    "Fix a thread leak",
    "Fix a FD leak in the worker",
    "fix exception leaks",
    "Fix possible resource leaks in the client",
    "Fix connection state leak",
    "Stop the leak of sockets on close",
    "Stop leaking quite so many connections",
    "Fix leak of temp files when reading from stdin",
    "Avoid printing a traceback on bad requests",
    "fix: make InvalidMetadata picklable",
    "Catch OverflowError in the retry timer",
    "Ignore PermissionError when saving the cache",
    "Fix UnpicklingError on old caches",
]


@pytest.mark.parametrize(
    ("title", "weak"), [(t, True) for t in GENERIC] + [(t, False) for t in NOT_SECURITY]
)
def test_generic_words_are_weak(title: str, weak: bool) -> None:
    signals = read_title(title, "")
    assert signals.strong is None
    assert (signals.weak is not None) == weak


def test_a_lock_file_is_not_a_lock() -> None:
    assert read_title("Update the lock file", "").weak is None
    assert read_title("Refresh poetry lockfile", "").weak is None


def test_a_generic_word_alone_counts_only_as_its_small_signal() -> None:
    hunk = make_hunk("app/shop.py", 20, *CHANGED)
    alone = classify(hunk, ClassifyContext(title="Restrict matching of names")).reasons
    assert "PR title may name security work, alone (Restrict)" in alone
    assert not any(r.startswith("PR title may name security work (") for r in alone)
    plain = classify(hunk, ClassifyContext(title="Fix matching of names"))
    assert plain.category == "debugging"


@pytest.mark.parametrize(
    ("title", "alone"),
    [
        ("Fix prefix matching of names", "PR title names a feature area, alone (prefix matching)"),
        ("Fix the bandwidth limit", "PR title names a feature area, alone (limit)"),
        ("Restrict the bandwidth limit", "PR title may name security work, alone (Restrict)"),
        ("Fix RBAC for transport keys", "PR title may name security work, alone (RBAC)"),
        (
            "Fix secret metadata access rules",
            "PR title may name security work, alone (access rules)",
        ),
    ],
)
def test_a_word_alone_that_names_a_feature_area_is_a_kind_of_its_own(
    title: str, alone: str
) -> None:
    signals = read_title(title, "")
    assert signals.weak_alone is not None and signals.weak_alone.reason == alone


def test_a_generic_word_counts_beside_a_boundary_of_another_name() -> None:
    hunk = replace(make_hunk("app/web.py", 20, *CHANGED), section="    def check_origin(self):")
    result = classify(hunk, ClassifyContext(title="Do full matching of the allowed pattern"))
    assert result.category == "review"
    assert any("may name security work" in r for r in result.reasons)


def test_a_projects_own_domain_word_does_not_corroborate_itself() -> None:
    """An OAuth library calls everything "authorization": title and code say the same word.
    (A model that always says review shows every review signal.)"""
    hunk = replace(make_hunk("oauth/server.py", 20, *CHANGED), section="class AuthorizationServer:")
    context = ClassifyContext(title="Fix authorization error responses", model=ALWAYS_REVIEW)
    result = classify(hunk, context)
    assert "PR title may name security work (authorization)" not in " ".join(result.reasons)
    other = replace(hunk, section="class TokenEndpoint:")
    result = classify(other, context)
    assert "PR title may name security work (authorization)" in " ".join(result.reasons)


def test_a_strong_title_raises_new_data_but_not_new_declarations() -> None:
    context = ClassifyContext(title="Fix CVE-2031-0002: block more schemes")
    items = make_hunk("app/links.py", 8, ['    "vbscript:",', '    "livescript:",'])
    assert classify(items, context).category == "review"
    declaration = make_hunk("app/links.py", 8, ["def scheme_of(url: str) -> str:"])
    assert classify(declaration, context).category == "boilerplate"


def test_new_code_that_acts_takes_a_specific_title_word() -> None:
    helper = [
        "def normalized_path(path: str) -> str:",
        "    return unicodedata.normalize('NFC', path).strip('/')",
    ]
    hunk = make_hunk("pkg/manifest.py", 40, helper)
    titled = classify(hunk, ClassifyContext(title="Fix MANIFEST.in exclusion bypass"))
    assert titled.category == "review"
    assert any("names security work (bypass)" in r for r in titled.reasons)
    assert classify(hunk, ClassifyContext(title="Add a path helper")).category == "boilerplate"
    imports = make_hunk("pkg/manifest.py", 1, ["import unicodedata"])
    assert (
        classify(imports, ClassifyContext(title="Fix exclusion bypass")).category == "boilerplate"
    )


def test_a_leak_of_data_beside_a_resource_is_still_security_work() -> None:
    assert read_title("Patch jsonpatch exceptions to avoid leaking secrets", "").strong
    assert read_title("Stop leaking tokens through open connections", "").strong


def test_unbounded_alone_names_a_feature_area() -> None:
    signals = read_title("fix(ranges): stop unbounded bounds sorting above each other", "")
    assert signals.strong is None and signals.weak is not None


@pytest.mark.parametrize(
    "title",
    ["s3: Do not log access keys", "Do not show access_key in s3 driver", "Never print the token"],
)
def test_a_secret_kept_out_of_logs_is_security_work(title: str) -> None:
    assert read_title(title, "").strong is not None


def test_printing_no_progress_bar_is_no_security_title() -> None:
    assert read_title("Stop printing the progress bar", "").strong is None


def test_an_exception_name_is_no_security_word_but_the_rest_of_the_title_still_is() -> None:
    assert read_title("Catch ValueError when verifying the signature", "").weak is not None
    assert read_title("Fix AttributeError on CVE-2031-0003 inputs", "").strong is not None


REORDERED = (
    ["            self._dispatch_error(error)", "            self.close()"],
    ["            self.close()", "            self._dispatch_error(error)"],
)


@pytest.mark.parametrize(
    "title",
    [
        "Prevent race condition in threading",
        "Release the lock after clearing the flag",
        "Acquire the mutex before reading the values",
    ],
)
def test_statements_reordered_under_a_concurrency_title_are_review(title: str) -> None:
    hunk = make_hunk("transport/session.py", 350, *REORDERED)
    result = classify(hunk, ClassifyContext(title=title))
    assert result.category == "review"
    assert result.reasons[0].startswith("statements reordered under a concurrency title")


def test_statements_reordered_under_another_title_are_not_a_concurrency_fix() -> None:
    hunk = make_hunk("transport/session.py", 350, *REORDERED)
    result = classify(hunk, ClassifyContext(title="Close the session after reporting"))
    assert not any("reordered" in r for r in result.reasons)


def test_an_advisory_merge_counts_among_several_commit_subjects() -> None:
    """A run without ``--title`` reads a file's commit subjects, one per line."""
    assert read_title("tidy the join\nMerge commit from fork", "").strong is not None
    assert read_title("tidy the join; Merge commit from fork", "").strong is None


def test_a_description_counts_only_by_an_advisorys_id() -> None:
    """A PR description's "security" is as often a template's heading as a fix."""
    named = read_title("Tidy lookups", "", "Reported privately.\nFixes GHSA-4xq2-9vmc-7p3r.")
    assert named.strong is not None and named.strong.weight == 3.5
    assert named.strong.reason == "PR description names an advisory (GHSA-4xq2-9vmc-7p3r)"
    template = "## Security\n- [ ] I considered the security impact\nSee CVE-XXXX-YYYY."
    plain = read_title("Tidy lookups", "", template)
    assert plain.strong is None and plain.weak is None
    titled = read_title("Fix XSS in previews", "", "Fixes CVE-2031-0042")
    assert titled.strong is not None and titled.strong.reason.startswith("PR title names")
