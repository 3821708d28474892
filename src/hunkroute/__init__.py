"""hunkroute: a cost-aware AI pre-merge gate for pull requests."""

__version__ = "0.1.0"
