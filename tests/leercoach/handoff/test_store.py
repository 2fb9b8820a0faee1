"""The hulpvraag store writes into the very table the review app's Django migrations create."""

import sqlite3
import threading

import pytest
import sqlalchemy as sa

from leercoach.handoff import store
from tests.leercoach.handoff.conftest import review_django

CONTACT = "Anna de Vries, anna.devries@bedrijf.nl"


def test_the_description_of_the_table_is_the_table_django_migrates(migrated_sqlite):
    with sqlite3.connect(migrated_sqlite / "review.sqlite3") as connection:
        columns = {row[1]: row[2] for row in connection.execute(f"PRAGMA table_info({store.TABLE})")}
    assert set(columns) == {column.name for column in store.handoff_requests.columns}
    assert columns["contact"] == f"varchar({store.CONTACT_MAX_CHARS})"
    assert columns["channel"] == f"varchar({store.CHANNEL_MAX_CHARS})"
    described = review_django(
        migrated_sqlite,
        "from leercoach.review.models import HandoffRequest as H\n"
        "print(H._meta.db_table, H._meta.get_field('contact').max_length)",
    )
    assert described.split() == [store.TABLE, str(store.CONTACT_MAX_CHARS)]


def test_a_saved_hulpvraag_is_what_the_review_app_reads(review_sqlite):
    store.save("rest", "Hoeveel verlof krijg ik voor een opleiding van [NAAM]?", CONTACT)
    shown = review_django(
        review_sqlite,
        "from django.utils import timezone\n"
        "from leercoach.review.models import HandoffRequest\n"
        "(h,) = HandoffRequest.objects.all()\n"
        "print(h.channel); print(h.question); print(h.contact)\n"
        "print(abs((timezone.now() - h.created_at).total_seconds()) < 120)",
    )
    assert shown.splitlines() == [
        "rest",
        "Hoeveel verlof krijg ik voor een opleiding van [NAAM]?",
        CONTACT,
        "True",
    ]


def test_the_same_on_postgresql(migrated_postgres, monkeypatch):
    state, url = migrated_postgres
    monkeypatch.setenv("LEERCOACH_REVIEW_DATABASE_URL", url)
    store.save("rest", "Wie regelt mijn opleidingsbudget?", CONTACT)
    shown = review_django(
        state,
        "from leercoach.review.models import HandoffRequest\n"
        "print([(h.question, h.contact) for h in HandoffRequest.objects.all()])",
        url,
    )
    assert shown.strip() == repr([("Wie regelt mijn opleidingsbudget?", CONTACT)])


