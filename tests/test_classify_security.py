"""Security signals of the classifier (issue 12): title, enclosing code, edit shapes, tests, docs.

Every hunk here is written for the test; none is taken from a real project.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from hunkroute.classify.classifier import ClassifyContext, classify
from hunkroute.classify.security import plumbing
from hunkroute.classify.syntax import read_facts
from hunkroute.model import Finding, Hunk, Line
from tests.helpers.hunks import make_hunk
from tests.helpers.weights import ALWAYS_REVIEW

PLAIN = ClassifyContext()
CHANGED_CHECK = (["    if size > limit and not strict:"], ["    if size > limit:"])


def with_section(hunk: Hunk, section: str) -> Hunk:
    return replace(hunk, section=section)


@pytest.mark.parametrize(
    "title",
    [
        "Fix CVE-2031-0001 in the query parser",
        "Merge pull request from GHSA-aaaa-bbbb-cccc",
        "Prevent request smuggling with two length headers",
        "Fix ReDoS in the date regex",
        "Fix path traversal in the download view",
        "Escape user names in the admin page (XSS)",
        "Use a constant-time comparison for webhook signatures",
        "Prevent username enumeration in the login endpoint",
        "fix: validate decoded redirect URL",
        "fix(mysql): 安全类修复",
    ],
)
def test_a_security_title_raises_code_hunks_to_review(title: str) -> None:
    hunk = make_hunk("app/shop.py", 20, *CHANGED_CHECK)
    result = classify(hunk, ClassifyContext(title=title))
    assert result.category == "review"
    assert any("PR title names security work" in r for r in result.reasons)
    assert classify(hunk, ClassifyContext(title="Tidy the shop module")).category == "debugging"


def test_a_security_title_leaves_tests_docs_imports_and_plumbing_alone() -> None:
    context = ClassifyContext(title="Fix CVE-2031-0001: reject oversized uploads")
    test = make_hunk("tests/test_shop.py", 5, ["    assert shop.total(cart) == 3"])
    assert classify(test, context).category == "boilerplate"
    doc = make_hunk("docs/security.rst", 5, ["Uploads over 10 MB are rejected."])
    assert classify(doc, context).category == "skip"
    imports = make_hunk("app/shop.py", 1, ["from app.limits import MAX_UPLOAD"], ["import os"])
    assert classify(imports, context).category == "boilerplate"
    signature = make_hunk(
        "app/shop.py",
        9,
        ["def upload(", "    self,", "    *,", "    max_size: int = 1000,", ") -> None:"],
        ["def upload(self) -> None:"],
    )
    assert classify(signature, context).category == "boilerplate"


def test_an_issue_number_alone_does_not_say_fix() -> None:
    hunk = make_hunk(
        "app/shop.py", 10, ["    total = price * qty + fee"], ["    total = price * qty"]
    )
    reasons = classify(hunk, ClassifyContext(title="Add delivery fee (#4521)")).reasons
    assert not any("says fix" in r for r in reasons)
    cve = classify(hunk, ClassifyContext(title="Patch CVE-2031-0001")).reasons
    assert not any("says fix" in r for r in cve)
    named = classify(hunk, ClassifyContext(title="Allow turning off the fix_notebook call"))
    assert not any("says fix" in r for r in named.reasons)


def test_new_validation_inside_a_security_boundary_is_review() -> None:
    added = ["        if not token_matches:", "            raise Forbidden('bad token')"]
    hunk = make_hunk("app/web.py", 40, added)
    guard = classify(with_section(hunk, "    def check_xsrf_cookie(self):"), PLAIN)
    assert guard.category == "review"
    assert "new validation inside check_xsrf_cookie" in guard.reasons[0]
    # a plain error outside a boundary is a bug fix (a Forbidden anywhere is not: hardening)
    plain_hunk = make_hunk("app/web.py", 40, [added[0], "            raise ValueError('bad')"])
    plain = classify(with_section(plain_hunk, "    def render_row(self, row):"), PLAIN)
    assert plain.category == "debugging"


def test_the_new_file_names_the_enclosing_function() -> None:
    source = "def sanitize_link(url):\n    x = url.strip()\n    if x.startswith('javascript:'):\n"
    source += "        raise ValueError(x)\n    return x\n"
    hunk = make_hunk(
        "app/links.py", 3, ["    if x.startswith('javascript:'):", "        raise ValueError(x)"]
    )
    result = classify(hunk, ClassifyContext(source=read_facts(source)))
    assert result.category == "review"
    assert "inside sanitize_link" in " ".join(result.reasons)


@pytest.mark.parametrize(
    ("added", "removed", "reason"),
    [
        (["    return hmac.compare_digest(sig, expected)"], ["    return sig == expected"],
         "constant-time comparison"),
        (["    if not NAME.fullmatch(value):"], ["    if not NAME.match(value):"], "fullmatch"),
        (["    if os.path.commonpath([root, full]) != root:"],
         ["    if os.path.commonprefix([root, full]) != root:"], "inside its root"),
        (["    if '\\r' in value or '\\n' in value:", "        raise ValueError(value)"], [],
         "CR/LF"),
        (["    if len(body) > self.max_body_size:", "        raise TooLarge()"], [], "limit"),
        (["    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)"], ["    fd = open(path, 'w')"],
         "explicit permissions"),
        (["    with self._lock:", "        self.pending.append(job)"],
         ["    self.pending.append(job)"], "lock taken"),
        (["    @lockutils.synchronized('connect_volume', external=True)"], [], "lock taken"),
        (["@oslo_db_api.retry_on_deadlock"], [], "lock taken"),
        (["    body = html.escape(message)"], ["    body = message"], "escaping"),
        (['<input value="<dtml-var title html_quote>">'], ['<input value="<dtml-var title>">'],
         "escaping"),
        (["        v = sql_quote(v)"], ["        v = v.replace(\"'\", \"''\")"], "escaping"),
        (["        self.check_xsrf_cookie()"], [], "guard call added"),
        (["    verify_signature(payload, key)"], [], "guard call added"),
        (["    if ORIGIN.fullmatch(origin) is None:"], ["    if ORIGIN.match(origin) is None:"],
         "fullmatch"),
        (["    if not origin_matches(pattern, origin):"],
         ["    if not re.match(pattern, origin):"], "regex match semantics changed"),
        (['HOST = re.compile(r"^[a-z0-9.-]+$")'], ['HOST = re.compile(r"[a-z0-9.-]+")'],
         "regex anchored"),
        (["    Pixels.bomb_check(cols, rows)"], [], "limit check call"),
        (["        _payload_size_guard(body)"], [], "limit check call"),
        (["    verb = ensure_valid_verb(verb)"], [], "value passed through a validator"),
        (["    if BAD_CHARS.search(key):", "        raise ValueError('bad key')"], [],
         "input rejected when it matches a pattern"),
        (["    if width * height > PIXEL_CAP:", "        raise ValueError('too big')"], [],
         "size/count limit that raises"),
        (["    if frame_count > 4096:", "        raise DecodeError('too many frames')"], [],
         "size/count limit that raises"),
        (["    magic = stream.read(6)"], ["    magic = stream.readline()"],
         "read bounded in size"),
        (["    mechanisms = 'PLAIN ANONYMOUS'"], ["    mechanisms = 'PLAIN'"],
         "default widens who is allowed"),
        (['TAG = re.compile(r"<%(\\w+)([^>]*?)>")'], ['TAG = re.compile(r"<%(\\w+)(.*?)>")'],
         "regex changed"),
        (["    (r'\\s+[^\\s]+', Text),"], ["    (r'\\s+.+', Text),"], "regex changed"),
        (["    response.set_cookie('trust', token, samesite='Lax')"],
         ["    response.set_cookie('trust', token)"], "cookie security attribute"),
        (["    response['Cache-Control'] = 'no-store'"], [], "cache control"),
        (["    @permission_required('locales.change')", "    def update(self, request, pk):"],
         [], "access check added"),
        (["    @method_decorator(csrf_protect)", "    def post(self, request):"],
         ["    def post(self, request):"], "access check added"),
        (["    @csrf_exempt", "    def dispatch(self, request):"],
         ["    def dispatch(self, request):"], "protection switched off"),
        (["    return swiftclient.Connection(url, token, insecure=True)"],
         ["    return swiftclient.Connection(url, token)"], "protection switched off"),
        (["    parser = etree.XMLParser(resolve_entities=False)"],
         ["    parser = etree.XMLParser()"], "XML entity or DTD restriction"),
        (["    if len(packet) > self.server.max_http_buffer_size:"],
         ["    if not packet:"], "new size/count limit"),
        (["    attrs = _escape_attrib_html(value)"], ["    attrs = value"], "escaping"),
        (["    uid = secrets.token_hex(16)"], ["    uid = '%032x' % random.getrandbits(128)"],
         "secure randomness"),
        (["    name = os.path.basename(name)"], [], "last part"),
        (["    key = rsa.generate_private_key(65537, key_size=2048)"],
         ["    key = rsa.generate_private_key(65537, key_size=1024)"], "key size"),
        (["    server = await loop.create_server(app, ssl_handshake_timeout=timeout)"],
         ["    server = await loop.create_server(app)"], "limit setting"),
        (["    sock = ctx.wrap_socket(sock, server_hostname=host)"],
         ["    sock = ctx.wrap_socket(sock)"], "TLS setting changed"),
        (["    rsa_key_size: int = 2048,"], ["    rsa_key_size: int = 1024,"], "key size"),
        (["    client.set_missing_host_key_policy(paramiko.RejectPolicy())"],
         ["    client.set_missing_host_key_policy(paramiko.WarningPolicy())"], "host key policy"),
        (["    @sensitive_post_parameters('password')", "    def login(request):"],
         ["    def login(request):"], "secrets kept out of error reports"),
        (["    workdir = utils.secure_mkdtemp()"], ["    workdir = tempfile.mkdtemp()"],
         "hardening helper called"),
        (["    if url.startswith('https://example.org/'):"],
         ["    if url.startswith('https://example.org'):"], "URL prefix check changed"),
        (["    parser.add_argument('--bind', default='127.0.0.1')"],
         ["    parser.add_argument('--bind', default='0.0.0.0')"], "loopback interface only"),
        (["from defusedxml import ElementTree"], ["from xml.etree import ElementTree"],
         "hardened module: defusedxml"),
        (["    @limiter.limit('5 per minute')", "    def join(request):"], [],
         "rate or resource limit put on a call"),
        (["    @ratelimit(method='POST', limit=10, interval=5)"], [],
         "rate or resource limit put on a call"),
        (["    html = markdown.markdown(text, safe_mode=True)"],
         ["    html = markdown.markdown(text)"], "protection switched on"),
        (["    line = record.getMessage().replace('\\n', ' ')"],
         ["    line = record.getMessage()"], "CR/LF"),
        (["    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)"],
         ["    context = ssl.SSLContext(ssl.PROTOCOL_TLS)"], "TLS setting changed"),
        (["    if not re.match(  # at the start only", "        rb'(aux|nul)(\\.|$)', name, re.I"],
         ["    if not re.search(", "        rb'^aux(\\..*)*$|^nul(\\..*)*$',", "        name,"],
         "regex changed"),
    ],
)  # fmt: skip
def test_security_edit_shapes(added: list[str], removed: list[str], reason: str) -> None:
    result = classify(make_hunk("app/core.py", 30, added, removed), PLAIN)
    assert result.category == "review", result.reasons
    assert reason in " ".join(result.reasons)


def test_a_limit_constant_is_review_in_security_work_only() -> None:
    hunk = make_hunk("app/limits.py", 3, ["MAX_HEADER_COUNT = 100", "if count > 3:"])
    titled = classify(hunk, ClassifyContext(title="Limit header count (DoS)"))
    assert titled.category == "review"
    assert any("security constant MAX_HEADER_COUNT" in r for r in titled.reasons)
    constant = make_hunk("app/limits.py", 3, ["MAX_ROWS = 500"])
    assert classify(constant, PLAIN).category == "boilerplate"


def test_test_only_gate_findings_never_raise_a_test_hunk() -> None:
    hunk = make_hunk("tests/test_api.py", 10, ["    assert api.get('/x').status == 200"])
    found = (
        Finding("tests/test_api.py", 10, 10, "warning", "bandit", "B101", "assert used"),
        Finding("tests/test_api.py", 10, 10, "error", "semgrep", "hardcoded-secret", "secret"),
    )
    result = classify(hunk, ClassifyContext(prescan=found))
    assert result.category == "boilerplate"
    code = replace(hunk, file="app/api.py", id="app")
    moved = tuple(replace(f, file="app/api.py") for f in found)
    assert classify(code, ClassifyContext(prescan=moved)).category == "review"


def test_plumbing_lines() -> None:
    assert all(
        plumbing(line)
        for line in (
            "import os",
            "    *,",
            "    limit: int = 10,",
            "    ) -> Body:",
            "x=x,",
            "    self._seen = set()  # type: Set[bytes]  # needs self.lock",
            "    self._last_status: dict[str, str] = {}",
            "    self.body = None",
            "    handler = make_handler(app, origins)",
        )
    )
    assert not any(
        plumbing(line)
        for line in (
            "    total = price * qty",
            "    self.body = body.strip()",
            "if x:",
            "    text = strip_controls(text)",
            "    self.limit = 100",
        )
    )


def test_state_that_starts_empty_is_plumbing_under_a_security_title() -> None:
    hunk = make_hunk("app/peers.py", 205, ["        self._incoming = set()  # type: Set[bytes]"])
    result = classify(hunk, ClassifyContext(title="limit max number of incoming peers"))
    assert result.category == "boilerplate"
    cleaned = make_hunk("app/reply.py", 155, ["        text = strip_controls(text)"])
    titled = classify(cleaned, ClassifyContext(title="Sanitize against CR/LF in output"))
    assert titled.category == "review"


def docs_hunk(source: str, first: int, added: list[str], removed: list[str]) -> Hunk:
    """A hunk of ``source`` whose added lines start at ``first``, with the lines around them."""
    lines = source.splitlines()
    hunk = make_hunk("pkg/mod.py", first, added, removed)
    numbers = range(max(1, first - 3), min(len(lines), first + len(added) + 2) + 1)
    context = tuple(Line(n, lines[n - 1]) for n in numbers if not first <= n < first + len(added))
    return replace(hunk, context=context, new_start=numbers[0], old_start=numbers[0])


MODULE = '"""Serve files.\n\nMore words.\n"""\nimport os\nimport re\n\nX = 1\n'


def test_code_right_after_a_docstring_is_not_a_docstring_change() -> None:
    """The first context line closes the docstring; the added import is code (issue 12)."""
    hunk = docs_hunk(MODULE, 6, ["import re"], [])
    for facts in (read_facts(MODULE), None):
        result = classify(hunk, ClassifyContext(source=facts))
        assert result.category != "skip", result.reasons


def test_a_regex_in_a_raw_triple_quoted_string_is_code() -> None:
    source = 'RULE = re.compile(r"""\n    (?P<a>\\w+)\n    (?P<b>[^/]+)\n""")\n'
    hunk = docs_hunk(source, 3, ["    (?P<b>[^/]+)"], ["    (?P<b>.+)"])
    result = classify(hunk, ClassifyContext(source=read_facts(source)))
    assert result.category != "skip", result.reasons


def test_docstring_and_comment_edits_are_skipped_with_the_new_file() -> None:
    source = 'def f(x):\n    """Return x, doubled.\n\n    :arg x: a number\n    """\n'
    source += "    return x * 2  # cheap\n"
    facts = read_facts(source)
    doc = docs_hunk(source, 4, ["    :arg x: a number"], ["    :arg x: an int"])
    assert classify(doc, ClassifyContext(source=facts)).category == "skip"
    comment = docs_hunk(source, 6, ["    return x * 2  # cheap"], ["    return x * 2  # fast"])
    result = classify(comment, ClassifyContext(source=facts))
    assert result.reasons == ("docstring or comment-only change",)
    code = docs_hunk(source, 6, ["    return x * 2  # cheap"], ["    return x * 3  # cheap"])
    assert classify(code, ClassifyContext(source=facts)).category != "skip"


def test_removed_docstring_lines_are_read_in_the_old_version() -> None:
    source = 'def f(x):\n    """Return x.\n\n    :rtype: int|None\n    """\n    return x\n'
    facts = read_facts(source)
    typed = docs_hunk(source, 4, ["    :rtype: int|None"], ["    :rtype: DateTime|None"])
    assert classify(typed, ClassifyContext(source=facts)).category != "skip"  # a guess: code
    read = ClassifyContext(source=facts, removed_code={})
    assert classify(typed, read).reasons == ("docstring or comment-only change",)
    titled = replace(read, title="Fix CVE-2031-0003: frame the admin pages")
    gone = replace(docs_hunk(source, 4, [], ["    Sets frame-ancestors 'self'."]), added=())
    assert classify(gone, titled).reasons == ("docstring or comment-only change",)
    code = replace(titled, removed_code={4: "frame_ancestors = 'self'"})
    assert classify(gone, code).category == "review"  # code taken out under a security title
    blank = docs_hunk(source, 6, [""], [])
    assert classify(blank, read).reasons == ("only blank lines added",)


def test_a_line_moved_into_a_block_under_a_new_comment_is_code() -> None:
    source = "def confirm(ok):\n    if ok:\n        send()\n        # only after success\n"
    source += "        reset_counter()\n    return ok\n"
    added = ["        # only after success", "        reset_counter()"]
    moved = docs_hunk(source, 4, added, ["    reset_counter()"])
    assert classify(moved, ClassifyContext(source=read_facts(source))).category != "skip"


@pytest.mark.parametrize(
    ("added", "removed"),
    [
        (["version_info = (3, 1, 0)"], ["version_info = (3, 0, 2)"]),
        (['__releasedate__ = "20310102"'], ['__releasedate__ = "20301201"']),
        (["ver = (3, 19, 18)"], ["ver = (3, 19, 17)"]),
    ],
)
def test_version_tuples_and_release_dates_are_version_bumps(
    added: list[str], removed: list[str]
) -> None:
    result = classify(make_hunk("pkg/__init__.py", 3, added, removed), PLAIN)
    assert result.reasons == ("version bump",)


@pytest.mark.parametrize(
    "path",
    [
        "tests/fixtures/cases.txt",
        "sonar-project.properties",
        "invites/templates/invites/email/expired.txt",
    ],
)
def test_test_data_and_config_text_files_are_not_documentation(path: str) -> None:
    result = classify(make_hunk(path, 1, ["case: a < b"]), PLAIN)
    assert result.reasons != ("documentation file",)
    assert classify(make_hunk("docs/notes.txt", 1, ["Words."]), PLAIN).category == "skip"


def test_a_new_anchored_regex_is_a_definition() -> None:
    hunk = make_hunk("app/core.py", 3, ['WORD = re.compile(r"^\\w+$")'])
    assert classify(hunk, PLAIN).category == "boilerplate"


def test_items_added_to_a_deny_list_are_review() -> None:
    hunk = make_hunk("app/links.py", 5, ['    "data:",', '    "vbscript:",'])
    opener = Line(4, "BLOCKED_SCHEMES = (")
    hunk = replace(hunk, context=(opener, Line(7, ")")))
    result = classify(hunk, PLAIN)
    assert result.category == "review"
    assert "edits the allow/deny list BLOCKED_SCHEMES" in result.reasons[0]
    plain = replace(hunk, context=(Line(4, "COLOURS = ("), Line(7, ")")))
    assert classify(plain, PLAIN).category != "review"


def test_a_changed_parameter_default_is_code_in_security_work() -> None:
    hunk = make_hunk(
        "app/tokens.py",
        9,
        ["    def __init__(self, algorithms, headers=None):"],
        ["    def __init__(self, algorithms=None, headers=None):"],
    )
    context = ClassifyContext(title="Fix CVE-2031-0003: no default algorithms")
    assert classify(hunk, context).category == "review"


def test_an_assert_in_library_code_alone_is_not_review() -> None:
    hunk = make_hunk("app/cache.py", 10, ["    assert size >= 0"], ["    assert size > 0"])
    found = (Finding("app/cache.py", 10, 10, "note", "bandit", "B101", "assert used"),)
    assert classify(hunk, ClassifyContext(prescan=found)).category == "debugging"


def test_an_empty_default_password_is_no_hard_coded_secret() -> None:
    """bandit reads ``pwd=""`` as a hard-coded password: it is none at all. The finding stays a
    hint; a real literal still decides."""
    hunk = make_hunk(
        "shop/client.py",
        40,
        ['def connect(host, user="", pwd="", program_name=None):'],
        ['def connect(host, user="", pwd="", program_name=sys.argv[0]):'],
    )
    message = "Possible hardcoded password: '' (LOW severity, MEDIUM confidence)"
    empty = (Finding("shop/client.py", 40, 40, "note", "bandit", "B107", message),)
    result = classify(hunk, ClassifyContext(prescan=empty))
    assert result.category != "review"
    real = message.replace("''", "'hunter2'")
    literal = (Finding("shop/client.py", 40, 40, "note", "bandit", "B107", real),)
    assert classify(hunk, ClassifyContext(prescan=literal)).category == "review"


def test_a_raise_of_the_same_error_reworded_is_not_new_validation() -> None:
    hunk = make_hunk(
        "app/auth.py",
        20,
        ["        raise OAuthError(description=message)"],
        ["        raise OAuthError(description=message, state=state)"],
    )
    reasons = classify(with_section(hunk, "    def authenticate_client(self):"), PLAIN).reasons
    assert not any("new validation" in r for r in reasons)


@pytest.mark.parametrize(
    ("added", "removed"),
    [
        (["    if value is None:", "        raise ValueError('value is required')"], []),
        (["    if len(args) > 2:", "        raise TypeError('too many arguments')"], []),
        (["    total = compute_total(total)"], []),
        (["    data = stream.read()"], ["    data = stream.read(size)"]),
        (["    self.run_checks()"], ["    self.run()"]),
        (["    NUMBER = re.compile(r'\\d+')"], []),
        (["    return NUMBER.sub('', text)"], ["    return NUMBER.sub(' ', text)"]),
        (["def upload(", "    self,", "    max_size: int = 1000,", "):"], ["def upload(self):"]),
    ],
)  # fmt: skip
def test_ordinary_code_is_not_a_security_shape(added: list[str], removed: list[str]) -> None:
    result = classify(make_hunk("app/core.py", 30, added, removed), PLAIN)
    assert result.category != "review", result.reasons


def test_request_data_removed_from_a_log_call_is_review() -> None:
    extra = make_hunk("srv/access.py", 8, [], ["        extra={'code': code, 'scope': scope},"])
    leak = classify(extra, PLAIN)
    assert leak.category == "review" and "stops logging scope" in leak.reasons[0]
    logged = ["    log.debug('login with token %s', token)"]
    kept = ["    log.debug('login for %s', user)"]
    assert classify(make_hunk("srv/login.py", 8, kept, logged), PLAIN).category == "review"
    plain = make_hunk("srv/access.py", 8, [], ["    logger.info('served %d bytes', size)"])
    assert classify(plain, PLAIN).category == "skip"


def _log_call_hunk(removed: list[str], added: list[str], after: str = "") -> Hunk:
    """A hunk of a multi-line ``LOG.debug(`` whose first line is unchanged context."""
    call = Line(10, '        LOG.debug("Retrieved image from S3 using s3_host=%(s3_host)s, "')
    context = (call, *([Line(11 + len(added), after)] if after else ()))
    hunk = make_hunk("store/s3.py", 11, added, removed)
    old_end = 10 + len(removed) + (1 if after else 0)
    return replace(hunk, context=context, new_start=10, old_start=10, old_end=old_end)


def test_a_secret_dropped_from_a_multi_line_log_call_is_review() -> None:
    hunk = _log_call_hunk(
        [
            '                  "access_key=%(accesskey)s, bucket=%(bucket)s, "',
            "                  {'s3_host': host, 'accesskey': loc.accesskey,",
            "                   'bucket': bucket})",
        ],
        [
            '                  "bucket=%(bucket)s", ',
            "                  {'s3_host': host, 'bucket': bucket})",
        ],
    )
    result = classify(hunk, PLAIN)
    assert result.category == "review" and "stops logging access_key" in result.reasons[0]


def test_a_secret_after_a_closed_log_call_or_kept_in_it_is_no_leak_fix() -> None:
    closed = _log_call_hunk(
        ["        token = refresh(token)"], ["        token = renew(token)"], after="    )"
    )
    kept = _log_call_hunk(
        ["                  'token': token, 'bucket': bucket})"],
        ["                  'token': token})"],
    )
    for hunk in (replace(closed, context=(Line(10, '        LOG.debug("done")'),)), kept):
        assert "stops logging" not in " ".join(classify(hunk, PLAIN).reasons)


def test_code_moved_past_context_is_not_a_comment_change() -> None:
    source = "def f(q):\n    while q:\n        flush()\n        notify()\n        if q.done:\n"
    source += "            break\n"
    check = ["        if q.done:", "            break"]
    hunk = replace(
        make_hunk("pkg/mod.py", 3, check, check),
        added=(Line(5, check[0]), Line(6, check[1])),
        context=(Line(3, "        flush()"), Line(4, "        notify()")),
    )
    assert classify(hunk, ClassifyContext(source=read_facts(source))).category != "skip"


@pytest.mark.parametrize(
    ("file", "before", "after"),
    [
        ("templates/base.html.j2", "{{ output.latex }}", "{{ output.latex | e }}"),
        ("templates/page.html", "{{ state|json }}", "{{ state|json|escapejs }}"),
        (
            "templates/lab.jinja2",
            "{{ w | json_dumps }}",
            "{{ w | json_dumps | escape_html_script }}",
        ),
    ],
)
def test_an_escaping_filter_added_in_a_template_is_review(
    file: str, before: str, after: str
) -> None:
    result = classify(make_hunk(file, 12, [after], [before]), ClassifyContext())
    assert result.category == "review"
    assert result.reasons[0] == "output escaping added (line 12)"


def test_a_pipe_in_python_is_not_a_template_filter() -> None:
    hunk = make_hunk("app/flags.py", 3, ["    mode = mode | e"], ["    mode = mode | d"])
    assert classify(hunk, ClassifyContext()).category != "review"


def test_taking_out_a_switched_off_protection_is_review() -> None:
    hunk = make_hunk("app/views.py", 40, [], ["    @csrf_exempt"])
    result = classify(hunk, PLAIN)
    assert result.category == "review"
    assert "takes out @csrf_exempt" in result.reasons[0]


def test_a_finding_on_unchanged_lines_routes_nothing() -> None:
    typo = make_hunk("app/notes.py", 10, ["    RFC 6979 nonces."], ["    RFC 6697 nonces."])
    around_key = replace(
        typo, new_end=14, context=(Line(13, "    -----BEGIN EC PRIVATE KEY-----"),)
    )
    key = Finding("app/notes.py", 13, 14, "error", "secrets", "private-key", "a private key")
    assert classify(around_key, ClassifyContext(prescan=(key,))).category != "review"
    on_line = replace(key, line=10, end_line=10)
    assert classify(around_key, ClassifyContext(prescan=(on_line,))).category == "review"


def test_a_race_title_counts_in_full_inside_a_concurrency_primitive_only() -> None:
    hunk = make_hunk(
        "app/sync.py",
        40,
        ["        while self._waiters:", "            waiter = self._waiters.popleft()"],
        ["        for waiter in self._waiters:"],
    )
    titled = ClassifyContext(title="Fix waiter race after cancellation", model=ALWAYS_REVIEW)
    inside = classify(with_section(hunk, "    def release(self) -> None:"), titled)
    assert "concurrent code: inside release" in " ".join(inside.reasons)
    assert "PR title may name security work (race)" in " ".join(inside.reasons)
    elsewhere = classify(with_section(hunk, "    def render(self) -> None:"), titled)
    shown = " ".join(elsewhere.reasons)
    assert "concurrent code" not in shown and "security work (race)" not in shown
    assert "PR title may name security work, alone (race)" in shown
    # "deadlock" names a feature area's bug: away from concurrency code it is that alone
    area = replace(titled, title="Fix waiter deadlock after cancellation")
    inside = classify(with_section(hunk, "    def release(self) -> None:"), area)
    assert "PR title may name security work (deadlock)" in " ".join(inside.reasons)
    elsewhere = " ".join(
        classify(with_section(hunk, "    def render(self) -> None:"), area).reasons
    )
    assert "security work (deadlock)" not in elsewhere
    assert "PR title names a feature area, alone (deadlock)" in elsewhere


@pytest.mark.parametrize(
    ("removed", "added", "reason"),
    [
        (
            "    return ''.join(random.choice(ALPHABET) for _ in range(40))",
            "    return ''.join(secrets.choice(ALPHABET) for _ in range(40))",
            "secure randomness",
        ),
        (
            "        return pickle.loads(payload)",
            "        return json.loads(payload)",
            "security primitive renamed: pickle → json",
        ),
    ],
)
def test_a_rename_into_a_security_shape_or_primitive_is_review(
    removed: str, added: str, reason: str
) -> None:
    result = classify(make_hunk("app/tokens.py", 12, [added], [removed]), PLAIN)
    assert result.category == "review" and reason in " ".join(result.reasons)


@pytest.mark.parametrize(
    ("file", "removed", "added"),
    [
        ("app/core.py", "    if len(body) > max_size:", "    if len(body) > max_len:"),
        ("app/queue.py", "import pickle", "import json"),
        ("tests/test_queue.py", "    x = pickle.loads(b)", "    x = json.loads(b)"),
    ],
)
def test_a_rename_elsewhere_is_no_security_work(file: str, removed: str, added: str) -> None:
    reasons = " ".join(classify(make_hunk(file, 3, [added], [removed]), PLAIN).reasons)
    assert "security primitive" not in reasons and "secure randomness" not in reasons


@pytest.mark.parametrize(
    ("added", "removed"),
    [
        (["    @security.private"], ["    @security.public"]),
        (["    @common.api_token_authorization"], []),
        (["    security.declarePrivate('listRoleIds')"], []),
    ],
)
def test_a_decorator_or_declaration_that_says_who_may_call_is_review(
    added: list[str], removed: list[str]
) -> None:
    result = classify(make_hunk("pkg/roles.py", 30, added, removed), PLAIN)
    assert result.category == "review" and "access check added" in result.reasons[0]


def test_a_protection_switched_on_is_review() -> None:
    added = ["    request_method='POST',", "    require_csrf=True,"]
    result = classify(make_hunk("pkg/views.py", 30, added), PLAIN)
    assert result.category == "review" and "protection switched on" in " ".join(result.reasons)


@pytest.mark.parametrize(
    ("added", "named"),
    [
        (["    # don't echo user input here: a security risk", "    return bad(MESSAGE)"], True),
        (["    name = os.path.basename(name)  # avoid directory traversal"], True),
        (["    url = 'https://example.com/#security'"], False),
        (["    # take the lock before reading the token", "    return read(name)"], False),
    ],
)
def test_a_comment_that_names_security_work_is_review(added: list[str], named: bool) -> None:
    result = classify(make_hunk("pkg/views.py", 30, added, ["    return bad(name)"]), PLAIN)
    assert ("a comment names security work" in " ".join(result.reasons)) == named
    assert (result.category == "review") == named


def test_a_check_added_beside_an_existing_one_is_new() -> None:
    old = ["    return '\\n' not in value and '\\r' not in value"]
    new = [
        "    return ('\\n' not in value and '\\r' not in value and",
        "            '\\x00' not in value)",
    ]
    result = classify(make_hunk("pkg/keys.py", 40, new, old), PLAIN)
    assert "CR/LF or control-character check (line 41)" in result.reasons


@pytest.mark.parametrize(
    ("added", "reason"),
    [
        (["        self.assert_no_newline(session_id)"], "guard call added"),
        (
            ["        if secret and not self.is_valid_passphrase(secret):",
             "            raise ValueError('Invalid passphrase')"],
            "input rejected by a validator",
        ),
        (
            ["DISALLOW_FUNCTIONS = {", "    eval,", "    os.system,", "}"],
            "edits the allow/deny list DISALLOW_FUNCTIONS",
        ),
    ],
)  # fmt: skip
def test_guards_validators_and_deny_lists_of_other_spellings_are_review(
    added: list[str], reason: str
) -> None:
    result = classify(make_hunk("pkg/handler.py", 60, added), PLAIN)
    assert result.category == "review" and reason in " ".join(result.reasons)


def test_a_test_assertion_or_a_signature_is_no_guard() -> None:
    test = classify(make_hunk("pkg/handler.py", 3, ["        self.assertEqual(a, b)"]), PLAIN)
    assert "guard call" not in " ".join(test.reasons)
    signature = ["def configure(", "    allowed: list[str],", "    limit: int,", "):"]
    result = classify(make_hunk("pkg/handler.py", 3, signature), PLAIN)
    assert "allow/deny list" not in " ".join(result.reasons)


def test_a_route_decorator_is_not_an_access_check() -> None:
    result = classify(make_hunk("pkg/views.py", 30, ["    @auth.route('/login')"]), PLAIN)
    assert "access check" not in " ".join(result.reasons)


def test_code_taken_out_under_a_security_title_is_review_but_not_in_a_test() -> None:
    check = make_hunk("app/validate.py", 30, [], ["    hosts.update(settings.EXTRA_HOSTS)"])
    titled = classify(check, ClassifyContext(title="Fix CVE-2031-0002: check hosts at fetch time"))
    assert titled.category == "review"
    assert "code taken out under a security title (CVE-2)" in titled.reasons[0]
    assert classify(check, ClassifyContext(title="Move the host check")).category == "skip"
    test = make_hunk("tests/test_validate.py", 3, [], ["    assert validate('10.0.0.1')"])
    assert classify(test, ClassifyContext(title="Fix CVE-2031-0002")).category == "skip"
    imports = make_hunk("app/validate.py", 1, [], ["import ipaddress"])
    assert classify(imports, ClassifyContext(title="Fix CVE-2031-0002")).category == "skip"


def test_a_new_import_of_a_hardened_module_beside_the_old_ones_is_plumbing() -> None:
    hunk = make_hunk("app/keys.py", 3, ["import hmac", "import json"], ["import json"])
    assert classify(hunk, PLAIN).category == "boilerplate"


def test_a_security_title_speaks_for_a_swap_to_a_name_the_code_already_has() -> None:
    hunk = make_hunk(
        "app/middleware.py",
        40,
        ["    response.csrf_checked = False"],
        ["    request.csrf_checked = False"],
    )
    hunk = replace(hunk, context=(Line(38, "def process(self, request, response):"),))
    plain = classify(hunk, ClassifyContext(title="Fix the flag on the wrong object"))
    assert plain.category == "debugging"
    result = classify(hunk, ClassifyContext(title="Fix the CSRF cookie not being set"))
    assert result.category == "review"
    assert any("PR title names security work (CSRF)" in r for r in result.reasons)
    renamed = replace(hunk, context=())  # a name new to the code: a rename, title or not
    assert classify(renamed, ClassifyContext(title="Fix CSRF")).category == "boilerplate"


def test_a_reno_release_note_is_skipped_whatever_its_title() -> None:
    hunk = make_hunk(
        "releasenotes/notes/bug-1234-5d5ff4dbd590c911.yaml",
        1,
        ["security:", "  - |", "    Disallow the data file of qcow2 images."],
    )
    result = classify(hunk, ClassifyContext(title="Add release note for CVE-2031-0001"))
    assert result == result.__class__("skip", ("release note",))


def test_a_reflowed_signature_under_a_security_title_is_layout_only() -> None:
    context = ClassifyContext(title="Prevent symlink traversal in the share view")
    reflowed = make_hunk(
        "app/share.py",
        303,
        ["    def send(self, path, size):"],
        ["    def send(", "        self, path, size", "    ):"],
    )
    assert classify(reflowed, context) == classify(reflowed, PLAIN)
    assert classify(reflowed, context).reasons == ("layout-only change",)
    comma = make_hunk(
        "app/convert.py", 727, ["        'prefix': prefix,"], ["        'prefix': prefix"]
    )
    inside = replace(comma, context=(Line(728, "    }"),))
    assert classify(inside, context).category == "skip"
    outside = replace(comma, context=(Line(728, "    run(prefix)"),))  # a tuple now
    assert classify(outside, context).category == "review"


def test_continuation_lines_indented_otherwise_are_layout_only() -> None:
    context = ClassifyContext(title="Compare basic auth credentials in constant time")
    arguments = ["debug=self.debug,", "status_code=status_code,", "trace=trace)"]
    hunk = make_hunk(
        "app/views.py",
        51,
        ["                    " + x for x in arguments],
        ["                        " + x for x in arguments],
    )
    opener = (Line(50, "            self.render('error.html',"),)
    opened = replace(hunk, context=opener, new_start=50, old_start=50)
    assert classify(opened, context).reasons == ("layout-only change",)
    # a gate finding on lines that only moved was there before the change
    found = (Finding("app/views.py", 53, 53, "warning", "ruff", "B904", "raise from err"),)
    assert classify(opened, replace(context, prescan=found)).reasons == ("layout-only change",)
    statements = make_hunk(
        "app/views.py", 51, ["        run(job)", "        done()"], ["    run(job)", "    done()"]
    )
    moved = replace(statements, context=(Line(50, "    if ready:"),), new_start=50, old_start=50)
    assert classify(moved, context).category != "skip"


def test_a_renamed_validator_is_not_a_removed_guard() -> None:
    context = ClassifyContext(title="Merge commit from fork")
    renamed = make_hunk(
        "app/views.py",
        395,
        ["        validate_query_cost_and_depth(schema, document, limit)"],
        ["        validate_query_cost(schema, document)"],
    )
    assert not any("removes" in r for r in classify(renamed, context).reasons)
    dropped = make_hunk(
        "app/views.py",
        395,
        ["        run(schema, document)"],
        ["        validate_query_cost(schema, document)", "        run(schema, document)"],
    )
    assert any("removes a guard" in r for r in classify(dropped, context).reasons)


def test_json_changelog_fragments_are_skipped() -> None:
    hunk = make_hunk(
        ".changes/next-release/1234-bugfix-tar-4852.json",
        1,
        ["{", '  "type": "bugfix",', '  "description": "Reject absolute paths"', "}"],
    )
    result = classify(hunk, ClassifyContext(title="Fix path traversal in tar extraction"))
    assert result.reasons == ("changelog fragment",)


def test_toml_changelog_fragments_of_the_next_release_are_skipped() -> None:
    fragment = ["[[bugfixes]]", 'description = "Escape payloads in webhook examples"']
    hunk = make_hunk("changes/unreleased/5298.webhook-escaping.toml", 1, fragment)
    result = classify(hunk, ClassifyContext(title="Escape payloads in webhook examples"))
    assert result.reasons == ("changelog fragment",)
    released = make_hunk("changes/config.toml", 1, ['name = "x"'])
    assert classify(released, PLAIN).category != "skip"


def test_a_deprecated_alias_swapped_for_the_same_function_is_a_rename() -> None:
    hunk = make_hunk(
        "app/utils.py",
        16,
        ["import warnings", "from shlex import quote"],
        ["from pipes import quote"],
    )
    assert classify(hunk, PLAIN).category == "boilerplate"


@pytest.mark.parametrize(
    ("added", "removed", "swap"),
    [
        (["    tree = SafeTree.parse(text)"], ["    tree = Tree.parse(text)"], "Tree → SafeTree"),
        (
            ["    from templates import Loader", "    env = SandboxedEnv(loader=Loader())"],
            ["    from templates import Env, Loader", "    env = Env(loader=Loader())"],
            "Env → SandboxedEnv",
        ),
        (["    data = loader.safe_read(stream)"], ["    data = loader.read(stream)"], "read → "),
        (['    data = Loader(typ="unsafe")'], ['    data = Loader(typ="safe")'], "safe → unsafe"),
        (["    data = codec.unsafe_read(blob)"], ["    data = codec.safe_read(blob)"], "safe_read"),
    ],
)
def test_a_name_swapped_for_its_hardened_or_unsafe_variant_is_review(
    added: list[str], removed: list[str], swap: str
) -> None:
    result = classify(make_hunk("app/parse.py", 20, added, removed), PLAIN)
    assert result.category == "review"
    variant = "an unsafe" if "unsafe" in " ".join(added) else "a hardened"
    assert any(f"swapped for {variant} variant: {swap}" in r for r in result.reasons)


def test_a_hardened_variant_only_imported_or_already_used_is_no_swap() -> None:
    imported = make_hunk(
        "app/parse.py", 3, ["from xmlkit import SafeTree"], ["from xmlkit import Tree"]
    )
    kept = make_hunk(
        "app/parse.py",
        20,
        ["    tree = SafeTree.parse(text, strict=True)"],
        ["    tree = SafeTree.parse(text)"],
    )
    for hunk in (imported, kept):
        assert "hardened variant" not in " ".join(classify(hunk, PLAIN).reasons)


def test_an_authentication_decorator_put_on_an_endpoint_is_review() -> None:
    hunk = make_hunk("app/api.py", 40, ["    @authenticate"], [])
    hunk = replace(hunk, context=(Line(41, "    def get(self):"),))
    result = classify(hunk, PLAIN)
    assert result.category == "review" and "access check added" in result.reasons[0]


def test_a_csrf_decorator_taken_out_is_review() -> None:
    hunk = make_hunk("app/views.py", 12, [], ["    @method_decorator(ensure_csrf_cookie)"])
    result = classify(hunk, ClassifyContext(title="Tidy the settings view"))
    assert result.category == "review" and "ensure_csrf_cookie" in result.reasons[0]


def test_html_run_through_a_sanitizer_is_review() -> None:
    added = ["        value = super().to_python(value)", "        return bleach.clean(value)"]
    result = classify(make_hunk("app/fields.py", 20, added), PLAIN)
    assert result.category == "review" and "HTML sanitizer applied" in result.reasons[0]


@pytest.mark.parametrize(
    ("added", "removed", "acts"),
    [
        (["    folder.mkdir(mode=0o700, exist_ok=True)"], ["    folder.mkdir(mode=0o700)"], True),
        (["    fetch(url, verify=False)"], ["    fetch(url)"], True),
        (["    fetch(url, timeout=timeout)"], ["    fetch(url)"], False),
        (["def fetch(url, timeout=10):"], ["def fetch(url):"], False),
    ],
)
def test_a_call_given_a_new_literal_argument_acts(
    added: list[str], removed: list[str], acts: bool
) -> None:
    hunk = make_hunk("app/net.py", 20, added, removed)
    result = classify(hunk, ClassifyContext(title="Fix the race condition in start-up"))
    assert ("PR title names security work (race condition)" in " ".join(result.reasons)) == acts


@pytest.mark.parametrize(
    ("added", "removed", "reason"),
    [
        (['    response.headers["X-Frame-Options"] = "DENY"'], [], "security header set"),
        (["    headers = Secure(csp=\"default-src 'self'\")"], ["    headers = Secure()"],
         "security header set"),
        (["DEFAULT_TIME_COST = 3"], ["DEFAULT_TIME_COST = 2"], "hashing cost set"),
        (["PBKDF2_ITERATIONS = 600000"], ["PBKDF2_ITERATIONS = 260000"], "hashing cost set"),
        (["        raise ProcessError(strutils.mask_password(cmd))"],
         ["        raise ProcessError(cmd)"], "secret masked in output"),
        (["    log.debug('headers: %s', redact(headers))"],
         ["    log.debug('headers: %s', headers)"], "secret masked in output"),
        (["        check_str='rule:admin and project_id:%(target.order.project_id)s',"],
         ["        check_str='rule:admin or rule:creator',"], "access rule changed"),
        (['_READER = "role:reader"'], [], "access rule changed"),
        (["        check_str=base.RULE_ADMIN_API,"], ["        check_str=base.RULE_ANY,"],
         "access rule changed"),
        (["    policy.DocumentedRuleDefault(", "        name=WEBHOOK % 'trigger',"], [],
         "access rule changed"),
        (["    cfg.StrOpt('api_key', secret=True,"], ["    cfg.StrOpt('api_key',"],
         "secret masked in output"),
    ],
)  # fmt: skip
def test_security_headers_hashing_costs_masked_secrets_and_access_rules_are_review(
    added: list[str], removed: list[str], reason: str
) -> None:
    result = classify(make_hunk("app/web.py", 20, added, removed), PLAIN)
    assert result.category == "review" and any(reason in r for r in result.reasons)


@pytest.mark.parametrize(
    "line",
    [
        "    os.umask(0o022)",
        "    image = apply_mask(pixels)",
        "    project_id: str = ''",
        '    data = {"project_id": project_id}',
        "    secret = True",
        "    client.check_stray(files)",
    ],
)
def test_a_umask_an_image_mask_or_a_project_field_is_no_security_shape(line: str) -> None:
    reasons = " ".join(classify(make_hunk("svc/tools.py", 30, [line], []), PLAIN).reasons)
    assert "secret masked" not in reasons and "access rule" not in reasons


@pytest.mark.parametrize("line", ["@blocking_call", "@unlocked_view", "@clock.tick"])
def test_a_decorator_that_only_sounds_like_a_lock_takes_none(line: str) -> None:
    result = classify(make_hunk("svc/tools.py", 30, [line], []), PLAIN)
    assert "lock taken" not in " ".join(result.reasons)


def test_a_plain_counter_named_rounds_is_no_hashing_cost() -> None:
    result = classify(make_hunk("game/play.py", 20, ["    rounds = 5"], ["    rounds = 3"]), PLAIN)
    assert "hashing cost" not in " ".join(result.reasons)


@pytest.mark.parametrize("removed", ["app.debug = True", "    app.run(host=HOST, debug=True)"])
def test_a_debug_mode_taken_out_is_review(removed: str) -> None:
    result = classify(make_hunk("app/run.py", 8, [], [removed]), ClassifyContext(title="Tidy up"))
    assert result.category == "review" and result.reasons[0].startswith("turns debug mode off")
    kept = make_hunk("app/run.py", 8, ["    app.run(host=HOST, port=PORT, debug=True)"], [removed])
    assert "debug mode off" not in " ".join(classify(kept, PLAIN).reasons)


def test_a_route_restricted_to_post_under_a_csrf_title_is_review() -> None:
    hunk = make_hunk(
        "app/views.py",
        40,
        ['@app.route("/item/<int:item_id>/delete", methods=["POST"])'],
        ['@app.route("/item/<int:item_id>/delete")'],
    )
    assert (
        classify(hunk, ClassifyContext(title="Protect deletes against CSRF")).category == "review"
    )
    assert classify(hunk, ClassifyContext(title="Tidy the routes")).category != "review"


def test_a_tls_context_purpose_changed_is_review() -> None:
    hunk = make_hunk(
        "app/queue.py",
        30,
        ["    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)"],
        ["    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)"],
    )
    result = classify(hunk, ClassifyContext(title="Fix the SSL context for the queue"))
    assert result.category == "review" and "TLS setting changed" in result.reasons[0]
