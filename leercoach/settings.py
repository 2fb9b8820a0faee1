"""Settings that differ per company or installation, read from the environment.

One place for each: the HR contact (used in answers and the privacy text), the service desk
(off-topic computer questions), the retention period, the fallback thresholds (read from
config.yml, where Rasa reads them), and what the redaction must recognise as the company's own
staff numbers and departments.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, Optional

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Shown until a company sets LEERCOACH_HR_CONTACT; clearly a placeholder address.
DEFAULT_HR_CONTACT = "hr@bedrijf.example"
DEFAULT_SERVICEDESK_CONTACT = "servicedesk@bedrijf.example"
DEFAULT_RETENTION_DAYS = 180
# Longer messages get a friendly "too long" answer instead of going to the NLU.
DEFAULT_MAX_MESSAGE_CHARS = 4000
# Hulpvragen to HR: at most this many per conversation, and from all conversations together
# per hour (counted in HR's queue, so the limit holds across servers); then a friendly answer
# with the HR contact instead of the form.
DEFAULT_HANDOFF_MAX_PER_CONVERSATION = 3
DEFAULT_HANDOFF_MAX_PER_HOUR = 30
# Staff numbers like P123456; every company sets its own with LEERCOACH_STAFF_NUMBER_PATTERN.
DEFAULT_STAFF_NUMBER_PATTERN = r"P\d{5,7}"
# The Rasa servers send LEERCOACH_ACTION_SECRET in this header with every action call; the
# action server (leercoach.run.action_server) refuses a call without it.
ACTION_SECRET_HEADER = "X-Leercoach-Action-Secret"
MIN_ACTION_SECRET_CHARS = 32
ENDPOINTS_VARIABLE = "LEERCOACH_ENDPOINTS"
PSEUDONYM_KEY_VARIABLE = "LEERCOACH_PSEUDONYM_KEY"
ACTION_SECRET_VARIABLE = "LEERCOACH_ACTION_SECRET"


def hr_contact() -> str:
    """How employees reach HR, e.g. 'Team HR, hr@acme.nl of toestel 1234'."""
    return os.environ.get("LEERCOACH_HR_CONTACT", "").strip() or DEFAULT_HR_CONTACT


def servicedesk_contact() -> str:
    """Where computer, password and phone questions go, e.g. 'de servicedesk, toestel 4444'."""
    return os.environ.get("LEERCOACH_SERVICEDESK_CONTACT", "").strip() or DEFAULT_SERVICEDESK_CONTACT


def retention_days() -> int:
    raw = os.environ.get("LEERCOACH_RETENTION_DAYS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_RETENTION_DAYS


def max_message_chars() -> int:
    raw = os.environ.get("LEERCOACH_MAX_MESSAGE_CHARS", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_MESSAGE_CHARS


def action_secret() -> str:
    """The secret the Rasa servers and the action servers share (LEERCOACH_ACTION_SECRET); empty
    when not set. `make run` and `make cluster` make a fresh one at every start when it is not set."""
    return os.environ.get(ACTION_SECRET_VARIABLE, "").strip()


def require_action_secret() -> str:
    """The action secret, or ValueError with a one-line message (never the value) when it is
    missing, shorter than MIN_ACTION_SECRET_CHARS or not printable ASCII (it travels in a header)."""
    secret = action_secret()
    if len(secret) < MIN_ACTION_SECRET_CHARS or not all(33 <= ord(c) <= 126 for c in secret):
        raise ValueError(
            f"LEERCOACH_ACTION_SECRET ontbreekt of is korter dan {MIN_ACTION_SECRET_CHARS} tekens "
            "(alleen letters, cijfers en leestekens, geen spaties); zonder dit geheim start de "
            "actieserver niet. Maak er een met: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return secret


def _positive_int(variable: str, default: int) -> int:
    raw = os.environ.get(variable, "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and int(raw) > 0 else default


def handoff_max_per_conversation() -> int:
    """LEERCOACH_HANDOFF_MAX_PER_CONVERSATION: how many hulpvragen one conversation may pass on."""
    return _positive_int("LEERCOACH_HANDOFF_MAX_PER_CONVERSATION", DEFAULT_HANDOFF_MAX_PER_CONVERSATION)


def handoff_max_per_hour() -> int:
    """LEERCOACH_HANDOFF_MAX_PER_HOUR: how many hulpvragen all conversations together may pass on
    in any hour (the last 60 minutes), counted in HR's queue; a flood cannot bury the real ones."""
    return _positive_int("LEERCOACH_HANDOFF_MAX_PER_HOUR", DEFAULT_HANDOFF_MAX_PER_HOUR)


