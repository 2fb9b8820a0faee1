"""The Kubernetes manifests start: every Leercoach container runs its exact command from
deploy/kubernetes/ with the environment the ConfigMap, the Secret and the image give it, until
its readiness probe answers (the purge job: until it exits 0). A manifest that would crash-loop
fails here, with the end of the process's output.

Docker does not run here, so each container is a local process, and the test changes only where
things are, never what they are (every change is in `local_*` below):
- the image (deploy/Dockerfile): its working directory and PYTHONPATH are this checkout, its
  `python` is this checkout's venv (first on PATH), the model it holds is the model `make train`
  made for the current data; `redis:7` is the local redis-server;
- the cluster's Service names become 127.0.0.1, the containers' ports (`--port`, the probes) free
  local ports, the Redis lock store the test's own redis-server, started with the manifest's
  arguments (so with its password);
- the Secret's placeholders become test values that pass the checks (keys: 64 hex characters), its
  PostgreSQL URLs scratch databases on the local server (trust authentication: user postgres),
  dropped afterwards;
- the read-only root file system: each process runs in a mount namespace of its own where / is
  read-only and each emptyDir volume a fresh tmpfs at its mount path (/tmp), so a process that
  needs to write anywhere else fails here as in the pod. (That no pod runs as root is checked on
  the manifests, test_kubernetes_manifests.py: the venv's python here lives in root's home.)
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional
from urllib.parse import urlparse

import pytest

from leercoach import content
from leercoach.run.model import ensure_model
from leercoach.settings import PROJECT_ROOT
from tests.deploy import kubernetes as k8s
from tests.support import free_port

pytestmark = pytest.mark.servers

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
# The image's python (/usr/local/bin, python:3.10-slim) is this checkout's venv.
LOCAL_PATH = os.pathsep.join(
    [str(Path(sys.executable).parent), "/usr/local/sbin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
)
# Rasa loads the model before its readiness probe answers; a busy 2-core machine takes a while.
START_TIMEOUT = {"leercoach-rasa": 420, "leercoach-actions": 180, "leercoach-purge": 180}


# --- what the test changes -------------------------------------------------------------------


@dataclass
class Cluster:
    """The local stand-ins for the cluster: where each Service is, the scratch databases."""

    scratch: Path
    ports: Dict[str, int]  # workload -> the free local port of its container port
    databases: Dict[str, str]  # database name in the Secret's URLs -> scratch database name
    model: Path

    def service_address(self, service: str) -> str:
        if service == "leercoach-postgresql":
            return "127.0.0.1:5432"
        return f"127.0.0.1:{self.ports[service]}"


def local_config(cluster: Cluster) -> Dict[str, str]:
    """The ConfigMap with the Service names as local addresses (X_HOST: a Service → 127.0.0.1 and
    its X_PORT the local port; a URL to a Service → the local address)."""
    config = k8s.config_values()
    services = {doc["metadata"]["name"] for doc in k8s.of_kind("Service")}
    local = dict(config)
    for name, value in config.items():
        if name.endswith("_HOST") and value in services:
            local[name] = "127.0.0.1"
            local[name[: -len("_HOST")] + "_PORT"] = cluster.service_address(value).split(":")[1]
        elif "://" in value and urlparse(value).hostname in services:
            parts = urlparse(value)
            local[name] = parts._replace(netloc=cluster.service_address(parts.hostname)).geturl()
    changed = {name for name in config if local[name] != config[name]}
    assert all(re.search(r"_(HOST|PORT|URL)$", name) for name in changed), changed
    return local


def secret_for_test(cluster: Cluster, keys: Dict[str, str]) -> Dict[str, str]:
    """The Secret with each placeholder replaced: a URL → its scratch database, any other
    non-empty value → its test value; empty stays empty (Slack, Teams: not configured)."""
    replaced = {}
    for name, value in k8s.secret_values().items():
        if value.startswith("postgresql://"):
            database = urlparse(value).path.lstrip("/")
            replaced[name] = f"{POSTGRES}/{cluster.databases[database]}"
        else:
            replaced[name] = keys[name] if value else ""
    return replaced


def local_path(text: str, cluster: Cluster) -> str:
    """An image path in a command or a variable → this checkout (the model → the trained one)."""
    text = text.replace(k8s.image_model_path(), str(cluster.model))
    return re.sub(rf"(?<![\w/]){re.escape(k8s.image_workdir())}(?=/|$|:|\s)", str(PROJECT_ROOT), text)


def local_ports(command: List[str], container: dict, local_port: int) -> List[str]:
    """`--port N` (two arguments, or inside a shell line) for the container's own port → the free
    local port."""
    own = {str(p["containerPort"]) for p in container.get("ports", [])}
    local = []
    for index, part in enumerate(command):
        if index and command[index - 1] == "--port" and part in own:
            part = str(local_port)
        else:
            part = re.sub(
                r"(--port[ =])(\d+)\b",
                lambda m: m.group(1) + (str(local_port) if m.group(2) in own else m.group(2)),
                part,
            )
        local.append(part)
    return local


# --- running a container as a local process -------------------------------------------------------


@dataclass
class LocalContainer:
    workload: str
    process: subprocess.Popen
    output: Path

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def read_only_root(container: dict) -> List[str]:
    """The pod's file system for the process (readOnlyRootFilesystem): in a mount namespace of
    its own, / is read-only and each emptyDir volume is a fresh tmpfs at its mount path, so the
    process can write there and nowhere else (root included). The rest of the machine does not
    see these mounts."""
    if not (container.get("securityContext") or {}).get("readOnlyRootFilesystem"):
        return []
    mounts = ["mount -o remount,bind,ro /"]
    for mount in container.get("volumeMounts", []):
        assert Path(mount["mountPath"]).is_dir(), f"no {mount['mountPath']} here to mount the volume on"
        mounts.append(f"mount -t tmpfs -o size=512m,mode=1777 {mount['name']} {mount['mountPath']}")
    as_root = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    return ["unshare", *as_root, "--mount", "sh", "-c", " && ".join([*mounts, 'exec "$@"']), "sh"]


def start(workload: str, cluster: Cluster, secret: Dict[str, str]) -> LocalContainer:
    """The workload's container, its exact command with the manifests' environment (`local_*`)."""
    container = k8s.the_container(workload)
    folder = cluster.scratch / workload
    folder.mkdir(exist_ok=True)
    image_env = {name: local_path(value, cluster) for name, value in k8s.image_environment().items()}
    env = k8s.container_environment(container, local_config(cluster), secret, image_env)
    env = {name: local_path(value, cluster) for name, value in env.items()}
    env["PATH"] = LOCAL_PATH
    # Unless the image sets one: the home of the image's user, which does not exist there.
    env.setdefault("HOME", str(folder / "no-home"))
    command = local_ports(
        [
            local_path(k8s.expand(part, env), cluster)
            for part in container["command"] + container.get("args", [])
        ],
        container,
        cluster.ports.get(workload, 0),
    )
    output = folder / "output.log"
    process = subprocess.Popen(
        read_only_root(container) + command,
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return LocalContainer(workload, process, output)


def http_ready(url: str) -> bool:
    parts = urlparse(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.request("GET", parts.path or "/")
        return 200 <= connection.getresponse().status < 400
    except OSError:
        return False
    finally:
        connection.close()


def readiness_url(workload: str, cluster: Cluster) -> str:
    probe = k8s.the_container(workload)["readinessProbe"]["httpGet"]
    return f"http://127.0.0.1:{cluster.ports[workload]}{probe['path']}"


def wait_until_ready_or_stopped(running: LocalContainer, url: str, timeout: float) -> Optional[int]:
    """None once the readiness probe's path answers; the exit code if the process stopped first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            return running.process.returncode
        if http_ready(url):
            return None
        time.sleep(0.5)
    running.stop()
    pytest.fail(f"{running.workload} was neither ready nor stopped after {timeout} s:\n{running.tail()}")


