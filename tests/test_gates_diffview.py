"""The file as the diff alone shows it: lines at their numbers, fragments that still parse."""

from __future__ import annotations

import ast

from hunkroute.gates.diffview import diff_view
from tests.helpers.gates import changes_of

OLD = "import logging\n\nlog = 1\n\n\ndef retry(client):\n    for attempt in range(3):\n" + (
    "        try:\n            return client.charge()\n        except TimeoutError:\n"
    "            log.warning('timed out')\n    return None\n"
)
NEW = OLD.replace("except TimeoutError:", "except (TimeoutError, ConnectionError):")


def test_a_changed_file_keeps_its_line_numbers_and_parses() -> None:
    changes = changes_of({"billing.py": (OLD * 3, NEW * 3)})
    file = changes.files[0]
    text, complete = diff_view(file)
    assert not complete
    lines = text.split("\n")
    for line in (*file.hunks[0].added, *file.hunks[0].context):
        assert lines[line.number - 1] == line.text
    ast.parse(text)  # the indented runs got openers in the gaps before them
    assert "if True:" in text


def test_a_new_file_is_complete_and_exact() -> None:
    file = changes_of({"new.py": ("", NEW)}).files[0]
    assert diff_view(file) == (NEW, True)


def test_other_languages_get_no_openers() -> None:
    file = changes_of({"a.js": ("a\n" * 10 + "  b\n", "a\n" * 10 + "  c\n")}).files[0]
    text, _ = diff_view(file)
    assert "if True:" not in text
    assert text.split("\n")[10] == "  c"
