"""A Python file before and after a change that edits a docstring, deletes a docstring line
and changes one code line: three hunks, one of them code."""

from __future__ import annotations

OLD = '''def expiry(self):
    """When the session ends.

    :rtype: DateTime|None
    """
    return self._expiry


def legacy(self):
    """Old helper.

    By default sets Content-Security-Policy of frame-ancestors 'self'.
    Also sets the content type.
    """
    self.count = 0
    self.seen = set()
    self.names = []
    self.limit = 10
    self.first = None
    self.last = None
    self.total = 0
    self.pages = 1
    return self.headers.get("x-frame")  # kept for now
'''
NEW = OLD.replace(":rtype: DateTime|None", ":rtype: unix timestamp|None")
NEW = NEW.replace("    By default sets Content-Security-Policy of frame-ancestors 'self'.\n", "")
NEW = NEW.replace('("x-frame")  # kept for now', '("x-frame-options")  # kept for now')