def start_until_ready(workload: str, cluster: Cluster, secret: Dict[str, str]) -> LocalContainer:
    running = start(workload, cluster, secret)
    stopped = wait_until_ready_or_stopped(running, readiness_url(workload, cluster), START_TIMEOUT[workload])
    if stopped is not None:
        running.stop()
        pytest.fail(f"{workload} would crash-loop: it stopped with exit code {stopped}:\n{running.tail()}")
    return running


def scratch_databases() -> Dict[str, str]:
    """A scratch database for every database the Secret's URLs name."""
    named = {
        urlparse(v).path.lstrip("/") for v in k8s.secret_values().values() if v.startswith("postgresql://")
    }
    return {name: f"{name}_t17k8s_{uuid.uuid4().hex[:8]}" for name in named}


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    import psycopg2

    scratch = Path(tempfile.mkdtemp(prefix="leercoach-k8s-"))
    databases = scratch_databases()
    admin = psycopg2.connect(f"{POSTGRES}/postgres")
    admin.autocommit = True
    for name in databases.values():
        admin.cursor().execute(f"CREATE DATABASE {name}")
    ports = {
        name: free_port()
        for name, template in k8s.pod_templates().items()
        if "ports" in template["spec"]["containers"][0]
    }
    try:
        yield Cluster(scratch, ports, databases, ensure_model())
    finally:
        for name in databases.values():
            admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(scope="module")
def keys():
    """One test value per Secret entry (the same in every container, as one Secret gives)."""
    return {name: secrets.token_hex(32) for name in k8s.secret_values()}


@pytest.fixture(scope="module")
def secret(cluster, keys):
    return secret_for_test(cluster, keys)


