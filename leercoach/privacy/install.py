"""Build the redaction's name lookups once, at install time (`make install`).

    python -m leercoach.privacy.install [--force]

Deduce builds its lookup structures on first use (about a minute) and loads its full cache
in over ten seconds. This step builds them and keeps the slim part the redaction needs
(see ``leercoach.privacy.names``), so no chat message ever waits for it. Idempotent: a second
run finds the cache and only checks that it loads. Prints one line.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Optional

from leercoach.privacy import names


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m leercoach.privacy.install", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--force", action="store_true", help="build the lookups again")
    args = parser.parse_args(argv)
    started = time.monotonic()
    cache = names.slim_cache_file()
    built = args.force or not cache.is_file()
    if built:
        names.build_slim_cache()
    from leercoach.privacy.redaction import redact, warm_up

    try:
        warm_up()
        check = redact("ik ben jan de vries").text
    except (names.NotInstalled, ValueError) as error:
        print(f"leercoach.privacy.install: error: {error}", file=sys.stderr)
        return 1
    state = "built" if built else "already built"
    print(
        f"[privacy] redaction lookups {state} in {time.monotonic() - started:.0f} s: {cache} "
        f"(check: {check!r})",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
