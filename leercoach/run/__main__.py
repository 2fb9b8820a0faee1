"""`make run`, `make shell` and `make train`: python -m leercoach.run {serve,shell,train}.

Ports: Rasa LEERCOACH_RASA_PORT (5005), widget page LEERCOACH_WIDGET_PORT (8080);
the action server's port is the one in the endpoints file
(LEERCOACH_ENDPOINTS, default endpoints.yml). Allowed browser origins for
the widget: LEERCOACH_ALLOWED_ORIGINS (space separated; default the demo page).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from leercoach.privacy.pseudonym import ensure_local_key
from leercoach.run import daily_purge
from leercoach.run.model import LaunchError, ensure_model
from leercoach.run.servers import Servers, action_port, child_environment, ensure_port_free, python_module
from leercoach.settings import PROJECT_ROOT

# Another endpoints file (e.g. endpoints.production.yml, or a test's own) via LEERCOACH_ENDPOINTS.
ENDPOINTS = Path(os.environ.get("LEERCOACH_ENDPOINTS", PROJECT_ROOT / "endpoints.yml"))


def _port(variable: str, default: int) -> int:
    raw = os.environ.get(variable, str(default))
    if not raw.isdigit():
        raise LaunchError(f"{variable}={raw!r} is geen poortnummer.")
    return int(raw)


def _stop_on_termination() -> None:
    """`kill` or a closed terminal stops the servers too, not only Ctrl-C: each server runs
    in its own session, so without this they would keep their ports."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGHUP, interrupt)


def prepare_privacy() -> None:
    """A first run needs no set-up: a local pseudonym key (unless LEERCOACH_PSEUDONYM_KEY is
    set), and conversations past the retention period go before anything starts."""
    if not os.environ.get("LEERCOACH_PSEUDONYM_KEY"):
        ensure_local_key()
    try:
        print(daily_purge.purge_once(ENDPOINTS))
    except Exception as problem:  # the store is checked again by the servers; say it once here
        raise LaunchError(f"De gespreksopslag in {ENDPOINTS.name} is niet bereikbaar: {problem}") from None


def start_action_server(servers: Servers) -> int:
    port = action_port(ENDPOINTS)
    ensure_port_free(port, "actieserver; de poort staat in endpoints.yml")
    # The action server reads the same store for "download mijn gesprek".
    server = servers.start(
        "actieserver",
        python_module("rasa", "run", "actions", "--port", str(port)),
        extra_env={"LEERCOACH_ENDPOINTS": str(ENDPOINTS)},
    )
    servers.wait_until_up(server, f"http://127.0.0.1:{port}/health", timeout=120)
    return port


def serve() -> None:
    rasa_port = _port("LEERCOACH_RASA_PORT", 5005)
    widget_port = _port("LEERCOACH_WIDGET_PORT", 8080)
    for port, what in (
        (rasa_port, "Rasa-server; kies een andere met LEERCOACH_RASA_PORT"),
        (widget_port, "intranetdemo; kies een andere met LEERCOACH_WIDGET_PORT"),
        (action_port(ENDPOINTS), "actieserver; de poort staat in endpoints.yml"),
    ):
        ensure_port_free(port, what)
    model = ensure_model()
    origins = os.environ.get(
        "LEERCOACH_ALLOWED_ORIGINS", f"http://localhost:{widget_port} http://127.0.0.1:{widget_port}"
    ).split()

    prepare_privacy()
    servers = Servers()
    _stop_on_termination()
    purger = daily_purge.DailyPurge(ENDPOINTS)
    try:
        start_action_server(servers)
        rasa = servers.start(
            "Rasa-server",
            python_module(
                "rasa",
                "run",
                "--model",
                str(model),
                "--endpoints",
                str(ENDPOINTS),
                "--credentials",
                str(PROJECT_ROOT / "credentials.yml"),
                "--port",
                str(rasa_port),
                "--cors",
                *origins,
            ),
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

        print()
        print(f"Leercoach draait. Open de intranetdemo met de chatwidget: http://localhost:{widget_port}/")
        print(f"REST-kanaal:  POST http://localhost:{rasa_port}/webhooks/rest/webhook")
        purger.start()
        print(f"Logs: {servers.running[0].log.parent}   Stoppen: Ctrl-C")
        while (stopped := servers.first_exited()) is None:
            time.sleep(1)
        raise LaunchError(f"De {stopped.name} is gestopt: {stopped.last_log_line()} (log: {stopped.log})")
    except KeyboardInterrupt:
        print("\nLeercoach stopt …")
    finally:
        purger.stop()
        servers.stop_all()


def shell() -> None:
    model = ensure_model()
    prepare_privacy()
    servers = Servers()
    _stop_on_termination()
    try:
        start_action_server(servers)
        command = python_module("rasa", "shell", "--model", str(model), "--endpoints", str(ENDPOINTS))
        subprocess.run(command, cwd=PROJECT_ROOT, env=child_environment())
    except KeyboardInterrupt:
        pass
    finally:
        servers.stop_all()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m leercoach.run", description=__doc__)
    parser.add_argument("command", choices=("serve", "shell", "train"))
    args = parser.parse_args(argv)
    try:
        {"serve": serve, "shell": shell, "train": ensure_model}[args.command]()
    except LaunchError as problem:
        print(f"leercoach: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
