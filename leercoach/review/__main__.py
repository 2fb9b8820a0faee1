"""`python -m leercoach.review <command>`: Django's manage.py for the review app.

serve [--port N]                       migrate, then gunicorn on LEERCOACH_REVIEW_PORT (8090)
adduser NAME --role reviewer|analyst|admin   password from standard input (asks on a terminal)
sync                                   read new events from the tracker store into the summary
seed_review / bench_review             100,000 conversations in PostgreSQL, and the benchmark
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leercoach.review.settings")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["python -m leercoach.review", *sys.argv[1:]])


if __name__ == "__main__":
    main()
