"""Starts the action server, the Rasa server and the widget page, and stops them together."""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple
from urllib.parse import urlparse

import yaml

from leercoach import settings
from leercoach.run.model import LaunchError
from leercoach.settings import PROJECT_ROOT

LOG_DIR = settings.log_dir()
CREDENTIALS = PROJECT_ROOT / "credentials.yml"


def credentials_variables(credentials_file: Path = CREDENTIALS) -> List[str]:
    """The environment variables credentials.yml names as ${VARIABLE}."""
    return re.findall(r"\$\{(\w+)\}", credentials_file.read_text(encoding="utf-8"))


def child_environment() -> dict:
    env = dict(os.environ)
    # Rasa refuses to start when a ${VARIABLE} in credentials.yml is not set at all; empty
    # means "channel not configured", so a first run needs none of them.
    for variable in credentials_variables():
        env.setdefault(variable, "")
    env["RASA_TELEMETRY_ENABLED"] = "false"  # an HR tool must not phone home
    env["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    return env


def action_port(endpoints_file: Path) -> int:
    """The action server's port, from the endpoints file Rasa itself reads."""
    endpoints = yaml.safe_load(endpoints_file.read_text(encoding="utf-8"))
    url = (endpoints.get("action_endpoint") or {}).get("url", "")
    port = urlparse(url).port
    if port is None:
        raise LaunchError(f"{endpoints_file.name}: action_endpoint.url has no port ({url!r}).")
    return port


def ensure_port_free(port: int, what: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise LaunchError(f"Poort {port} is al in gebruik ({what}), of stop wat daar draait.") from None


def say(line: str = "", file=None) -> None:
    """Print, but a closed terminal (SIGHUP) must not turn the stop into a traceback."""
    with contextlib.suppress(OSError):
        print(line, file=file or sys.stdout, flush=True)


def _die_with_parent() -> None:
    """Runs in the child before exec: the kernel sends it SIGTERM when the launcher dies,
    even by SIGKILL, so no server outlives the command that started it."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def on_stop_signals(handler) -> None:
    """Ctrl-C, `kill` (SIGTERM), a closed terminal (SIGHUP) and `kill -- -PGID` all stop."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, handler)


def ignore_stop_signals() -> None:
    """While stopping: a second signal (`kill -- -PGID` reaches make and the launcher at once)
    must not interrupt the stopping half-way, with a traceback and a server left running."""
    on_stop_signals(signal.SIG_IGN)


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    log: Path

    def last_log_line(self) -> str:
        lines = [line for line in self.log.read_text(errors="replace").splitlines() if line.strip()]
        return lines[-1].strip() if lines else "(no output)"


class Servers:
    """The processes `make run` owns; each in its own process group so one Ctrl-C stops all."""

    def __init__(self, log_dir: Path = LOG_DIR) -> None:
        self.running: List[Server] = []
        self.log_dir = log_dir
        log_dir.mkdir(parents=True, exist_ok=True)

    def start(
        self, name: str, command: List[str], extra_env: Optional[dict] = None, user: Optional[str] = None
    ) -> Server:
        log = self.log_dir / f"{name.replace(' ', '-')}.log"
        handle = log.open("w")
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**child_environment(), **(extra_env or {})},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
            user=user,
        )
        server = Server(name, process, log)
        self.running.append(server)
        return server

    def wait_until_up(self, server: Server, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                raise LaunchError(
                    f"De {server.name} is gestopt: {server.last_log_line()} (log: {server.log})"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.5)
        raise LaunchError(f"De {server.name} reageerde niet binnen {timeout:.0f} s (log: {server.log})")

    def first_exited(self) -> Optional[Server]:
        return next((s for s in self.running if s.process.poll() is not None), None)

    def stop_all(self) -> None:
        ignore_stop_signals()
        stop_groups([(server.process.pid, server.process) for server in reversed(self.running)])
        self.running.clear()


def stop_groups(groups: List[Tuple[int, Optional[subprocess.Popen]]], grace: float = 10) -> None:
    """SIGTERM to each server's process group (its workers too), all at once; SIGKILL to what is
    left after ``grace`` seconds. ``groups``: (pid of the group leader, its Popen if it is ours)."""
    for pid, _ in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)

    def running(pid: int, process: Optional[subprocess.Popen]) -> bool:
        return process.poll() is None if process is not None else _group_alive(pid)

    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(running(pid, process) for pid, process in groups):
        time.sleep(0.1)
    for pid, process in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)  # whatever is left of the group
        if process is not None:
            process.wait()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def python_module(*args: str) -> List[str]:
    return [sys.executable, "-m", *args]


def rasa_run_command(
    model: Path,
    endpoints: Path,
    port: int,
    *,
    credentials: Optional[Path] = CREDENTIALS,
    interface: Optional[str] = None,
    cors: Sequence[str] = (),
    module: str = "leercoach.run.rasa_cli",
    extra: Sequence[str] = (),
) -> List[str]:
    """The one `rasa run` command line (make run, make cluster, bench, profile, the tests):
    through leercoach.run.rasa_cli (Leercoach's overrides of Rasa installed first); ``module``
    another entry point with Rasa's arguments (benchmarks.timed_rasa; plain "rasa" for the bench's
    stock bot), ``credentials`` None for a bot without the project's channels."""
    return python_module(
        module,
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        *(["--credentials", str(credentials)] if credentials else []),
        *(["--interface", interface] if interface else []),
        "--port",
        str(port),
        *(["--cors", *cors] if cors else []),
        *extra,
    )


def ensure_action_secret() -> None:
    """The launcher starts both the Rasa servers and the action servers, so it gives them their
    shared secret: LEERCOACH_ACTION_SECRET when set (checked), else a fresh one for this start,
    in the environment the servers inherit. Never printed or written anywhere."""
    if settings.action_secret():
        try:
            settings.require_action_secret()
        except ValueError as problem:
            raise LaunchError(str(problem)) from None
    else:
        settings.use_action_secret(secrets.token_urlsafe(32))


def action_server_command(port: int, host: str = "127.0.0.1") -> List[str]:
    """The action server (leercoach.run.action_server: every call needs the secret) on
    ``host``: this machine only, unless a container needs 0.0.0.0."""
    return python_module(
        "leercoach.run.action_server", "--actions", "actions", "--host", host, "--port", str(port)
    )
