"""Django settings of the HR review app; everything that differs per installation comes from the environment.

First run: its own SQLite database and a generated secret key under .leercoach/ (git-ignored),
made by leercoach.review.state when a process starts (importing these settings writes nothing).
Production: LEERCOACH_REVIEW_DATABASE_URL (postgresql://...) for its own tables,
LEERCOACH_REVIEW_SECRET_KEY, LEERCOACH_REVIEW_ALLOWED_HOSTS and, behind a TLS proxy,
LEERCOACH_REVIEW_PROXY_SSL_HEADER=1. The tracker store it reads is the one in the endpoints file
Rasa reads (LEERCOACH_ENDPOINTS).
"""

from __future__ import annotations

from urllib.parse import unquote, urlparse

from leercoach import settings as leercoach_settings
from leercoach.review import state

STATE_DIR = leercoach_settings.state_dir()


def _secret_key() -> str:
    """The configured key, or the one generated for this installation (leercoach.review.state
    makes it when a process starts; settings only read). Empty when no process made it: Django
    then refuses whatever needs a key."""
    configured = leercoach_settings.review_secret_key()
    if configured:
        return configured
    key_file = STATE_DIR / state.SECRET_KEY_FILE
    return key_file.read_text().strip() if key_file.exists() else ""


def _database(url: str) -> dict:
    """postgresql://user:password@host:port/name → Django's DATABASES entry; empty → local SQLite."""
    if not url:
        # Made owner-only by leercoach.review.state before Django opens it.
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": STATE_DIR / state.SQLITE_FILE}
    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        raise ValueError("LEERCOACH_REVIEW_DATABASE_URL moet een postgresql://-adres zijn")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
    }


SECRET_KEY = _secret_key()
DEBUG = leercoach_settings.review_debug()
ALLOWED_HOSTS = leercoach_settings.review_allowed_hosts()
CSRF_TRUSTED_ORIGINS = leercoach_settings.review_trusted_origins()
if leercoach_settings.review_proxy_ssl_header():
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "leercoach.review.apps.ReviewConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "leercoach.review.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "leercoach.review.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "leercoach.review.urls"
WSGI_APPLICATION = "leercoach.review.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": _database(leercoach_settings.review_database_url())}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "review.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out login before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "review:login"
LOGIN_REDIRECT_URL = "review:home"
LOGOUT_REDIRECT_URL = "review:login"

# Five wrong passwords for one account name from one address lock that pair for an hour. Not the
# address alone: behind the TLS proxy every user has the proxy's address, and one attacker would
# lock out all of HR; not the name alone, or anyone could lock out a colleague. The address is the
# client's from X-Forwarded-For only when the proxy is named in LEERCOACH_REVIEW_TRUSTED_PROXIES.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = leercoach_settings.review_lockout_hours()
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "leercoach.review.client_ip.client_ip"
REVIEW_TRUSTED_PROXIES = leercoach_settings.review_trusted_proxies()
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "review/locked_out.html"
AXES_VERBOSE = False

# Sessions live on the server; the cookie only carries the key. Idle for 30 minutes → log in again.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = leercoach_settings.review_session_minutes() * 60
# The idle timer restarts at most every few minutes (leercoach.review.middleware), not with a
# database write on every request.
SESSION_REFRESH_SECONDS = 120
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_NAME = "leercoach_review_session"
SESSION_COOKIE_SECURE = True  # browsers accept Secure cookies from http://localhost too
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_NAME = "leercoach_review_csrf"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_FAILURE_VIEW = "leercoach.review.views.errors.csrf_failure"

# LEERCOACH_REVIEW_HTTPS=1 (production, behind the TLS proxy or with TLS of its own): plain HTTP
# is redirected to HTTPS and browsers are told to use nothing else for a year. Off by default:
# `make run` serves http://localhost, where a redirect would lock HR out. (Behind the proxy, also
# LEERCOACH_REVIEW_PROXY_SSL_HEADER=1, or every request looks like plain HTTP and redirects for ever.)
if leercoach_settings.review_https():
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No script at all, no inline style: every page works with this policy (tested).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The charts are matplotlib SVG files shown with <img>: inside such an image no script can run,
# and matplotlib styles its shapes with style attributes.
CHART_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'"

LANGUAGE_CODE = "nl"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = STATE_DIR / "review-static"
WHITENOISE_USE_FINDERS = True  # serve the app's own static files without a collectstatic step

# Inzichten and its charts are computed once a minute and shared by all gunicorn workers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": STATE_DIR / "review-cache",
    }
}

# Django's own logging set-up binds handlers to the stderr of the moment (under pytest: a capture
# that is closed later). Without it, warnings and errors reach stderr through Python's last-resort
# handler (gunicorn's error log), and no request lines are written (an address may hold a search term).
LOGGING_CONFIG = None
