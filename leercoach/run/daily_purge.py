"""`make run` enforces the retention period itself: a purge of every store at start, then once a day."""

from __future__ import annotations

import threading
from pathlib import Path

from leercoach.privacy.retention import purge_all

ONE_DAY = 24 * 60 * 60


def purge_once(endpoints: Path) -> str:
    result = purge_all(endpoints)
    review = (
        f", {result.review.conversations} uit de HR-review, {result.review.handoffs} oude hulpvragen"
        if result.review is not None
        else ""
    )
    problems = f"; niet bereikbaar: {', '.join(result.problems)}" if result.problems else ""
    return (
        f"Bewaartermijn: {result.store.conversations} oude gesprekken verwijderd "
        f"({result.store.events} events){review}{problems}."
    )


class DailyPurge:
    """A daemon thread of the launcher; a failed purge is retried the next day, it never stops
    the servers."""

    def __init__(self, endpoints: Path, interval: float = ONE_DAY) -> None:
        self.endpoints, self.interval = endpoints, interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="leercoach-purge", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                print(purge_once(self.endpoints), flush=True)
            except Exception as problem:
                print(
                    f"Bewaartermijn: opruimen mislukt ({type(problem).__name__}); morgen opnieuw.", flush=True
                )
