"""Django settings of the workspace, read from the environment that ``parindex serve`` and
``parindex workspace`` set (:func:`parindex.web.setup`):

- ``PARINDEX_DATA``: the data folder (the SQLite database, the uploaded documents, the
  secret key); default ``./parindex-data``.
- ``PARINDEX_DB``: a PostgreSQL URL ``postgresql://user:pass@host:5432/name`` instead of
  SQLite.
- ``PARINDEX_HTTPS=1``: the site is reached over HTTPS through a reverse proxy (nginx) that
  sets ``X-Forwarded-Proto``: cookies only over HTTPS, HSTS, HTTP redirected to HTTPS.
- ``PARINDEX_PROXY``: the reverse proxy's address, whose ``X-Forwarded-*`` headers waitress
  believes when ``PARINDEX_HTTPS=1`` (default 127.0.0.1: nginx on the same server).
- ``PARINDEX_HOSTS``: the host names the site answers to (comma-separated), besides
  127.0.0.1 and localhost.
- ``PARINDEX_SESSION_SECONDS``: sign-out after this long without a request (default 8 h).
- ``PARINDEX_WEB_TEST``: set by the test suite only (fast password hashing). Debug is never
  on.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

DATA = Path(os.environ.get("PARINDEX_DATA") or "parindex-data").resolve()
FILES = DATA / "files"
TESTING = os.environ.get("PARINDEX_WEB_TEST") == "1"


def _secret_key() -> str:
    """Made once in the data folder, readable by its owner only."""
    path = DATA / "secret_key"
    if not path.is_file():
        DATA.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="ascii").strip()


def database(url: str | None) -> dict[str, Any]:
    """Django's database settings for ``url`` (PostgreSQL), or SQLite in the data folder."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA / "workspace.sqlite3",
                "OPTIONS": {"timeout": 30, "transaction_mode": "IMMEDIATE",
                            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}}
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise ValueError(url)
    return {"ENGINE": "django.db.backends.postgresql", "NAME": parts.path.lstrip("/"),
            "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "", "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60, "ATOMIC_REQUESTS": False}


SECRET_KEY = _secret_key()
DEBUG = False
# the machine's own names always: the proxy and a health monitor reach waitress on loopback
ALLOWED_HOSTS = [h for h in os.environ.get("PARINDEX_HOSTS", "").split(",") if h] + [
    "127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "parindex.web.apps.WorkspaceConfig",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "parindex.web.security.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "parindex.web.middleware.language",
    "parindex.web.health.request_log",
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"]
ROOT_URLCONF = "parindex.web.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ], "builtins": ["parindex.web.templatetags.words"]},
}]
WSGI_APPLICATION = "parindex.web.wsgi.application"
DATABASES = {"default": database(os.environ.get("PARINDEX_DB"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS: list[dict[str, Any]] = [] if TESTING else [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# argon2 first (the argon2-cffi package of the web extra); older hashes still verify
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"] if TESTING else [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
# served by whitenoise from the package (its finders), no collectstatic folder
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = TESTING
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("PARINDEX_SESSION_SECONDS", "28800"))
SESSION_SAVE_EVERY_REQUEST = True
CSRF_COOKIE_HTTPONLY = False  # the pages' script reads it for htmx and API calls
HTTPS = os.environ.get("PARINDEX_HTTPS") == "1"
# failed sign-ins throttled per account and per address (django-axes): after 5, 15 minutes
# of refusal with a Vietnamese page; the same for names that exist and names that do not
AXES_ENABLED = not TESTING  # the tests that check it turn it on
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "parindex.web.views.locked_out"
# the address is REMOTE_ADDR (axes's default): behind the proxy, waitress has already put the
# person's address there from X-Forwarded-For, believed from the proxy only (server.py)
AXES_VERBOSE = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a monitor may ask waitress directly, in plain HTTP
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_BYTES = int(os.environ.get("PARINDEX_UPLOAD_MB", "20")) * 1024 * 1024
#: the documents of one unit in one cycle, together
UNIT_QUOTA_BYTES = int(os.environ.get("PARINDEX_UNIT_QUOTA_MB", "500")) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
NINJA_PAGINATION_PER_PAGE = 100

# one JSON line per request on stderr (parindex.web.health); Django's own warnings too
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "line"}},
    "loggers": {
        "parindex.requests": {"handlers": ["stderr"],
                              "level": "WARNING" if TESTING else "INFO", "propagate": False},
        "django": {"handlers": ["stderr"], "level": "WARNING"},
    },
}
