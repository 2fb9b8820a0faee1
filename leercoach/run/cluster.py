"""`make cluster` / `make cluster-stop`: the production set-up on one machine.

nginx (Debian's package, unprivileged, in the foreground) in front of N Rasa servers and the
action server(s); the Rasa servers share the PostgreSQL tracker store and the Redis lock store
(endpoints.production.yml, values from the environment) and load the model from one path.
The launcher stays in the foreground like `make run`: a Rasa or action server that stops is
started again; Ctrl-C, SIGTERM, SIGHUP, `kill -- -PGID` or `make cluster-stop` (pid files in
.leercoach/cluster/) stop everything.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from leercoach import content
from leercoach.run import daily_purge
from leercoach.run.model import LaunchError, ensure_model
from leercoach.run.servers import (
    Server,
    Servers,
    action_server_command,
    ensure_action_secret,
    ensure_port_free,
    python_module,
    say,
    stop_groups,
)
from leercoach.settings import PROJECT_ROOT, max_message_chars

# Pid files, logs and the nginx configuration (another folder for a second cluster, e.g. a test's).
CLUSTER_DIR = Path(os.environ.get("LEERCOACH_CLUSTER_DIR", PROJECT_ROOT / ".leercoach" / "cluster"))
NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "leercoach.conf.template"
ENDPOINTS = PROJECT_ROOT / "endpoints.production.yml"
LAUNCHER_PID = "launcher.pid"
# A server that stopped is started again, but not more often than this (seconds).
RESTART_PAUSE = 10


@dataclass(frozen=True)
class ClusterSettings:
    """Everything `make cluster` reads from the environment (README: Productie op één machine)."""

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
        def number(name: str, default: int, minimum: int = 1) -> int:
            raw = env.get(name, str(default)).strip()
            if not raw.isdigit() or int(raw) < minimum:
                raise LaunchError(f"{name}={raw!r} moet een heel getal van minstens {minimum} zijn.")
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


def require_pseudonym_key() -> None:
    """Production never falls back to the local key `make run` writes: refuse to start."""
    try:
        from leercoach.privacy.pseudonym import require_configured_key
    except ImportError:  # until the privacy package (issue 8) is merged: the same check here

        def require_configured_key() -> None:
            if not os.environ.get("LEERCOACH_PSEUDONYM_KEY", "").strip():
                raise RuntimeError(
                    "LEERCOACH_PSEUDONYM_KEY is niet gezet. Zonder deze sleutel kan Leercoach geen "
                    "schuilnamen maken voor gebruikers-id's. Maak er een met: "
                    "python -c 'import secrets; print(secrets.token_hex(32))'"
                )

    try:
        require_configured_key()
    except Exception as problem:  # the privacy package's Dutch message, on one line
        raise LaunchError(str(problem)) from None


def ensure_database(url: str) -> bool:
    """Creates the tracker store's PostgreSQL database when it is missing; True if it did."""
    import psycopg2
    from psycopg2 import sql
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if not target.drivername.startswith("postgresql") or not target.database:
        raise LaunchError(
            f"LEERCOACH_TRACKER_STORE_URL moet een PostgreSQL-database noemen, niet {target.drivername}."
        )
    try:
        admin = psycopg2.connect(
            host=target.host,
            port=target.port,
            user=target.username,
            password=target.password,
            dbname="postgres",
        )
    except psycopg2.OperationalError as problem:
        first_line = str(problem).strip().splitlines()[0]
        raise LaunchError(
            f"PostgreSQL op {target.host}:{target.port or 5432} is niet bereikbaar: {first_line}"
        ) from None
    try:
        admin.autocommit = True
        cursor = admin.cursor()
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.database,))
        if cursor.fetchone():
            return False
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.database)))
        return True
    finally:
        admin.close()


def _reply_json(text: str) -> str:
    """A Dutch text in the REST channel's reply format, safe inside nginx's single quotes."""
    return json.dumps([{"recipient_id": "", "text": text}]).replace("'", "\\u0027")


