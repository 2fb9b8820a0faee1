"""The production set-up: two Rasa servers share PostgreSQL (tracker store) and Redis (lock store).

Proves that conversation state lives in the tracker store, never in one server's memory:
a list shown by one server is referred to ("de tweede") on the other, as behind nginx.
"""

import sys

import pytest

from leercoach import content
from leercoach.privacy.pseudonym import pseudonym
from leercoach.run.model import model_path
from leercoach.run.servers import Servers
from leercoach.settings import PROJECT_ROOT
from tests.support import free_port, postgres_database, say

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def database():
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="module")
def two_rasa_servers(database):
    if not model_path().exists():
        pytest.fail("no model for the current data: run `make train` first (make test does)")
    action_port = free_port()
    production_env = {
        "LEERCOACH_ACTION_ENDPOINT_URL": f"http://localhost:{action_port}/webhook",
        "LEERCOACH_TRACKER_STORE_URL": database,
        "LEERCOACH_REDIS_HOST": "127.0.0.1",
        "LEERCOACH_REDIS_PORT": "6379",
        "LEERCOACH_REDIS_DB": "1",
        "LEERCOACH_REDIS_PASSWORD": "",
    }
    servers = Servers()
    ports = []
    try:
        actions = servers.start(
            "test action server",
            [sys.executable, "-m", "rasa", "run", "actions", "--port", str(action_port)],
            extra_env={
                **production_env,
                "LEERCOACH_ENDPOINTS": str(PROJECT_ROOT / "endpoints.production.yml"),
            },
        )
        servers.wait_until_up(actions, f"http://127.0.0.1:{action_port}/health", timeout=120)
        for name in ("test rasa A", "test rasa B"):
            port = free_port()
            rasa = servers.start(
                name,
                [
                    sys.executable,
                    "-m",
                    "leercoach.run.rasa_cli",
                    "run",
                    "--model",
                    str(model_path()),
                    "--endpoints",
                    str(PROJECT_ROOT / "endpoints.production.yml"),
                    "--port",
                    str(port),
                ],
                extra_env=production_env,
            )
            servers.wait_until_up(rasa, f"http://127.0.0.1:{port}/", timeout=300)
            ports.append(port)
        yield ports
    finally:
        servers.stop_all()


def test_a_list_shown_by_one_server_is_continued_on_the_other(two_rasa_servers):
    server_a, server_b = two_rasa_servers
    say(server_a, "employee-1", "welke manieren zijn er om je als werknemer te ontwikkelen?")
    replies = say(server_b, "employee-1", "de derde")
    assert content.answer("route_samen_leren")["text"].strip()[:30] in replies[0]["text"]


def stored_rows(database, sender_id=None):
    import psycopg2

    with psycopg2.connect(database) as connection:
        cursor = connection.cursor()
        if sender_id is None:
            cursor.execute("SELECT sender_id, type_name, intent_name, action_name, data FROM events")
        else:
            cursor.execute(
                "SELECT sender_id, type_name, intent_name, action_name, data FROM events WHERE sender_id = %s",
                (sender_id,),
            )
        return cursor.fetchall()


def test_the_conversation_is_stored_in_postgresql_under_its_pseudonym(two_rasa_servers, database):
    say(two_rasa_servers[0], "employee-2", "hallo")
    rows = stored_rows(database, pseudonym("rest", "employee-2"))
    assert [row[1] for row in rows].count("user") == 1
    assert stored_rows(database, "employee-2") == []


PII = {
    "06-12345678": "Mijn nummer is 06-12345678, bel me maar.",
    "jan.jansen@acme.nl": "Mail me op jan.jansen@acme.nl over een cursus",
    "NL91ABNA0417164300": "Mijn rekening is NL91ABNA0417164300 voor de declaratie",
}


def test_personal_data_never_reaches_postgresql_and_the_employee_is_told(two_rasa_servers, database):
    for number, message in enumerate(PII.values()):
        replies = say(two_rasa_servers[number % 2], "employee-pii", message)
        assert replies[0]["text"].startswith("Je bericht bevatte ")
    everything = repr(stored_rows(database))
    for secret in PII:
        assert secret not in everything
    assert "employee-pii" not in everything


def test_export_and_erasure_work_across_two_servers(two_rasa_servers, database):
    server_a, server_b = two_rasa_servers
    conversation = pseudonym("rest", "employee-erase")
    say(server_a, "employee-erase", "wat is een leercultuur?")
    exported = say(server_b, "employee-erase", "download mijn gesprek")
    export = next(r["custom"] for r in exported if "custom" in r)
    assert "wat is een leercultuur?" in export["content"] and conversation in exported[0]["text"]

    asked = say(server_a, "employee-erase", "verwijder mijn gegevens")
    assert [b["payload"] for b in asked[0]["buttons"]] == ["/affirm", "/deny"]
    done = say(server_b, "employee-erase", "/affirm")
    assert any(r.get("custom", {}).get("leercoach") == "conversation_erased" for r in done)
    assert stored_rows(database, conversation) == []
