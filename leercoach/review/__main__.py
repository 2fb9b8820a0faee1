"""`python -m leercoach.review <command>`: Django's manage.py for the review app.

serve [--port N] [--sync-seconds S]   migrate, then gunicorn on LEERCOACH_REVIEW_PORT (8090);
                                       meanwhile the summary is synced every S seconds (5)
adduser NAME --role reviewer|analyst|admin   password from standard input (asks on a terminal)
sync [--every S]                       read new events from the tracker store into the summary and
                                       drop what left it (once, or every S seconds)
(the pages only read: under another WSGI server, schedule `sync`; the benchmark with its
100,000 seeded conversations: `python -m benchmarks.review`, make seed-review / bench-review)
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leercoach.review.settings")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from django.core.management import execute_from_command_line

    from leercoach.review import state

    state.prepare()

    execute_from_command_line(["python -m leercoach.review", *sys.argv[1:]])


if __name__ == "__main__":
    main()
