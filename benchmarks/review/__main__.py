"""`make seed-review` / `make bench-review`: the review app on 100,000 conversations / 2 million events.

Both run against a PostgreSQL database of their own (LEERCOACH_REVIEW_BENCH_DB, default
leercoach_review_bench on LEERCOACH_REVIEW_BENCH_SERVER, default postgresql://postgres@127.0.0.1:5432):
Rasa's `events` table and the review app's own tables side by side, as in production.

    python -m benchmarks.review seed [--conversations 100000]   COPY the events, then sync the summary
    python -m benchmarks.review sync                            resume an interrupted sync
    python -m benchmarks.review run [--repeat 40]               p95 server time per page
    python -m benchmarks.review totals                          Inzichten's totals as sync() kept
                                                                     them == counted again from the summary?
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import sys
import time

from leercoach import settings as leercoach_settings
from leercoach.settings import PROJECT_ROOT

SERVER = leercoach_settings.review_bench_server()
DATABASE = leercoach_settings.review_bench_database()
STATE = PROJECT_ROOT / ".leercoach" / "review-bench"
TARGET_MS = 300


def _configure() -> None:
    """Point the review app (its own tables) and the tracker store at the bench database."""
    STATE.mkdir(parents=True, exist_ok=True)
    endpoints = STATE / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: SQL\n  url: {SERVER}/{DATABASE}\n")
    os.environ.update(
        {
            "LEERCOACH_ENDPOINTS": str(endpoints),
            "LEERCOACH_REVIEW_STATE_DIR": str(STATE),
            "LEERCOACH_REVIEW_DATABASE_URL": f"{SERVER}/{DATABASE}",
            "DJANGO_SETTINGS_MODULE": "leercoach.review.settings",
        }
    )
    import django

    from leercoach.review import state

    state.prepare()
    django.setup()


def _recreate_database() -> None:
    import psycopg2

    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
        cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    connection.close()


def seed(conversations: int) -> None:
    _recreate_database()
    _configure()

    from benchmarks.review import seeding
    from leercoach.review import tracker
    from leercoach.review.management import migrate_quietly

    migrate_quietly()
    tracker.engine()  # creates Rasa's events table (as Rasa does) with its sender_id index
    rng, now = random.Random(2026), time.time()
    channels = ["rest"] * 6 + ["slack"] * 2 + ["teams"]
    start, written = time.perf_counter(), 0
    raw = tracker.engine().raw_connection()
    try:
        cursor = raw.cursor()
        for first in range(0, conversations, 5000):
            buffer = io.StringIO()
            for index in range(first, min(first + 5000, conversations)):
                begun = now - rng.uniform(0, 170) * 86400
                for event in seeding.synthetic(rng, begun, rng.choice(channels)):
                    row = seeding.row(f"{index:032x}", event)
                    buffer.write(
                        "\t".join(
                            _copy_value(row[c])
                            for c in (
                                "sender_id",
                                "type_name",
                                "timestamp",
                                "intent_name",
                                "action_name",
                                "data",
                            )
                        )
                    )
                    buffer.write("\n")
                    written += 1
            buffer.seek(0)
            cursor.copy_expert(
                "COPY events (sender_id, type_name, timestamp, intent_name, action_name, data) FROM STDIN",
                buffer,
            )
            raw.commit()
            print(
                f"\r{min(first + 5000, conversations):>7} gesprekken, {written:>9} gebeurtenissen",
                end="",
                flush=True,
            )
        cursor.execute("ANALYZE events")
        raw.commit()
    finally:
        raw.close()
    print(f"\nGeschreven in {time.perf_counter() - start:.0f} s (COPY).")
    sync()


def sync() -> None:
    """Folds the events into the summary (resumes where an interrupted run stopped)."""
    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        _configure()
    from django.db import connection

    from leercoach.review import summary

    start = time.perf_counter()
    read = summary.sync()
    seconds = time.perf_counter() - start
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # visibility map for index-only scans, planner statistics
    print(f"Samenvatting bijgewerkt: {read} gebeurtenissen in {seconds:.0f} s ({read / seconds:,.0f} per s).")


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


PAGES = {
    "lijst, geen filter": "/gesprekken/",
    "lijst, onderwerp": "/gesprekken/?onderwerp=route_mentorschap_coaching",
    "lijst, fallback + kanaal": "/gesprekken/?fallback=ja&kanaal=slack",
    "lijst, coaching plan + oudste eerst": "/gesprekken/?coaching=plan&sortering=oudste",
    "lijst, negatieve feedback + periode": "/gesprekken/?feedback=negatief&van={month_ago}&tot={today}",
    "lijst, zoeken 'verlof'": "/gesprekken/?q=verlof",
    "lijst, status moet beter": "/gesprekken/?status=moet_beter",
    "lijst, pagina 400 (op nummer, OFFSET)": "/gesprekken/?pagina=400",
    "lijst, pagina 2000 (via Volgende pagina)": "/gesprekken/?pagina=2000&na={page_1999_last}",
}


def run(repeat: int) -> int:
    _configure()
    import datetime as dt

    from django.core.cache import cache
    from django.test import Client

    from leercoach.review import summary
    from leercoach.review.management import migrate_quietly
    from leercoach.review.models import Conversation, User

    migrate_quietly()
    if not Conversation.objects.exists():
        print("Eerst: make seed-review", file=sys.stderr)
        return 1
    summary.sync()  # up to date (and the totals built, after an upgrade) before anything is timed
    password = "bench wachtwoord 2026!"
    account = User.objects.filter(username="bench").first() or User(username="bench", role="admin")
    account.set_password(password)
    account.save()
    client = Client()
    client.post("/inloggen/", {"username": "bench", "password": password})
    Conversation.objects.filter(pk__in=Conversation.objects.order_by("?").values("pk")[:3000]).update(
        status="moet_beter"
    )
    today = dt.date.today()
    values = {
        "today": today.isoformat(),
        "month_ago": (today - dt.timedelta(days=30)).isoformat(),
        # the last conversation on page 1,999: the link "Volgende pagina" there leads to page 2,000
        "page_1999_last": Conversation.objects.order_by("-started_at", "-id").values_list("pk", flat=True)[
            1999 * 25 - 1
        ],
    }
    pages = {name: url.format(**values) for name, url in PAGES.items()}
    numbers = list(Conversation.objects.order_by("?").values_list("pk", flat=True)[:repeat])
    results = {}
    for name, url in pages.items():
        results[name] = _time(client, [url] * repeat)
    results["transcript (verschillende gesprekken)"] = _time(client, [f"/gesprekken/{n}/" for n in numbers])
    results["Inzichten, koud (cache leeg)"] = _time(
        client, ["/inzichten/"] * max(5, repeat // 4), before=cache.clear
    )
    results["Inzichten, warm"] = _time(client, ["/inzichten/"] * repeat)
    results["Inzichten: grafiek, koud"] = _time(
        client, ["/inzichten/onderwerpen.svg"] * max(5, repeat // 4), before=cache.clear
    )
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(
        f"\n{Conversation.objects.count():,} gesprekken; server-tijd per verzoek (Django test client, in proces)"
    )
    print(f"belasting van de machine (load average 1/5/15 min): {load} op {os.cpu_count()} cores")
    print(f"{'pagina':42} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'CPU p50':>8}")
    worst = 0.0
    for name, (times, cpu) in results.items():
        p95 = _p95(times)
        worst = max(worst, p95)
        print(
            f"{name:42} {statistics.median(times):8.0f} {p95:8.0f} {max(times):8.0f} {statistics.median(cpu):8.0f}"
        )
    print(
        "CPU p50: processortijd van het Django-proces zelf (zonder PostgreSQL), ongevoelig voor wachten op de cores."
    )
    for name in ("lijst, geen filter", "lijst, onderwerp", "lijst, fallback + kanaal"):
        shown = re.search(r'<p class="count"[^>]*>(.*?)</p>', client.get(pages[name]).content.decode(), re.S)
        print(f"telling op '{name}': {re.sub(r'<[^>]+>', '', shown.group(1)).strip()}")
    print(
        f"\nDoel p95 ≤ {TARGET_MS} ms: {'gehaald' if worst <= TARGET_MS else 'NIET gehaald'} (slechtste p95 {worst:.0f} ms)"
    )
    return 0


def totals() -> int:
    """Compares the totals sync() kept, batch by batch, with the same totals counted again."""
    _configure()
    from django.db import transaction

    from leercoach.review import summary
    from leercoach.review.models import DayStats, RouteStats, SyncState, TopicStats, UnansweredStats

    def snapshot():
        return {
            model.__name__: sorted(
                tuple(v for k, v in row.items() if k != "id") for row in model.objects.values()
            )
            for model in (DayStats, TopicStats, RouteStats, UnansweredStats)
        }

    with transaction.atomic():
        SyncState.objects.select_for_update().get_or_create(pk=1)  # no sync batch meanwhile
        kept = snapshot()
        summary.rebuild_totals()
        counted = snapshot()
        transaction.set_rollback(True)  # a check, not a repair: leave the totals as they were
    for name in kept:
        print(
            f"{name}: {len(kept[name])} rijen, {'gelijk' if kept[name] == counted[name] else 'VERSCHILLEND'}"
        )
    return 0 if kept == counted else 1


def _time(client, urls, before=None):
    times, cpu = [], []
    for url in urls:
        if before:
            before()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times, cpu


def _p95(times):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.review",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=("seed", "sync", "run", "totals"))
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args(argv)
    if args.command == "seed":
        seed(args.conversations)
        return 0
    if args.command == "sync":
        sync()
        return 0
    if args.command == "totals":
        return totals()
    return run(args.repeat)


if __name__ == "__main__":
    sys.exit(main())
