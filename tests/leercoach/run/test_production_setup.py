"""The production set-up: two Rasa servers share PostgreSQL (tracker store) and Redis (lock store).

Proves that conversation state lives in the tracker store, never in one server's memory:
a list shown by one server is referred to ("de tweede") on the other, as behind nginx.
"""

import sys
import uuid

import pytest

from leercoach import content
from leercoach.run.model import model_path
from leercoach.run.servers import Servers
from leercoach.settings import PROJECT_ROOT
from tests.support import free_port, say

pytestmark = pytest.mark.servers

POSTGRES = "postgresql://postgres@127.0.0.1:5432"


@pytest.fixture(scope="module")
def database():
    import psycopg2

    name = f"leercoach_test_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(f"{POSTGRES}/postgres")
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    yield f"{POSTGRES}/{name}"
    admin.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


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
    }
    servers = Servers()
    ports = []
    try:
        actions = servers.start(
            "test action server", [sys.executable, "-m", "rasa", "run", "actions", "--port", str(action_port)]
        )
        servers.wait_until_up(actions, f"http://127.0.0.1:{action_port}/health", timeout=120)
        for name in ("test rasa A", "test rasa B"):
            port = free_port()
            rasa = servers.start(
                name,
                [
                    sys.executable,
                    "-m",
                    "rasa",
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


def test_the_conversation_is_stored_in_postgresql(two_rasa_servers, database):
    import psycopg2

    say(two_rasa_servers[0], "employee-2", "hallo")
    with psycopg2.connect(database) as connection:
        cursor = connection.cursor()
        cursor.execute(
            "SELECT count(*) FROM events WHERE sender_id = %s AND type_name = 'user'", ("employee-2",)
        )
        assert cursor.fetchone()[0] == 1
