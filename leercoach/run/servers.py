"""Starts the action server, the Rasa server and the widget page, and stops them together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional
from urllib.parse import urlparse

import yaml

from leercoach.run.model import LaunchError
from leercoach.settings import PROJECT_ROOT

# The servers' logs (LEERCOACH_LOG_DIR to put them elsewhere, e.g. a test's own folder).
LOG_DIR = Path(os.environ.get("LEERCOACH_LOG_DIR") or PROJECT_ROOT / ".leercoach" / "logs")


def child_environment() -> dict:
    env = dict(os.environ)
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

    def start(self, name: str, command: List[str], extra_env: Optional[dict] = None) -> Server:
        log = self.log_dir / f"{name.replace(' ', '-')}.log"
        handle = log.open("w")
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**child_environment(), **(extra_env or {})},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
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
        for server in reversed(self.running):
            if server.process.poll() is None:
                os.killpg(server.process.pid, signal.SIGTERM)
        for server in self.running:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.process.pid, signal.SIGKILL)
        self.running.clear()


def python_module(*args: str) -> List[str]:
    return [sys.executable, "-m", *args]