def test_without_the_review_database_nothing_is_written_and_the_error_names_no_value(tmp_path, monkeypatch):
    monkeypatch.setenv("LEERCOACH_REVIEW_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("LEERCOACH_REVIEW_DATABASE_URL", raising=False)
    with pytest.raises(store.HandoffStoreError) as problem:
        store.save("rest", "vraag", CONTACT)
    assert not (tmp_path / "review.sqlite3").exists()
    assert "anna" not in str(problem.value).lower()


def test_a_failing_insert_does_not_quote_the_contact(tmp_path, monkeypatch):
    monkeypatch.setenv("LEERCOACH_REVIEW_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("LEERCOACH_REVIEW_DATABASE_URL", raising=False)
    sa.create_engine(f"sqlite:///{tmp_path / 'review.sqlite3'}").connect().close()  # a file, no table
    with pytest.raises(store.HandoffStoreError) as problem:
        store.save("rest", "vraag", CONTACT)
    assert "anna" not in str(problem.value).lower() and problem.value.__cause__ is None


def test_the_database_is_found_as_the_review_app_finds_it(tmp_path, monkeypatch):
    monkeypatch.setenv("LEERCOACH_REVIEW_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("LEERCOACH_REVIEW_DATABASE_URL", raising=False)
    assert store.database_url() == f"sqlite:///{tmp_path / 'review.sqlite3'}"
    monkeypatch.setenv("LEERCOACH_REVIEW_DATABASE_URL", "postgresql://hr:geheim@db:5432/review")
    assert sa.engine.make_url(store.database_url()).database == "review"
    monkeypatch.setenv("LEERCOACH_REVIEW_DATABASE_URL", "mysql://db/review")
    with pytest.raises(ValueError):
        store.database_url()


def test_hulpvragen_past_the_retention_period_are_purged_even_when_nobody_opens_the_queue(review_sqlite):
    store.save("rest", "oude vraag", CONTACT)
    store.save("rest", "nieuwe vraag", CONTACT)
    with sqlite3.connect(review_sqlite / "review.sqlite3") as connection:
        connection.execute(
            "UPDATE review_handoffrequest SET created_at = datetime('now', '-181 days') WHERE question = 'oude vraag'"
        )
    assert store.purge(180) == 1
    with sqlite3.connect(review_sqlite / "review.sqlite3") as connection:
        assert connection.execute("SELECT question FROM review_handoffrequest").fetchall() == [
            ("nieuwe vraag",)
        ]


def test_the_purge_command_purges_the_hulpvragen_too(review_sqlite, tmp_path, monkeypatch, capsys):
    from leercoach.privacy.__main__ import main
    from tests.support import sqlite_endpoints

    endpoints = tmp_path / "endpoints.yml"
    sqlite_endpoints(endpoints, 5055, tmp_path / "conversations.db")
    store.save("rest", "oude vraag", CONTACT)
    with sqlite3.connect(review_sqlite / "review.sqlite3") as connection:
        connection.execute("UPDATE review_handoffrequest SET created_at = datetime('now', '-31 days')")
    assert main(["purge", "--endpoints", str(endpoints), "--days", "30"]) == 0
    assert "Hulpvragen ouder dan 30 dagen: 1 verwijderd." in capsys.readouterr().out


def _queue(state_dir):
    with sqlite3.connect(state_dir / "review.sqlite3") as connection:
        return [
            row[0] for row in connection.execute("SELECT question FROM review_handoffrequest ORDER BY id")
        ]


def test_no_more_than_the_hourly_limit_enters_the_queue(review_sqlite, monkeypatch):
    monkeypatch.setenv("LEERCOACH_HANDOFF_MAX_PER_HOUR", "3")
    for number in range(3):
        store.save("rest", f"vraag {number}", CONTACT)
    assert store.last_hour_count() == 3
    with pytest.raises(store.HourlyLimitReached):
        store.save("rest", "vraag 3", CONTACT)
    assert _queue(review_sqlite) == ["vraag 0", "vraag 1", "vraag 2"]
    # an hour later the oldest no longer counts: room for one more
    with sqlite3.connect(review_sqlite / "review.sqlite3") as connection:
        connection.execute(
            "UPDATE review_handoffrequest SET created_at = datetime('now', '-61 minutes') WHERE question = 'vraag 0'"
        )
    assert store.last_hour_count() == 2
    store.save("rest", "vraag 4", CONTACT)
    with pytest.raises(store.HourlyLimitReached):
        store.save("rest", "vraag 5", CONTACT)
    assert _queue(review_sqlite)[-1] == "vraag 4"


def test_the_hourly_limit_on_postgresql_counts_every_server(migrated_postgres, monkeypatch):
    _, url = migrated_postgres
    monkeypatch.setenv("LEERCOACH_REVIEW_DATABASE_URL", url)
    engine = sa.create_engine(store.database_url())
    with engine.begin() as connection:
        connection.execute(sa.text(f"DELETE FROM {store.TABLE}"))
        # rows another server wrote: one within the hour, one before it
        for minutes in (5, 70):
            connection.execute(
                sa.text(
                    f"INSERT INTO {store.TABLE} (created_at, channel, question, contact) "
                    f"VALUES (now() - interval '{minutes} minutes', 'rest', 'elders', 'x@y.nl')"
                )
            )
    assert store.last_hour_count() == 1
    store.save("rest", "hier", CONTACT, max_per_hour=2)
    with pytest.raises(store.HourlyLimitReached):
        store.save("rest", "te veel", CONTACT, max_per_hour=2)
    with engine.begin() as connection:
        questions = connection.execute(sa.text(f"SELECT question FROM {store.TABLE}")).scalars().all()
        connection.execute(sa.text(f"DELETE FROM {store.TABLE}"))
    assert sorted(questions) == ["elders", "elders", "hier"]


def test_servers_saving_at_the_same_moment_on_postgresql_stay_within_the_hourly_limit(
    migrated_postgres, monkeypatch
):
    # Under READ COMMITTED two transactions can both count 'below the limit' and both insert;
    # the store serialises the count-and-insert so the limit holds with many servers at once.
    _, url = migrated_postgres
    monkeypatch.setenv("LEERCOACH_REVIEW_DATABASE_URL", url)
    engine = sa.create_engine(store.database_url())
    with engine.begin() as connection:
        connection.execute(sa.text(f"DELETE FROM {store.TABLE}"))
    start = threading.Barrier(12)
    refused = []

    def employee(number):
        start.wait()
        try:
            store.save("rest", f"tegelijk {number}", CONTACT, max_per_hour=4)
        except store.HourlyLimitReached:
            refused.append(number)

    for _ in range(5):  # a race shows only sometimes: five bursts
        with engine.begin() as connection:
            connection.execute(sa.text(f"DELETE FROM {store.TABLE}"))
        refused.clear()
        workers = [threading.Thread(target=employee, args=(n,)) for n in range(12)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        with engine.begin() as connection:
            saved = connection.execute(sa.text(f"SELECT count(*) FROM {store.TABLE}")).scalar_one()
        assert (saved, len(refused)) == (4, 8)
    with engine.begin() as connection:
        connection.execute(sa.text(f"DELETE FROM {store.TABLE}"))