def staff_number_pattern() -> re.Pattern[str]:
    """The company's staff number format (LEERCOACH_STAFF_NUMBER_PATTERN, a regular expression).

    Matched case-insensitively and only as a whole word. A pattern that does not compile or
    that matches the empty string is a configuration error: it raises ValueError naming the
    setting, so a server refuses to start rather than let staff numbers through.
    """
    raw = os.environ.get("LEERCOACH_STAFF_NUMBER_PATTERN", "").strip() or DEFAULT_STAFF_NUMBER_PATTERN
    try:
        pattern = re.compile(rf"(?<!\w)(?:{raw})(?!\w)", re.IGNORECASE)
    except re.error as error:
        raise ValueError(
            f"LEERCOACH_STAFF_NUMBER_PATTERN={raw!r} is not a valid regular expression: {error}"
        ) from None
    if pattern.fullmatch(""):
        raise ValueError(f"LEERCOACH_STAFF_NUMBER_PATTERN={raw!r} matches the empty string")
    return pattern


def departments() -> tuple:
    """The company's own department names (LEERCOACH_DEPARTMENTS, comma separated), redacted as [AFDELING]."""
    raw = os.environ.get("LEERCOACH_DEPARTMENTS", "")
    return tuple(dict.fromkeys(name.strip() for name in raw.split(",") if name.strip()))


def text_values() -> dict:
    """The configured values that texts may name as placeholders ({hr_contact}, {retention_days},
    {servicedesk_contact})."""
    return {
        "hr_contact": hr_contact(),
        "retention_days": retention_days(),
        "servicedesk_contact": servicedesk_contact(),
    }


@dataclass(frozen=True)
class FallbackThresholds:
    threshold: float
    ambiguity_threshold: float


@lru_cache(maxsize=1)
def fallback_thresholds(config_file: Path = PROJECT_ROOT / "config.yml") -> FallbackThresholds:
    """The FallbackClassifier's thresholds, as Rasa itself reads them from config.yml."""
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    for component in config.get("pipeline", []):
        if component.get("name") == "FallbackClassifier":
            return FallbackThresholds(
                float(component.get("threshold", 0.3)),
                float(component.get("ambiguity_threshold", 0.1)),
            )
    raise ValueError(f"{config_file} has no FallbackClassifier in its pipeline")


DEFAULT_LOGIN_LOG_DAYS = 30


def review_trusted_proxies() -> tuple:
    """The proxies in front of the HR review app whose X-Forwarded-For the app believes
    (LEERCOACH_REVIEW_TRUSTED_PROXIES: addresses or networks, space separated, e.g.
    "10.0.0.5 10.1.0.0/16"). Empty (the default): the client is the connecting address and the
    header is ignored, so no client can pick the address its failed logins are counted on.
    A value that is no address raises ValueError naming the setting."""
    import ipaddress

    raw = os.environ.get("LEERCOACH_REVIEW_TRUSTED_PROXIES", "").split()
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in raw)
    except ValueError:
        raise ValueError(
            f"LEERCOACH_REVIEW_TRUSTED_PROXIES={' '.join(raw)!r}: use IP addresses or networks (10.0.0.0/8)"
        ) from None


def review_https() -> bool:
    """LEERCOACH_REVIEW_HTTPS=1: the review app is only reached over HTTPS (directly or behind the
    TLS proxy): plain HTTP is redirected and browsers are told so for a year (HSTS)."""
    return os.environ.get("LEERCOACH_REVIEW_HTTPS", "").strip() == "1"


def login_log_days() -> int:
    """How long the review app keeps its record of logins and failed logins (user name, address,
    browser) for the lockout (LEERCOACH_REVIEW_LOGIN_LOG_DAYS, default 30); the purge removes
    older ones."""
    return _positive_int("LEERCOACH_REVIEW_LOGIN_LOG_DAYS", DEFAULT_LOGIN_LOG_DAYS)


