import signal
import subprocess
import sys

from django.core.management.base import BaseCommand, CommandError

from leercoach import settings
from leercoach.review.management import migrate_quietly
from leercoach.settings import PROJECT_ROOT

# The pages only read; this process folds new events into the summary (and drops conversations
# that left the tracker store) this often while gunicorn serves them.
SYNC_SECONDS = 5.0


class Command(BaseCommand):
    help = "Start de HR-review met gunicorn (past eerst de migraties toe)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--host", default=settings.review_host())
        parser.add_argument("--workers", type=int, default=settings.review_workers())
        parser.add_argument("--sync-seconds", type=float, default=SYNC_SECONDS)

    def handle(self, port, host, workers, sync_seconds, **options):
        if port is None:
            try:
                port = settings.review_port()
            except ValueError as problem:
                raise CommandError(str(problem)) from None
        migrate_quietly()
        from leercoach.review import summary

        summary.sync()  # the first page shows what the store holds, without waiting a round
        gunicorn = subprocess.Popen(_gunicorn_command(host, port, workers))
        _pass_stop_signals_to(gunicorn)
        while True:
            try:
                code = gunicorn.wait(timeout=sync_seconds)
            except subprocess.TimeoutExpired:
                summary.sync_quietly()
                continue
            raise SystemExit(code if code >= 0 else 128 - code)


def _pass_stop_signals_to(server: subprocess.Popen) -> None:
    """A stop signal to this process (a `kill`, not only one to the whole group) stops gunicorn
    gracefully; this process ends when gunicorn has."""

    def stop(*_) -> None:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


def _gunicorn_command(host: str, port: int, workers: int) -> list:
    # gunicorn: a pre-forking WSGI server made for production (worker restarts, graceful reload);
    # no access log, as an address may hold a search term.
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "leercoach.review.wsgi:application",
        "--chdir",
        str(PROJECT_ROOT),
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        "--error-logfile",
        "-",
        "--log-level",
        "warning",
    ]
