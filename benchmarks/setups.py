"""The set-ups `make bench` measures, each started on free ports and stopped afterwards.

- Leercoach exactly as `make run` starts it (python -m leercoach.run serve: action server,
  one Rasa server, demo page), with the project's endpoints.yml pointed at a fresh SQLite file,
  or without a tracker store (Rasa's in-memory store).
- The stock `rasa init` bot, built once with the project's venv and cached under
  ~/.cache/leercoach/bench/rasa-<version>/, on the same SQLite store or in memory.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import yaml

from benchmarks import machine
from leercoach.run.model import model_path, training_record
from leercoach.run.servers import child_environment, rasa_run_command
from leercoach.settings import PROJECT_ROOT
from tests.support import free_port

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "leercoach" / "bench"


@dataclass
class Running:
    """A started set-up: where to send messages, its processes by name, how long it took."""

    name: str
    url: str
    processes: Dict[str, int]
    ready_s: float
    train_s: Optional[float] = None
    notes: List[str] = field(default_factory=list)

    def pids(self) -> List[int]:
        return [pid for root in self.processes.values() for pid in machine.tree(root)]

    def rss_mb(self) -> Dict[str, float]:
        """The largest process of each server; "rasa ×2" when it runs several large workers
        (forked workers share pages, so their sum would overstate the memory used)."""
        found = {}
        for name, pid in self.processes.items():
            sizes = [machine.rss_mb(p) for p in machine.tree(pid)]
            workers = sum(size >= 200 for size in sizes)
            found[f"{name} ×{workers}" if workers > 1 else name] = round(max(sizes))
        return found


def _endpoints(folder: Path, action_port: Optional[int], store: str) -> Path:
    """The project's endpoints.yml with its own action port and SQLite file, or no store."""
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8")) or {}
    if action_port is None:
        endpoints.pop("action_endpoint", None)
    else:
        endpoints["action_endpoint"] = {
            **endpoints.get("action_endpoint", {}),
            "url": f"http://localhost:{action_port}/webhook",
        }
    if store == "sqlite":
        endpoints["tracker_store"] = {
            **endpoints.get("tracker_store", {}),
            "db": str(folder / "conversations.db"),
        }
        if "lock_store" in endpoints:
            endpoints["lock_store"] = {**endpoints["lock_store"], "db": str(folder / "locks.db")}
    else:  # in memory: one worker, as each worker would have conversations of its own
        endpoints.pop("tracker_store", None)
        endpoints.pop("lock_store", None)
    path = folder / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints), encoding="utf-8")
    return path


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _wait_for_line(process: subprocess.Popen, marker: str, timeout: float) -> List[str]:
    lines: List[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            raise RuntimeError("set-up stopped before it was up:\n" + "".join(lines[-20:]))
        lines.append(line)
        if marker in line:
            return lines
    raise RuntimeError(f"set-up not up within {timeout:.0f} s")


@contextmanager
def leercoach(store: str) -> Iterator[Running]:
    """`make run`'s set-up; `store` is 'sqlite' or 'memory'."""
    model = model_path()
    if not model.exists():
        raise RuntimeError("no model for the current data: run `make train` first")
    rasa_port, widget_port, action_port = free_port(), free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="leercoach-bench-") as folder:
        env = {
            **child_environment(),
            "LEERCOACH_ENDPOINTS": str(_endpoints(Path(folder), action_port, store)),
            "LEERCOACH_RASA_PORT": str(rasa_port),
            "LEERCOACH_WIDGET_PORT": str(widget_port),
        }
        launcher, ready = _launch("serve", env, "Ctrl-C", timeout=600)
        try:
            servers = machine.children(launcher.pid)
            by_name = {_role(pid): pid for pid in servers}
            yield Running(
                f"Leercoach, {store_label(store)}",
                f"http://127.0.0.1:{rasa_port}",
                by_name,
                ready,
                train_s=_training_seconds(model),
            )
        finally:
            _stop(launcher)


