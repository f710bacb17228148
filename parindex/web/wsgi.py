"""The WSGI application that waitress serves (``parindex serve``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.web.settings")
application = get_wsgi_application()
