import os
import sys

from django.core.management.base import BaseCommand, CommandError

from leercoach import settings
from leercoach.review.management import migrate_quietly
from leercoach.settings import PROJECT_ROOT


class Command(BaseCommand):
    help = "Start de HR-review met gunicorn (past eerst de migraties toe)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--host", default=settings.review_host())
        parser.add_argument("--workers", type=int, default=settings.review_workers())

    def handle(self, port, host, workers, **options):
        if port is None:
            try:
                port = settings.review_port()
            except ValueError as problem:
                raise CommandError(str(problem)) from None
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
