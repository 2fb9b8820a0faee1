"""Helpers for the tests that talk to real servers."""

import contextlib
import json
import socket
import sys
import urllib.request
import uuid
from pathlib import Path
from typing import List


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


def forged_call(port, headers=None, host="127.0.0.1"):
    """What an attacker on the network sends to an action server: "export the conversation of
    someone else"; the status and the body of the answer."""
    import urllib.error

    body = {
        "next_action": "action_export_conversation",
        "sender_id": "iemand-anders",
        "tracker": {"sender_id": "iemand-anders", "slots": {}, "latest_message": {}, "events": []},
        "domain": {},
        "version": "3.6.21",
    }
    request = urllib.request.Request(
        f"http://{host}:{port}/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode()


def this_machines_address():
    """An address of this machine other than loopback (the route a colleague's PC would use)."""
    import pytest

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: it only picks the interface
        except OSError:
            pytest.skip("this machine has no route to another one")
        address = probe.getsockname()[0]
    if address.startswith("127."):
        pytest.skip("this machine has no address but loopback")
    return address


POSTGRES = "postgresql://postgres@127.0.0.1:5432"


@contextlib.contextmanager
def postgres_database(prefix: str = "leercoach_test"):
    """A fresh PostgreSQL database on the local server (trust auth); its URL. Dropped afterwards."""
    import psycopg2

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(f"{POSTGRES}/postgres")
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def sqlite_endpoints(path, action_port: int, db) -> None:
    """A one-machine endpoints file (as endpoints.yml) with its own SQLite store and action port."""
    path.write_text(
        f'action_endpoint:\n  url: "http://localhost:{action_port}/webhook"\n'
        "tracker_store:\n  type: leercoach.privacy.tracker_store.PrivateSQLTrackerStore\n"
        f"  dialect: sqlite\n  db: {db}\n"
    )


def make_run_in(work: Path) -> dict:
    """`make run`'s settings for a scratch folder: free ports, its own endpoints file and SQLite
    store, logs and review state in `work`. Keys: ports, endpoints, db, env."""
    import os

    ports = {"rasa": free_port(), "widget": free_port(), "action": free_port(), "review": free_port()}
    endpoints, db = work / "endpoints.yml", work / "conversations.db"
    sqlite_endpoints(endpoints, ports["action"], db)
    env = {
        **os.environ,
        "LEERCOACH_ENDPOINTS": str(endpoints),
        "LEERCOACH_LOG_DIR": str(work / "logs"),
        "LEERCOACH_RASA_PORT": str(ports["rasa"]),
        "LEERCOACH_WIDGET_PORT": str(ports["widget"]),
        # make run starts the review app too: a free port and a state folder of its own
        "LEERCOACH_REVIEW_PORT": str(ports["review"]),
        "LEERCOACH_REVIEW_STATE_DIR": str(work / "review"),
    }
    return {"ports": ports, "endpoints": endpoints, "db": db, "env": env}


def rasa_run_command(model: Path, endpoints: Path, port: int, *extra: str) -> List[str]:
    """`rasa run` with the project's credentials.yml (its input channels) on 127.0.0.1:port."""
    from leercoach.settings import PROJECT_ROOT

    return [
        sys.executable, "-m", "leercoach.run.rasa_cli", "run", "--model", str(model), "--endpoints", str(endpoints),
        "--credentials", str(PROJECT_ROOT / "credentials.yml"), "--interface", "127.0.0.1",
        "--port", str(port), *extra,
    ]  # fmt: skip


def start_until_up(command: List[str], env: dict, up_line: str, what: str, timeout: float = 600):
    """Starts ``command`` in a session of its own (as from a terminal) and reads its output until
    ``up_line``; the process and the lines read. Fails the test when it stops or takes too long."""
    import subprocess
    import time

    import pytest

    from leercoach.settings import PROJECT_ROOT

    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )  # fmt: skip
    output: List[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            pytest.fail(f"{what} stopped before it was up:\n" + "".join(output))
        output.append(line)
        if up_line in line:
            return process, output
    process.kill()
    pytest.fail(f"{what} was not up within {timeout:.0f} s:\n" + "".join(output))
