"""Helpers for the tests against `make cluster`: a private Redis, a database per test, raw REST."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from leercoach import catalogue, content
from leercoach.coaching import questions
from leercoach.settings import PROJECT_ROOT
from tests.support import free_port

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
TEST_KEY = "test-pseudonym-key-" + "0" * 40


def post(port: int, body: bytes, timeout: float = 120) -> Tuple[int, object]:
    """One raw POST to the REST webhook; the HTTP status and the parsed reply (or the raw text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            "POST", "/webhooks/rest/webhook", body=body, headers={"Content-Type": "application/json"}
        )
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, raw.decode(errors="replace")


def say(port: int, sender: str, message: str) -> Tuple[int, object]:
    return post(port, json.dumps({"sender": sender, "message": message}).encode())


def texts(replies) -> List[str]:
    """The text of each chat bubble; a custom-only message (a mark for the widget, such as the
    feedback offer) is no bubble, so it does not count as an empty reply."""
    if not isinstance(replies, list):
        return []
    return [r.get("text") or "" for r in replies if not (r.get("custom") and not r.get("text"))]


def question_text(slot: str) -> str:
    return " ".join(questions.question(slot)["text"].split())


def conversation_script() -> List[Tuple[str, str]]:
    """A realistic conversation as (message, text one of the replies must contain): the list
    context ("de tweede") and the coaching questions, each depending on the turn before."""
    second_route = catalogue.topics_in("route")[1].key
    goal, time_slot, social = "coaching_goal", "time_per_week", "social"
    return [
        ("welke manieren zijn er om je als werknemer te ontwikkelen?", ""),
        ("de tweede", content.answer(second_route)["text"].strip()[:30]),
        ("/start_coaching", question_text(goal)),
        ("ik wil beter leren presenteren voor een groep", question_text(time_slot)),
        (questions.option_payload(time_slot, questions.option_values(time_slot)[1]), question_text(social)),
        (
            questions.option_payload(social, questions.option_values(social)[1]),
            question_text("learning_style"),
        ),
    ]


@dataclass
class Database:
    name: str = field(default_factory=lambda: f"leercoach_test_{uuid.uuid4().hex[:8]}")

    @property
    def url(self) -> str:
        return f"{POSTGRES}/{self.name}"

    def query(self, sql: str, *args):
        import psycopg2

        with psycopg2.connect(self.url) as connection:
            cursor = connection.cursor()
            cursor.execute(sql, args)
            return cursor.fetchall()

    def exists(self) -> bool:
        import psycopg2

        admin = psycopg2.connect(f"{POSTGRES}/postgres")
        try:
            cursor = admin.cursor()
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.name,))
            return cursor.fetchone() is not None
        finally:
            admin.close()

    def drop(self) -> None:
        import psycopg2

        ensure_postgres_running()
        admin = psycopg2.connect(f"{POSTGRES}/postgres")
        admin.autocommit = True
        admin.cursor().execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        admin.close()


def ensure_postgres_running() -> None:
    """The shared PostgreSQL is running again, whatever a test did to it."""
    status = subprocess.run(["pg_ctlcluster", "15", "main", "status"], capture_output=True)
    if status.returncode != 0:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "start"], check=False)


class PrivateRedis:
    """A redis-server of the test's own on a free port, so stopping it harms no one else."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True
                ).stdout.strip()
                == b"PONG"
            ):
                return
            time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@dataclass
class RunningCluster:
    process: subprocess.Popen
    port: int
    directory: Path
    database: Database
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def pid(self, name: str) -> int:
        return int((self.directory / f"{name}.pid").read_text())

    def pids(self) -> Dict[str, int]:
        return {p.stem: int(p.read_text()) for p in self.directory.glob("*.pid")}


def cluster_directory() -> Path:
    """A folder for the cluster's pid files and nginx configuration that `nobody` can read
    (nginx runs as `nobody` when the tests run as root; pytest's tmp_path is private)."""
    directory = Path(tempfile.mkdtemp(prefix="leercoach-cluster-"))
    directory.chmod(0o755)
    return directory


def cluster_environment(directory: Path, database: Database, redis_port: int, **extra: str) -> Dict[str, str]:
    from leercoach.run.model import model_path

    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "LEERCOACH_PSEUDONYM_KEY": TEST_KEY,
        "LEERCOACH_CLUSTER_DIR": str(directory),
        "LEERCOACH_CLUSTER_PORT": str(free_port()),
        "LEERCOACH_TRACKER_STORE_URL": database.url,
        "LEERCOACH_REDIS_HOST": "127.0.0.1",
        "LEERCOACH_REDIS_PORT": str(redis_port),
        "LEERCOACH_REDIS_DB": "0",
        "LEERCOACH_MODEL": str(model_path()),
        # A conversation whose server died mid-turn waits this long for its lock.
        "TICKET_LOCK_LIFETIME": "10",
        **extra,
    }


def start_cluster(directory: Path, database: Database, redis_port: int, **extra: str) -> RunningCluster:
    """`python -m leercoach.run cluster` in a session of its own; its output goes to a file
    (``directory``/../<name>.out), so a test can read it at any time and nothing blocks on a pipe."""
    env = cluster_environment(directory, database, redis_port, **extra)
    log = directory.with_suffix(".out")
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "leercoach.run", "cluster"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = RunningCluster(process, int(env["LEERCOACH_CLUSTER_PORT"]), directory, database, log)
    try:
        deadline = time.monotonic() + 600
        while "Stoppen:" not in running.output():  # the last line make cluster prints once it is up
            if process.poll() is not None:
                raise RuntimeError("make cluster stopped before it was up:\n" + running.output())
            if time.monotonic() > deadline:
                raise RuntimeError("make cluster was not up within 10 minutes:\n" + running.output())
            time.sleep(0.5)
    except BaseException:  # also Ctrl-C of the test run: no cluster left behind
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=120)
        raise
    return running


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by a parent that is itself stopping) is not running.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def wait_until(condition, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
