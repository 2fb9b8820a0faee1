import os
import sys

from django.core.management.base import BaseCommand, CommandError

from leercoach.review.management import migrate_quietly
from leercoach.settings import PROJECT_ROOT

DEFAULT_PORT = 8090


class Command(BaseCommand):
    help = "Start de HR-review met gunicorn (past eerst de migraties toe)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--host", default=os.environ.get("LEERCOACH_REVIEW_HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("LEERCOACH_REVIEW_WORKERS", "2"))
        )

    def handle(self, port, host, workers, **options):
        raw = os.environ.get("LEERCOACH_REVIEW_PORT", str(DEFAULT_PORT))
        if port is None and not raw.isdigit():
            raise CommandError(f"LEERCOACH_REVIEW_PORT={raw!r} is geen poortnummer.")
        port = port or int(raw)
        migrate_quietly()
        from leercoach.review import summary

        summary.sync()  # the first request should not wait for a long first read
        # gunicorn: a pre-forking WSGI server made for production (worker restarts, graceful reload);
        # no access log, as an address may hold a search term.
        os.execv(
            sys.executable,
            [
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
            ],
        )
