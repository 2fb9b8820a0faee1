"""python -m leercoach.privacy purge — the retention job for cron or a Kubernetes CronJob.

Deletes every conversation whose last event is older than LEERCOACH_RETENTION_DAYS (default
180) from every store (leercoach.privacy.retention.purge_all): the tracker store named in the
endpoints file (LEERCOACH_ENDPOINTS, default endpoints.yml), its locks, and the HR review
database (its copies of conversations, hulpvragen, expired sessions, old login records); prints
what went, one line per store.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from leercoach import settings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m leercoach.privacy",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    purge_command = commands.add_parser("purge", help="delete conversations past the retention period")
    purge_command.add_argument(
        "--endpoints", type=Path, help="endpoints file (default: LEERCOACH_ENDPOINTS or endpoints.yml)"
    )
    purge_command.add_argument(
        "--days", type=int, default=None, help="retention in days (default: LEERCOACH_RETENTION_DAYS)"
    )
    args = parser.parse_args(argv)
    from leercoach.privacy.retention import purge_all
    from leercoach.privacy.store import StoreConfigError

    days = settings.retention_days() if args.days is None else args.days
    if days < 1:
        parser.error("--days must be at least 1")
    try:
        result = purge_all(args.endpoints, days)
    except StoreConfigError as problem:
        print(f"leercoach purge: {problem}", file=sys.stderr)
        return 2
    except Exception as problem:  # the database is down or refuses: one clear line for cron's mail
        print(
            f"leercoach purge: de gespreksopslag is niet bereikbaar ({type(problem).__name__}).",
            file=sys.stderr,
        )
        return 1
    for line in result.lines():
        print(line)
    if result.problems:
        print(f"leercoach purge: niet bereikbaar: {', '.join(result.problems)}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