def nginx_config(
    runtime_dir: Path, listen: str, actions_listen: str, rasa_ports: List[int], action_ports: List[int]
) -> str:
    def servers(ports: List[int]) -> str:
        return "\n        ".join(f"server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ports)

    limit = max_message_chars()
    values = {
        "RUNTIME_DIR": str(runtime_dir),
        "LISTEN": listen,
        "ACTIONS_LISTEN": actions_listen,
        "RASA_SERVERS": servers(rasa_ports),
        "ACTION_SERVERS": servers(action_ports),
        # Bytes, not characters: room for 4-byte UTF-8 and JSON escapes, so the channel itself
        # answers a message just over the limit; only far larger bodies stop here.
        "MAX_BODY": f"{max(64, limit * 8 // 1024)}k",
        "UNAVAILABLE_JSON": _reply_json(content.message("server_error")),
        "TOO_LONG_JSON": _reply_json(content.message("too_long", max_chars=limit)),
    }
    config = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        config = config.replace(f"@{name}@", value)
    return config


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _nginx_user() -> Optional[str]:
    """Started by root (CI), nginx runs as `nobody`; otherwise as whoever starts it."""
    return "nobody" if os.geteuid() == 0 else None


class Cluster:
    """The processes of one `make cluster`, each with a pid file, restarted when they stop."""

    def __init__(self, settings: ClusterSettings, model: Path, runtime_dir: Path = CLUSTER_DIR) -> None:
        self.settings = settings
        self.model = model
        self.dir = runtime_dir
        self.servers = Servers(log_dir=runtime_dir / "logs")
        self.commands: Dict[str, tuple] = {}  # name -> (command, env, health url, user)
        self.last_start: Dict[str, float] = {}
        self.actions_port = _free_port()
        self.action_ports = [_free_port() for _ in range(settings.action_servers)]
        self.rasa_ports = [_free_port() for _ in range(settings.rasa_servers)]

    def _start(
        self,
        name: str,
        command: List[str],
        health: str,
        env: Optional[dict] = None,
        user: Optional[str] = None,
    ) -> Server:
        self.commands[name] = (command, env, health, user)
        self.last_start[name] = time.monotonic()
        server = self.servers.start(name, command, extra_env=env, user=user)
        (self.dir / f"{name}.pid").write_text(f"{server.process.pid}\n")
        return server

    def start(self) -> None:
        action_servers = [
            self._start(f"actieserver-{i}", action_server_command(port), f"http://127.0.0.1:{port}/health")
            for i, port in enumerate(self.action_ports, 1)
        ]
        rasa_env = self.settings.rasa_environment(self.actions_port)
        origins = os.environ.get("LEERCOACH_ALLOWED_ORIGINS", "").split()
        rasa_servers = [
            self._start(
                f"rasa-{i}",
                python_module(
                    "leercoach.run.rasa_cli",
                    "run",
                    "--model",
                    str(self.model),
                    "--endpoints",
                    str(ENDPOINTS),
                    "--credentials",
                    str(PROJECT_ROOT / "credentials.yml"),
                    "--port",
                    str(port),
                    *(["--cors", *origins] if origins else []),
                ),
                f"http://127.0.0.1:{port}/",
                env=rasa_env,
            )
            for i, port in enumerate(self.rasa_ports, 1)
        ]
        for server in action_servers:
            self.servers.wait_until_up(server, self.commands[server.name][2], timeout=120)
        for server in rasa_servers:
            self.servers.wait_until_up(server, self.commands[server.name][2], timeout=300)
        self._start_nginx()

    def _start_nginx(self) -> None:
        nginx_dir = self.dir / "nginx"
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            (nginx_dir / sub).mkdir(parents=True, exist_ok=True)
        user = _nginx_user()
        if user:
            _check_reachable_for_others(self.dir)
            account = pwd.getpwnam(user)
            for path in [nginx_dir, *nginx_dir.rglob("*")]:
                os.chown(path, account.pw_uid, account.pw_gid)
        config = self.dir / "nginx.conf"
        config.write_text(
            nginx_config(
                nginx_dir,
                f"{self.settings.host}:{self.settings.port}",
                f"127.0.0.1:{self.actions_port}",
                self.rasa_ports,
                self.action_ports,
            ),
            encoding="utf-8",
        )
        nginx = self._start(
            "nginx",
            [
                _nginx_binary(),
                "-p",
                str(nginx_dir),
                "-c",
                str(config),
                "-e",
                str(nginx_dir / "nginx-error.log"),
                "-g",
                "daemon off;",
            ],
            f"http://127.0.0.1:{self.settings.port}/",
            user=user,
        )
        self.servers.wait_until_up(nginx, self.commands["nginx"][2], timeout=30)

    def keep_running(self) -> None:
        """Until a stop signal: a server that stopped by itself is started again."""
        while True:
            time.sleep(1)
            for server in list(self.servers.running):
                if server.process.poll() is None:
                    continue
                if time.monotonic() - self.last_start[server.name] < RESTART_PAUSE:
                    continue
                say(f"De {server.name} is gestopt; hij start opnieuw (log: {server.log}).")
                self.servers.running.remove(server)
                command, env, health, user = self.commands[server.name]
                self._start(server.name, command, health, env=env, user=user)

    def stop(self) -> None:
        self.servers.stop_all()
        for pid_file in self.dir.glob("*.pid"):
            pid_file.unlink(missing_ok=True)


def _check_reachable_for_others(directory: Path) -> None:
    """nginx runs as `nobody`: every folder above its configuration must be open to others."""
    for folder in [directory, *directory.parents]:
        if not folder.stat().st_mode & 0o001:
            raise LaunchError(
                f"nginx draait als 'nobody' en kan niet in {folder}: kies met LEERCOACH_CLUSTER_DIR "
                f"een map waar iedereen in mag (chmod o+x), of start make cluster niet als root."
            )


def _nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if not found:
        raise LaunchError(
            "nginx is niet geïnstalleerd: `make cluster` installeert het (apt-get install nginx)."
        )
    return found


def cluster() -> None:
    """`make cluster`: start everything, print the address, run until stopped."""
    require_pseudonym_key()
    ensure_action_secret()
    settings = ClusterSettings.from_environment()
    _nginx_binary()
    ensure_port_free(settings.port, "nginx; kies een andere met LEERCOACH_CLUSTER_PORT")
    if _running_launcher() is not None:
        raise LaunchError("Er draait al een Leercoach-cluster; stop het met `make cluster-stop`.")
    model = settings.model or ensure_model()
    if not model.exists():
        raise LaunchError(f"LEERCOACH_MODEL: {model} bestaat niet.")
    if ensure_database(settings.tracker_store_url):
        say("De database voor de gesprekken is aangemaakt.")
    CLUSTER_DIR.mkdir(parents=True, exist_ok=True)
    (CLUSTER_DIR / LAUNCHER_PID).write_text(f"{os.getpid()}\n")
    running = Cluster(settings, model)
    # Every server, and the retention purge here, reads endpoints.production.yml with these values.
    os.environ.update(settings.rasa_environment(running.actions_port), LEERCOACH_ENDPOINTS=str(ENDPOINTS))
    say(daily_purge.purge_once(ENDPOINTS))
    purger = daily_purge.DailyPurge(ENDPOINTS)
    try:
        running.start()
        address = f"http://{'localhost' if settings.host in ('127.0.0.1', '0.0.0.0') else settings.host}:{settings.port}"
        say()
        say(
            f"Leercoach-cluster draait: nginx voor {settings.rasa_servers} Rasa-servers en "
            f"{settings.action_servers} actieserver(s)."
        )
        say(f"Adres:  {address}   REST-kanaal: POST {address}/webhooks/rest/webhook")
        purger.start()
        say(f"Logs: {running.servers.log_dir}   Stoppen: Ctrl-C of make cluster-stop")
        running.keep_running()
    finally:
        purger.stop()
        running.stop()
        (CLUSTER_DIR / LAUNCHER_PID).unlink(missing_ok=True)


def _running_launcher() -> Optional[int]:
    """The pid of the running `make cluster`, if its pid file names a live launcher."""
    try:
        pid = int((CLUSTER_DIR / LAUNCHER_PID).read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    return pid if b"leercoach.run" in command else None


def cluster_stop(timeout: float = 60) -> None:
    """`make cluster-stop`: stop the launcher (it stops its servers), then whatever is left."""
    launcher = _running_launcher()
    if launcher is not None:
        os.kill(launcher, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _running_launcher() is not None:
            time.sleep(0.2)
    left = [p for p in CLUSTER_DIR.glob("*.pid") if p.name != LAUNCHER_PID]
    # The launcher was killed with -9: stop its servers' groups directly.
    groups = []
    for pid_file in left:
        with contextlib.suppress(ValueError):
            groups.append((int(pid_file.read_text().strip()), None))
        pid_file.unlink(missing_ok=True)
    stop_groups(groups)
    (CLUSTER_DIR / LAUNCHER_PID).unlink(missing_ok=True)
    say("Leercoach-cluster is gestopt." if launcher or left else "Er draaide geen Leercoach-cluster.")
