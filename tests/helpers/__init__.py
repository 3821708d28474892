"""Importable helpers shared by the tests (fake servers, git repos, CLI runners)."""