def _launch(command: str, env: dict, marker: str, timeout: float):
    """Starts `python -m leercoach.run <command>`; returns it and the seconds until it printed
    `marker` (the last line it prints once everything is up)."""
    started = time.monotonic()
    launcher = subprocess.Popen(
        [sys.executable, "-m", "leercoach.run", command],
        cwd=PROJECT_ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for_line(launcher, marker, timeout=timeout)
    except BaseException:
        _stop(launcher)
        raise
    return launcher, time.monotonic() - started


def _role(pid: int) -> str:
    command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    if b"actions" in command:
        return "actions"
    if b"leercoach.widget.server" in command:
        return "demo page"
    if any(part.startswith(b"leercoach.review") for part in command):
        return "HR review"
    return "rasa"


def store_label(store: str) -> str:
    return {"sqlite": "SQLite store", "memory": "in-memory store"}[store]


def _training_seconds(model: Path) -> Optional[float]:
    """How long `make train` took for this model (written by leercoach.run.model), if known."""
    record = training_record(model)
    if record.exists():
        return json.loads(record.read_text()).get("train_seconds")
    return None


def _rasa_version() -> str:
    import rasa

    return rasa.__version__


def stock_bot() -> Path:
    """The stock `rasa init` project (trained by `rasa init --no-prompt`), built once."""
    home = CACHE / f"rasa-{_rasa_version()}" / "stock"
    if not list((home / "models").glob("*.tar.gz")):
        home.parent.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix="stock-", dir=home.parent))
        started = time.monotonic()
        print(f"bench: building the stock bot with `rasa init --no-prompt` in {build}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(build)],
            cwd=build,
            env=child_environment(),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (build / "bench.json").write_text(json.dumps({"train_seconds": round(time.monotonic() - started, 1)}))
        shutil.rmtree(home, ignore_errors=True)
        build.rename(home)
    return home


@contextmanager
def stock(store: str) -> Iterator[Running]:
    home = stock_bot()
    model = sorted((home / "models").glob("*.tar.gz"))[-1]
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="stock-bench-") as folder:
        endpoints = Path(folder) / "endpoints.yml"
        store_config = {
            "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(Path(folder) / "rasa.db")}
        }
        endpoints.write_text(yaml.safe_dump(store_config if store == "sqlite" else {}), encoding="utf-8")
        started = time.monotonic()
        log = (Path(folder) / "rasa.log").open("w")
        server = subprocess.Popen(
            rasa_run_command(model, endpoints, port, credentials=None, module="rasa"),
            cwd=home,
            env=child_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_up(server, f"http://127.0.0.1:{port}/", Path(folder) / "rasa.log")
            train = json.loads((home / "bench.json").read_text()).get("train_seconds")
            yield Running(
                f"stock bot, {store_label(store)}",
                f"http://127.0.0.1:{port}",
                {"rasa": server.pid},
                time.monotonic() - started,
                train_s=train,
            )
        finally:
            _stop(server)


def _wait_until_up(process: subprocess.Popen, url: str, log: Path, timeout: float = 300) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server stopped: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"server not up within {timeout:.0f} s")


@contextmanager
def cluster() -> Iterator[Running]:
    """`make cluster`'s set-up (nginx, LEERCOACH_CLUSTER_SERVERS Rasa servers, PostgreSQL,
    Redis), on a free port, with a PostgreSQL database of its own that is dropped afterwards."""
    import psycopg2

    name = f"leercoach_bench_{secrets.token_hex(4)}"
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="leercoach-bench-cluster-") as folder:
        os.chmod(folder, 0o755)  # nginx runs as an unprivileged user
        env = {
            **child_environment(),
            "LEERCOACH_CLUSTER_PORT": str(port),
            "LEERCOACH_CLUSTER_DIR": folder,
            "LEERCOACH_TRACKER_STORE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}",
            "LEERCOACH_REDIS_DB": os.environ.get("LEERCOACH_BENCH_REDIS_DB", "7"),
            "LEERCOACH_PSEUDONYM_KEY": secrets.token_hex(32),
        }
        launcher, ready = _launch("cluster", env, "Stoppen", timeout=900)
        try:
            by_name: Dict[str, int] = {}
            for pid in machine.children(launcher.pid):
                role = _cluster_role(pid)
                by_name[
                    role if role not in by_name else f"{role} {sum(k.startswith(role) for k in by_name) + 1}"
                ] = pid
            yield Running("make cluster", f"http://127.0.0.1:{port}", by_name, ready)
        finally:
            _stop(launcher)
            admin = psycopg2.connect("postgresql://postgres@127.0.0.1:5432/postgres")
            admin.autocommit = True
            admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.close()


def _cluster_role(pid: int) -> str:
    command = Path(f"/proc/{pid}/cmdline").read_bytes()
    return "nginx" if b"nginx" in command else _role(pid)
