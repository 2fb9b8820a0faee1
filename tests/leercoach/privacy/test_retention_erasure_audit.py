"""Retention, erasure and the audit log on the real databases (SQLite file and PostgreSQL)."""

import pytest
import sqlalchemy as sa

from leercoach.privacy import audit
from leercoach.privacy.__main__ import main as privacy_command
from leercoach.privacy.erasure import erase_conversation
from leercoach.privacy.retention import purge
from leercoach.privacy.store import engine_from_endpoints
from tests.leercoach.privacy.conftest import DAY, NOW, add_conversation, endpoints_for, stored_senders


def test_purge_deletes_conversations_just_outside_the_period_and_keeps_those_just_inside(engine):
    add_conversation(engine, "old", last_message_at=NOW - 180 * DAY - 60, texts=("a", "b"))
    add_conversation(engine, "recent", last_message_at=NOW - 180 * DAY + 60)
    # An old start does not matter: the last message counts.
    add_conversation(engine, "long-running", last_message_at=NOW - DAY, texts=tuple("abcdef"))

    result = purge(engine, days=180, now=NOW)

    assert (result.conversations, result.events) == (1, 3)
    assert stored_senders(engine) == {"recent", "long-running"}


def test_purge_is_recorded_in_the_audit_log_without_any_text(engine):
    add_conversation(engine, "old", last_message_at=NOW - 200 * DAY, texts=("mijn geheime vraag",))
    purge(engine, days=180, now=NOW)
    entry = audit.entries(engine, action="purge")[0]
    assert (entry.actor, entry.count, entry.conversation) == ("systeem", 1, None)
    assert "2 events" in entry.detail and "geheime" not in repr(entry)


def test_erasure_removes_every_event_of_every_session_and_nothing_else(engine):
    add_conversation(engine, "me", last_message_at=NOW - 10 * DAY)
    add_conversation(engine, "me", last_message_at=NOW)  # a later session of the same conversation
    add_conversation(engine, "colleague", last_message_at=NOW)
    assert erase_conversation(engine, "me", actor="medewerker") == 4
    assert stored_senders(engine) == {"colleague"}
    entry = audit.entries(engine, action="erasure")[0]
    assert (entry.count, entry.conversation) == (4, None)  # self-service: no trace of which one


def test_an_erasure_on_request_names_the_conversation_in_the_audit_log(engine):
    add_conversation(engine, "asked-hr", last_message_at=NOW)
    erase_conversation(engine, "asked-hr", actor="hr.anna", keep_id_in_audit=True)
    entry = audit.entries(engine, action="erasure")[0]
    assert (entry.actor, entry.conversation) == ("hr.anna", "asked-hr")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE leercoach_audit SET count = 0",
        "DELETE FROM leercoach_audit",
        # Forgetting which conversation is the one change allowed, and only on its own.
        "UPDATE leercoach_audit SET conversation = NULL, count = 0",
        "UPDATE leercoach_audit SET conversation = 'een ander'",
    ],
)
def test_the_audit_log_cannot_be_rewritten(engine, statement):
    audit.record(engine, "export", actor="medewerker", conversation="c0ffee", count=3)
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as connection:
        connection.exec_driver_sql(statement)
    assert (audit.entries(engine)[0].count, audit.entries(engine)[0].conversation) == (3, "c0ffee")


def test_a_truncate_of_the_audit_log_is_refused_too(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    audit.record(engine, "export", actor="medewerker", count=3)
    with pytest.raises(sa.exc.DatabaseError), engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE leercoach_audit")
    assert audit.entries(engine)[0].count == 3


def test_erasure_makes_earlier_entries_forget_the_conversation_and_nothing_else(engine):
    add_conversation(engine, "read-by-hr", last_message_at=NOW)
    audit.record(engine, "transcript_view", actor="hr.anna", conversation="read-by-hr")
    audit.record(engine, "transcript_view", actor="hr.anna", conversation="colleague")
    erase_conversation(engine, "read-by-hr", actor="medewerker")
    views = audit.entries(engine, action="transcript_view")
    assert [(e.actor, e.conversation) for e in views] == [("hr.anna", "colleague"), ("hr.anna", None)]


def test_purge_command_prints_what_it_removed(tmp_path, capsys, monkeypatch):
    endpoints = endpoints_for(tmp_path / "endpoints.yml", str(tmp_path / "conversations.db"))
    engine = engine_from_endpoints(endpoints)
    add_conversation(engine, "old", last_message_at=NOW - 31 * DAY)
    add_conversation(engine, "new", last_message_at=NOW - 29 * DAY)
    monkeypatch.setenv("LEERCOACH_RETENTION_DAYS", "30")

    assert privacy_command(["purge", "--endpoints", str(endpoints)]) == 0

    assert "Bewaartermijn 30 dagen: 1 gesprekken en 2 events verwijderd." in capsys.readouterr().out
    assert stored_senders(engine) == {"new"}


def test_purge_command_says_so_when_the_database_is_down(tmp_path, capsys):
    endpoints = endpoints_for(tmp_path / "endpoints.yml", "postgresql://postgres@127.0.0.1:1/nowhere")
    assert privacy_command(["purge", "--endpoints", str(endpoints)]) == 1
    assert "niet bereikbaar" in capsys.readouterr().err