# ------------------------------------------------ where things are and how they are started
# Every LEERCOACH_* variable is read here (tests/leercoach/test_settings_home.py keeps it so).

DEFAULT_ENDPOINTS = PROJECT_ROOT / "endpoints.yml"
DEFAULT_STATE_DIR = PROJECT_ROOT / ".leercoach"


def endpoints_file() -> Path:
    """The endpoints file Rasa, the action server, the purge and the review app read
    (LEERCOACH_ENDPOINTS, e.g. endpoints.production.yml or a test's own; default endpoints.yml)."""
    return Path(os.environ.get(ENDPOINTS_VARIABLE) or DEFAULT_ENDPOINTS)


def endpoints_environment(endpoints: Path) -> dict:
    """The variable that hands ``endpoints`` to a child process (or this one's later reads)."""
    return {ENDPOINTS_VARIABLE: str(endpoints)}


def state_dir() -> Path:
    """The review app's state folder: its SQLite database, secret key, cache, static files
    (LEERCOACH_REVIEW_STATE_DIR, default .leercoach/)."""
    return Path(os.environ.get("LEERCOACH_REVIEW_STATE_DIR", DEFAULT_STATE_DIR))


def log_dir() -> Path:
    """The servers' logs (LEERCOACH_LOG_DIR to put them elsewhere, e.g. a test's own folder)."""
    return Path(os.environ.get("LEERCOACH_LOG_DIR") or DEFAULT_STATE_DIR / "logs")


def cluster_dir() -> Path:
    """`make cluster`'s pid files, logs and nginx configuration (LEERCOACH_CLUSTER_DIR: another
    folder for a second cluster, e.g. a test's)."""
    return Path(os.environ.get("LEERCOACH_CLUSTER_DIR", DEFAULT_STATE_DIR / "cluster"))


def review_database_url() -> str:
    """LEERCOACH_REVIEW_DATABASE_URL (postgresql://...); empty: the local SQLite file."""
    return os.environ.get("LEERCOACH_REVIEW_DATABASE_URL", "").strip()


def _port(variable: str, default: int) -> int:
    raw = os.environ.get(variable, str(default))
    if not raw.isdigit():
        raise ValueError(f"{variable}={raw!r} is geen poortnummer.")
    return int(raw)


def rasa_port() -> int:
    return _port("LEERCOACH_RASA_PORT", 5005)


def widget_port() -> int:
    return _port("LEERCOACH_WIDGET_PORT", 8080)


DEFAULT_REVIEW_PORT = 8090


def review_port() -> int:
    return _port("LEERCOACH_REVIEW_PORT", DEFAULT_REVIEW_PORT)


def rasa_workers() -> int:
    """Rasa worker processes for `make run` (LEERCOACH_RASA_WORKERS, default 2)."""
    raw = os.environ.get("LEERCOACH_RASA_WORKERS", "2")
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"LEERCOACH_RASA_WORKERS={raw!r} is geen aantal (1 of meer).")
    return int(raw)


def allowed_origins(default: str = "") -> list:
    """The browser origins the widget may talk to Rasa from (LEERCOACH_ALLOWED_ORIGINS, space separated)."""
    return os.environ.get("LEERCOACH_ALLOWED_ORIGINS", default).split()


def pseudonym_key() -> str:
    """LEERCOACH_PSEUDONYM_KEY, stripped; empty when not set (leercoach.privacy.pseudonym checks it)."""
    return os.environ.get(PSEUDONYM_KEY_VARIABLE, "").strip()


def use_action_secret(secret: str) -> None:
    """Sets the action secret for this process and the servers it starts (never written anywhere)."""
    os.environ[ACTION_SECRET_VARIABLE] = secret


