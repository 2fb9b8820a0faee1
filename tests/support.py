"""Helpers for the tests that talk to real servers."""

import json
import socket
import sys
import urllib.request
from pathlib import Path
from typing import List, Tuple


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Nothing listens on the port (connections closing in TIME_WAIT don't count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def say(rasa_port: int, sender: str, message: str) -> List[dict]:
    """One message over Rasa's REST channel, as the widget sends it; the bot's replies."""
    request = urllib.request.Request(
        f"http://localhost:{rasa_port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def write_test_endpoints(work: Path, action_port: int) -> Tuple[Path, Path]:
    """An endpoints file like endpoints.yml with the test's action port and a throwaway SQLite store."""
    db = work / "conversations.db"
    endpoints = work / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {db}\n",
        encoding="utf-8",
    )
    return endpoints, db


def rasa_run_command(model: Path, endpoints: Path, port: int, *extra: str) -> List[str]:
    """`rasa run` with the project's credentials.yml (its input channels) on 127.0.0.1:port."""
    from leercoach.settings import PROJECT_ROOT

    return [
        sys.executable, "-m", "rasa", "run", "--model", str(model), "--endpoints", str(endpoints),
        "--credentials", str(PROJECT_ROOT / "credentials.yml"), "--interface", "127.0.0.1",
        "--port", str(port), *extra,
    ]  # fmt: skip