@pytest.fixture(scope="module")
def redis(cluster, secret):
    """The Redis container: redis:7 is the local redis-server with the manifest's arguments (its
    password from the Secret); ready when its own readiness probe passes."""
    container = k8s.the_container("leercoach-redis")
    port = cluster.ports["leercoach-redis"]
    env = {**k8s.container_environment(container, k8s.config_values(), secret, {}), "PATH": LOCAL_PATH}
    data = cluster.scratch / "leercoach-redis" / "data"  # its volume /data: the working directory
    data.mkdir(parents=True)
    arguments = [k8s.expand(a, env) for a in container.get("args", [])]
    output = cluster.scratch / "leercoach-redis" / "output.log"
    process = subprocess.Popen(
        ["redis-server", *arguments, "--port", str(port), "--bind", "127.0.0.1"],
        cwd=data,
        env=env,
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    running = LocalContainer("leercoach-redis", process, output)
    # The probe's redis-cli talks to the default port in the pod; here to the local one.
    shim = cluster.scratch / "redis-cli-shim"
    shim.mkdir()
    (shim / "redis-cli").write_text(f'#!/bin/sh\nexec /usr/bin/redis-cli -p {port} "$@"\n')
    (shim / "redis-cli").chmod(0o755)
    probe = container["readinessProbe"]["exec"]["command"]
    probe_env = {**env, "PATH": f"{shim}{os.pathsep}{LOCAL_PATH}"}
    deadline = time.monotonic() + 30
    while subprocess.run(probe, env=probe_env, capture_output=True).returncode != 0:
        if process.poll() is not None or time.monotonic() > deadline:
            running.stop()
            pytest.fail(f"the Redis container did not become ready:\n{running.tail()}")
        time.sleep(0.2)
    yield port
    running.stop()


@pytest.fixture(scope="module")
def actions(cluster, secret):
    running = start_until_ready("leercoach-actions", cluster, secret)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def rasa(cluster, secret, redis, actions):
    running = start_until_ready("leercoach-rasa", cluster, secret)
    yield cluster.ports["leercoach-rasa"]
    running.stop()


# --- the tests --------------------------------------------------------------------------------


def post_message(port: int, message: str, origin: str):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(
            "POST",
            "/webhooks/rest/webhook",
            body=json.dumps({"sender": f"k8s-{uuid.uuid4().hex[:8]}", "message": message}),
            headers={"Content-Type": "application/json", "Origin": origin},
        )
        response = connection.getresponse()
        return response.status, response.getheader("Access-Control-Allow-Origin"), json.loads(response.read())
    finally:
        connection.close()


def test_rasa_and_the_actions_start_and_answer_through_postgresql_and_redis_with_its_password(rasa, cluster):
    origin = k8s.config_values()["LEERCOACH_ALLOWED_ORIGINS"].split()[0]
    status, allowed_origin, replies = post_message(
        rasa, "welke manieren zijn er om je als werknemer te ontwikkelen?", origin
    )
    assert status == 200
    texts = [reply.get("text") or "" for reply in replies]
    assert content.message("server_error") not in texts, "the turn failed (store, lock or action server)"
    assert content.answer("werknemer_ontwikkelen")["text"].strip()[:30] in texts[0]
    # --cors with the ConfigMap's origin: the intranet page's widget may read the answer.
    assert allowed_origin == origin


def test_the_lock_store_refuses_a_client_without_the_password(redis):
    answer = subprocess.run(["redis-cli", "-p", str(redis), "ping"], capture_output=True, text=True).stdout
    assert "NOAUTH" in answer


def test_the_purge_job_runs_to_completion(cluster, secret):
    running = start("leercoach-purge", cluster, secret)
    try:
        exit_code = running.process.wait(timeout=START_TIMEOUT["leercoach-purge"])
    finally:
        running.stop()
    assert exit_code == 0, f"the purge job failed (exit {exit_code}):\n{running.tail()}"
    assert "Bewaartermijn" in running.tail()


@pytest.mark.parametrize(
    "key, workload",
    [
        ("LEERCOACH_PSEUDONYM_KEY", "leercoach-rasa"),
        ("LEERCOACH_ACTION_SECRET", "leercoach-actions"),
    ],
)
def test_a_placeholder_left_in_the_secret_stops_the_pod(key, workload, cluster, keys, redis):
    shipped = secret_for_test(cluster, {**keys, key: k8s.secret_values()[key]})
    beside_the_running_one = dataclasses.replace(cluster, ports={**cluster.ports, workload: free_port()})
    running = start(workload, beside_the_running_one, shipped)
    try:
        stopped = wait_until_ready_or_stopped(
            running, readiness_url(workload, beside_the_running_one), START_TIMEOUT[workload]
        )
    finally:
        running.stop()
    assert stopped not in (None, 0), f"{workload} started with the placeholder of {key}"
    assert key in running.tail()
