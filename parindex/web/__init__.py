"""The workspace (CONTRACT §5, ``parindex serve``): units self-assess in the browser, the
council appraises, the office watches and publishes — the same engine behind a web site.

Django (auth, sessions, CSRF, ORM, migrations), django-ninja for the JSON API, htmx for live
pages, waitress to serve. Installed with the ``web`` extra; nothing else in parindex imports
this room but the command line.
"""

from __future__ import annotations

import os
from pathlib import Path


def setup(data: Path | None = None, db: str | None = None) -> None:
    """Point Django at a data folder (and a database URL) and start it."""
    if data is not None:
        os.environ["PARINDEX_DATA"] = str(Path(data).resolve())
    if db:
        os.environ["PARINDEX_DB"] = db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.web.settings")
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    """Create or update the database (idempotent)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
