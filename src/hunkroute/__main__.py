"""Entry point for ``python -m hunkroute``."""

from hunkroute.cli import main

raise SystemExit(main())
