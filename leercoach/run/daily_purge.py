"""`make run` enforces the retention period itself: a purge at start, then once a day."""

from __future__ import annotations

import threading
from pathlib import Path

from leercoach import settings
from leercoach.handoff import store as handoff_store
from leercoach.privacy.retention import purge
from leercoach.privacy.store import engine_from_endpoints

ONE_DAY = 24 * 60 * 60


def purge_once(endpoints: Path) -> str:
    engine = engine_from_endpoints(endpoints)
    try:
        result = purge(engine)
    finally:
        engine.dispose()
    try:
        handoffs = str(handoff_store.purge(settings.retention_days()))
    except (handoff_store.HandoffStoreError, ValueError) as problem:
        handoffs = f"niet bereikbaar ({problem}):"
    return (
        f"Bewaartermijn: {result.conversations} oude gesprekken verwijderd ({result.events} events), "
        f"{handoffs} oude hulpvragen."
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
