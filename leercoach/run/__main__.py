"""`make run`, `make shell`, `make train`, `make cluster`, `make cluster-stop`:
python -m leercoach.run {serve,shell,train,cluster,cluster-stop}.

Ports: Rasa LEERCOACH_RASA_PORT (5005), widget page LEERCOACH_WIDGET_PORT (8080),
HR review app LEERCOACH_REVIEW_PORT (8090);
the action server's port is the one in the endpoints file
(LEERCOACH_ENDPOINTS, default endpoints.yml); it listens on 127.0.0.1 and answers only calls
with the secret the launcher gives it and the Rasa server (LEERCOACH_ACTION_SECRET, fresh at
every start unless set). Allowed browser origins for
the widget: LEERCOACH_ALLOWED_ORIGINS (space separated; default the demo page).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from leercoach import settings
from leercoach.privacy.pseudonym import ensure_local_key
from leercoach.run import daily_purge
from leercoach.run.cluster import cluster, cluster_stop
from leercoach.run.model import LaunchError, ensure_model
from leercoach.run.servers import (
    Servers,
    action_port,
    action_server_command,
    child_environment,
    ensure_action_secret,
    ensure_port_free,
    ignore_stop_signals,
    on_stop_signals,
    python_module,
    rasa_run_command,
    say,
)
from leercoach.settings import PROJECT_ROOT

# Another endpoints file (e.g. endpoints.production.yml, or a test's own) via LEERCOACH_ENDPOINTS.
ENDPOINTS = settings.endpoints_file()


def _setting(read):
    """A setting's value; a bad one stops the start with its one-line message."""
    try:
        return read()
    except ValueError as problem:
        raise LaunchError(str(problem)) from None


def _workers() -> int:
    """Rasa worker processes (Sanic's SANIC_WORKERS): one turn uses one core, so two on a
    two-core machine nearly double what one server handles. More than one needs a lock store
    that works across processes (endpoints.yml: leercoach.run.lock_store.SQLiteLockStore);
    Rasa itself falls back to one worker with its in-memory lock store."""
    return _setting(settings.rasa_workers)


def _interrupt(signum, frame):
    """Every stop signal becomes the same orderly stop as Ctrl-C (each server runs in its own
    session, so only the launcher hears the signal and stops them)."""
    ignore_stop_signals()
    raise KeyboardInterrupt


def prepare_privacy() -> None:
    """A first run needs no set-up: a local pseudonym key (unless LEERCOACH_PSEUDONYM_KEY is
    set), and conversations past the retention period go before anything starts."""
    if not settings.pseudonym_key():
        ensure_local_key()
    try:
        print(daily_purge.purge_once(ENDPOINTS))
    except Exception as problem:  # the store is checked again by the servers; say it once here
        raise LaunchError(f"De gespreksopslag in {ENDPOINTS.name} is niet bereikbaar: {problem}") from None


def start_action_server(servers: Servers) -> int:
    port = action_port(ENDPOINTS)
    ensure_port_free(port, "actieserver; de poort staat in endpoints.yml")
    ensure_action_secret()  # before anything starts: the Rasa server inherits it too
    # The action server reads the same store for "download mijn gesprek".
    server = servers.start(
        "actieserver", action_server_command(port), extra_env=settings.endpoints_environment(ENDPOINTS)
    )
    servers.wait_until_up(server, f"http://127.0.0.1:{port}/health", timeout=120)
    return port


def serve() -> None:
    rasa_port = _setting(settings.rasa_port)
    widget_port = _setting(settings.widget_port)
    review_port = _setting(settings.review_port)
    for port, what in (
        (review_port, "HR-review; kies een andere met LEERCOACH_REVIEW_PORT"),
        (rasa_port, "Rasa-server; kies een andere met LEERCOACH_RASA_PORT"),
        (widget_port, "intranetdemo; kies een andere met LEERCOACH_WIDGET_PORT"),
        (action_port(ENDPOINTS), "actieserver; de poort staat in endpoints.yml"),
    ):
        ensure_port_free(port, what)
    model = ensure_model()
    workers = _workers()
    origins = settings.allowed_origins(f"http://localhost:{widget_port} http://127.0.0.1:{widget_port}")

    prepare_privacy()
    servers = Servers()
    purger = daily_purge.DailyPurge(ENDPOINTS)
    try:
        start_action_server(servers)
        rasa = servers.start(
            "Rasa-server",
            rasa_run_command(model, ENDPOINTS, rasa_port, cors=origins),
            extra_env={"SANIC_WORKERS": str(workers)},
        )
        servers.wait_until_up(rasa, f"http://127.0.0.1:{rasa_port}/", timeout=300)
        widget = servers.start(
            "intranetdemo",
            python_module(
                "leercoach.widget.server",
                "--port",
                str(widget_port),
                "--rasa-url",
                f"http://localhost:{rasa_port}",
            ),
        )
        servers.wait_until_up(widget, f"http://127.0.0.1:{widget_port}/", timeout=30)
        review = servers.start(
            "HR-review", python_module("leercoach.review", "serve", "--port", str(review_port))
        )
        servers.wait_until_up(review, f"http://127.0.0.1:{review_port}/inloggen/", timeout=120)

        say()
        say(f"Leercoach draait. Open de intranetdemo met de chatwidget: http://localhost:{widget_port}/")
        say(f"REST-kanaal:  POST http://localhost:{rasa_port}/webhooks/rest/webhook")
        say(f"HR-review:    http://localhost:{review_port}/ (een account: make review-user)")
        purger.start()
        say(f"Logs: {servers.running[0].log.parent}   Stoppen: Ctrl-C")
        watch(servers)
    finally:
        purger.stop()
        servers.stop_all()


def watch(servers: Servers) -> None:
    """Until a stop signal; a server that stops by itself stops the rest, with its last log line."""
    while (stopped := servers.first_exited()) is None:
        time.sleep(1)
    raise LaunchError(f"De {stopped.name} is gestopt: {stopped.last_log_line()} (log: {stopped.log})")


def shell() -> None:
    model = ensure_model()
    prepare_privacy()
    servers = Servers()
    try:
        start_action_server(servers)
        command = python_module(
            "leercoach.run.rasa_cli", "shell", "--model", str(model), "--endpoints", str(ENDPOINTS)
        )
        subprocess.run(command, cwd=PROJECT_ROOT, env=child_environment())
    finally:
        servers.stop_all()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leercoach.run", description=__doc__)
    parser.add_argument("command", choices=("serve", "shell", "train", "cluster", "cluster-stop"))
    args = parser.parse_args(argv)
    on_stop_signals(_interrupt)
    try:
        {
            "serve": serve,
            "shell": shell,
            "train": ensure_model,
            "cluster": cluster,
            "cluster-stop": cluster_stop,
        }[args.command]()
    except KeyboardInterrupt:
        say("\nLeercoach is gestopt.")
    except LaunchError as problem:
        ignore_stop_signals()
        say(f"leercoach: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
