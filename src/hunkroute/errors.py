"""The one exception tree of hunkroute.

::

    HunkrouteError                 anything hunkroute raises on purpose
    ├── UsageError        (2)      bad flags or a command used in the wrong place
    ├── ConfigError       (2)      the config file or a value in it is wrong
    ├── DiffError         (2)      the diff cannot be read or parsed
    ├── InputError        (2)      another input is wrong (git revision, event file, path)
    ├── LedgerError       (4)      the spend ledger cannot be opened or used
    └── UnavailableError  (4)      a provider, gate or a forge's API could not be reached
        ├── ProviderError
        └── ForgeError                 a forge's API (GitHub, GitLab) refused or failed
            ├── GitHubError
            └── GitLabError

A gate that fails is a value, not an exception (``gates.GateUnavailable``): one gate
failing never ends the run. Exit code 3 (a bug) is never raised as a ``HunkrouteError``: it
is whatever else escapes.
``errorhandler.py`` is the only place that turns these into exit codes.
"""

from __future__ import annotations


class HunkrouteError(Exception):
    """Base class: the message is one line meant for the user."""

    exit_code: int = 2


class UsageError(HunkrouteError):
    """A flag, a combination of flags, or a command run in the wrong place."""


class ConfigError(HunkrouteError):
    """The config file is missing, unreadable or holds a wrong key or value."""


class DiffError(HunkrouteError):
    """The diff cannot be read or is malformed; the message names the diff line."""


class InputError(HunkrouteError):
    """Any other input is wrong: a git revision, a path, an event payload."""


class LedgerError(HunkrouteError):
    """The spend ledger's URL, file or server is unusable; the message never holds a password.

    Exit 4 like an outage: the ledger guards the PR and monthly budgets, so a run that cannot
    reach it makes no model call rather than spend money it cannot account for.
    """

    exit_code = 4


class UnavailableError(HunkrouteError):
    """Something outside hunkroute did not answer; fatal only when ``fail_closed`` is on."""

    exit_code = 4


class ProviderError(UnavailableError):
    """A model provider failed after retries."""


class ForgeError(UnavailableError):
    """A forge's API refused or failed a request after retries."""


class GitHubError(ForgeError):
    """The GitHub API refused or failed a request after retries."""


class GitLabError(ForgeError):
    """The GitLab API refused or failed a request after retries."""