@dataclass(frozen=True)
class ClusterSettings:
    """Everything `make cluster` (leercoach.run.cluster) reads from the environment (docs/operations.md)."""

    rasa_servers: int
    action_servers: int
    host: str
    port: int
    tracker_store_url: str
    redis_host: str
    redis_port: str
    redis_db: str
    redis_password: str
    lock_lifetime: str
    model: Optional[Path]

    @classmethod
    def from_environment(cls, env=os.environ) -> ClusterSettings:
        """A bad number raises ValueError naming the variable."""

        def number(name: str, default: int, minimum: int = 1) -> int:
            raw = env.get(name, str(default)).strip()
            if not raw.isdigit() or int(raw) < minimum:
                raise ValueError(f"{name}={raw!r} moet een heel getal van minstens {minimum} zijn.")
            return int(raw)

        model = env.get("LEERCOACH_MODEL", "").strip()
        return cls(
            rasa_servers=number("LEERCOACH_CLUSTER_SERVERS", 2),
            action_servers=number("LEERCOACH_CLUSTER_ACTION_SERVERS", 1),
            host=env.get("LEERCOACH_CLUSTER_HOST", "127.0.0.1"),
            port=number("LEERCOACH_CLUSTER_PORT", 8000),
            tracker_store_url=env.get(
                "LEERCOACH_TRACKER_STORE_URL", "postgresql://postgres@127.0.0.1:5432/leercoach"
            ),
            redis_host=env.get("LEERCOACH_REDIS_HOST", "127.0.0.1"),
            redis_port=str(number("LEERCOACH_REDIS_PORT", 6379)),
            redis_db=str(number("LEERCOACH_REDIS_DB", 1, minimum=0)),
            redis_password=env.get("LEERCOACH_REDIS_PASSWORD", ""),
            # Rasa's own variable: how long a conversation stays locked by a server that died.
            lock_lifetime=str(number("TICKET_LOCK_LIFETIME", 20)),
            model=Path(model) if model else None,
        )

    def rasa_environment(self, actions_port: int) -> Dict[str, str]:
        """The variables endpoints.production.yml names, for every Rasa server."""
        return {
            "LEERCOACH_ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
            "LEERCOACH_TRACKER_STORE_URL": self.tracker_store_url,
            "LEERCOACH_REDIS_HOST": self.redis_host,
            "LEERCOACH_REDIS_PORT": self.redis_port,
            "LEERCOACH_REDIS_DB": self.redis_db,
            "LEERCOACH_REDIS_PASSWORD": self.redis_password,
            "TICKET_LOCK_LIFETIME": self.lock_lifetime,
        }


# ------------------------------------------------------------------- the HR review app


def review_secret_key() -> str:
    """LEERCOACH_REVIEW_SECRET_KEY; empty: the review app makes one per installation."""
    return os.environ.get("LEERCOACH_REVIEW_SECRET_KEY", "").strip()


def review_debug() -> bool:
    return os.environ.get("LEERCOACH_REVIEW_DEBUG") == "1"


def review_allowed_hosts() -> list:
    return os.environ.get("LEERCOACH_REVIEW_ALLOWED_HOSTS", "localhost 127.0.0.1 testserver").split()


def review_trusted_origins() -> list:
    return os.environ.get("LEERCOACH_REVIEW_TRUSTED_ORIGINS", "").split()


def review_proxy_ssl_header() -> bool:
    """LEERCOACH_REVIEW_PROXY_SSL_HEADER=1: the TLS proxy's X-Forwarded-Proto says https."""
    return os.environ.get("LEERCOACH_REVIEW_PROXY_SSL_HEADER") == "1"


def review_lockout_hours() -> float:
    return float(os.environ.get("LEERCOACH_REVIEW_LOCKOUT_HOURS", "1"))


def review_session_minutes() -> int:
    return int(os.environ.get("LEERCOACH_REVIEW_SESSION_MINUTES", "30"))


def review_host() -> str:
    return os.environ.get("LEERCOACH_REVIEW_HOST", "127.0.0.1")


def review_workers() -> int:
    return int(os.environ.get("LEERCOACH_REVIEW_WORKERS", "2"))


def review_bench_server() -> str:
    """`make bench-review`'s PostgreSQL server (LEERCOACH_REVIEW_BENCH_SERVER)."""
    return os.environ.get("LEERCOACH_REVIEW_BENCH_SERVER", "postgresql://postgres@127.0.0.1:5432")


def review_bench_database() -> str:
    """`make bench-review`'s own database on that server (LEERCOACH_REVIEW_BENCH_DB)."""
    return os.environ.get("LEERCOACH_REVIEW_BENCH_DB", "leercoach_review_bench")


@contextlib.contextmanager
def overridden(values: dict) -> Iterator[None]:
    """These settings (variable: value) for the duration of the block, then as they were."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
