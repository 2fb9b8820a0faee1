"""`make run` and `make cluster` stop every process they started, on every way of stopping them:
`kill -- -PGID` (systemd, a container stop), SIGTERM to the launcher, SIGHUP (a closed terminal)
and Ctrl-C (SIGINT to the terminal's foreground group); without a traceback, every port free.
Started through `make` itself, in a session of its own, as from a terminal.
"""

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from leercoach.run.model import model_path
from leercoach.settings import PROJECT_ROOT
from tests.leercoach.run.test_serve import launcher_env
from tests.support import free_port, port_is_free, start_until_up
from tests.support_cluster import (
    Database,
    PrivateRedis,
    alive,
    cluster_directory,
    cluster_environment,
    wait_until,
)

pytestmark = pytest.mark.servers

WAYS_TO_STOP = {
    "kill -- -PGID": lambda make, launcher: os.killpg(make, signal.SIGTERM),
    "SIGTERM to the launcher": lambda make, launcher: os.kill(launcher, signal.SIGTERM),
    "SIGHUP, terminal closed": lambda make, launcher: os.killpg(make, signal.SIGHUP),
    "Ctrl-C": lambda make, launcher: os.killpg(make, signal.SIGINT),
}


@pytest.fixture(autouse=True)
def needs_a_model():
    if not model_path().exists():
        pytest.fail("no model for the current data: run `make train` first (make test does)")


def start_make(target: str, env: dict, up_line: str):
    return start_until_up(["make", "--no-print-directory", target], env, up_line, f"make {target}")


def children(pid: int):
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def launcher_pid(make_pid: int) -> int:
    """The python launcher make started (make's only child)."""
    (launcher,) = children(make_pid)
    return launcher


def descendants(pid: int):
    """Every process below ``pid``, including the servers in their own sessions."""
    found, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            found.append(child)
            todo.append(child)
    return found


def assert_all_stopped(process, output, processes, ports):
    rest, _ = process.communicate(timeout=120)
    printed = "".join(output) + rest
    assert "Traceback" not in printed, printed
    assert "gestopt" in printed
    assert wait_until(lambda: not any(alive(p) for p in processes), timeout=30), [
        p for p in processes if alive(p)
    ]
    assert wait_until(lambda: all(port_is_free(p) for p in ports), timeout=10)


@pytest.mark.parametrize("way", WAYS_TO_STOP)
def test_make_run_stops_everything(way, tmp_path):
    ports = [free_port(), free_port(), free_port()]
    env = launcher_env(tmp_path, *ports)
    process, output = start_make("run", env, "Ctrl-C")
    launcher = launcher_pid(process.pid)
    processes = descendants(process.pid)
    assert len(processes) >= 4  # launcher, action server, Rasa, demo page
    WAYS_TO_STOP[way](process.pid, launcher)
    assert_all_stopped(process, output, processes, ports)


@pytest.mark.parametrize("way", ["make cluster-stop", "SIGHUP, terminal closed", "Ctrl-C"])
def test_make_cluster_stops_everything(way):
    redis, database, directory = PrivateRedis(), Database(), cluster_directory()
    redis.start()
    env = cluster_environment(directory, database, redis.port, LEERCOACH_CLUSTER_SERVERS="1")
    process = None
    try:
        process, output = start_make("cluster", env, "Stoppen:")
        launcher = launcher_pid(process.pid)
        processes = [launcher, *descendants(launcher)]
        assert {"nginx", "rasa-1", "actieserver-1"} <= {p.stem for p in directory.glob("*.pid")}
        if way == "make cluster-stop":
            stopped = subprocess.run(
                ["make", "--no-print-directory", "cluster-stop"],
                cwd=PROJECT_ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert stopped.returncode == 0 and "Leercoach-cluster is gestopt." in stopped.stdout
        else:
            WAYS_TO_STOP[way](process.pid, launcher)
        assert_all_stopped(process, output, processes, [int(env["LEERCOACH_CLUSTER_PORT"])])
        assert not list(directory.glob("*.pid"))
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        redis.kill()
        database.drop()
        shutil.rmtree(directory, ignore_errors=True)
