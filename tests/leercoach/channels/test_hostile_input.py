"""1,200 hostile requests through the REST channel of a real Rasa server (PostgreSQL tracker store):
no 5xx, never an empty reply, a clear Dutch answer over the size limit, no error in any action,
and the server answers normally afterwards."""

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from leercoach import content
from leercoach.channels import guard
from leercoach.run.model import model_path
from leercoach.settings import PROJECT_ROOT
from tests.leercoach.channels.hostile_corpus import corpus
from tests.support import free_port
from tests.support_cluster import TEST_KEY, Database, post, say, texts

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not model_path().exists():
        pytest.fail("no model for the current data: run `make train` first (make test does)")
    database = Database()
    import psycopg2

    admin = psycopg2.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {database.name}")
    admin.close()
    folder = tmp_path_factory.mktemp("hostile")
    ports = {"rasa": free_port(), "widget": free_port(), "action": free_port()}
    endpoints = folder / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://localhost:{ports["action"]}/webhook"\n'
        f"tracker_store:\n  type: leercoach.privacy.tracker_store.PrivateSQLTrackerStore\n  url: {database.url}\n"
    )
    env = {
        **os.environ,
        "LEERCOACH_ENDPOINTS": str(endpoints),
        "LEERCOACH_RASA_PORT": str(ports["rasa"]),
        "LEERCOACH_WIDGET_PORT": str(ports["widget"]),
        "LEERCOACH_PSEUDONYM_KEY": TEST_KEY,
        "LEERCOACH_LOG_DIR": str(folder / "logs"),
        "RASA_TELEMETRY_ENABLED": "false",
    }
    log = folder / "launcher.out"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "leercoach.run", "serve"], cwd=PROJECT_ROOT, env=env,
            stdout=handle, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 600
        while "Ctrl-C" not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "make run was not up in time"
            time.sleep(0.5)
        yield {"port": ports["rasa"], "process": process, "database": database, "logs": folder / "logs"}
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=120)
        database.drop()


def test_the_corpus_is_large_and_reproducible():
    cases = corpus()
    assert len(cases) >= 1000
    assert [c.body for c in cases] == [c.body for c in corpus()]
    assert any(b"\xff" in c.body for c in cases)


def expected_too_long(body: bytes):
    """Whether the channel must say "too long": from the message as the channel reads it."""
    message = guard.clean_text(guard.read_body(body).get("message"))
    return guard.too_long(message)


def test_every_hostile_request_gets_a_reply_and_no_server_error(server):
    cases = corpus()
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda case: post(server["port"], case.body), cases))
    too_long = guard.too_long_text()
    problems = []
    for case, (status, replies) in zip(cases, outcomes, strict=True):
        shown = texts(replies)
        if status >= 500 or not shown or not all(t.strip() for t in shown):
            problems.append((case.label, status, str(replies)[:200]))
        elif expected_too_long(case.body) != (shown == [too_long]):
            problems.append((case.label, "size limit", shown[:1]))
    assert not problems, f"{len(problems)} of {len(cases)}: {problems[:10]}"


def test_no_action_raised_an_error(server):
    logs = server["logs"]
    for name in ("actieserver.log", "Rasa-server.log"):
        text = (logs / name).read_text(errors="replace")
        assert "Traceback" not in text and "Encountered an exception" not in text, name


def test_a_typed_route_feedback_payload_adds_no_unknown_route_to_a_plan(server):
    sender = "hostile-plan"
    say(server["port"], sender, "/start_coaching")
    say(server["port"], sender, "ik wil beter leren presenteren")
    for slot, value in [("time_per_week", "1_3"), ("social", "together"), ("learning_style", "doing"),
                        ("certificate", "no"), ("budget", "yes")]:  # fmt: skip
        say(server["port"], sender, "/inform" + json.dumps({slot: value}))
    for route in ["x", "route_bestaat_niet", "r" * 3000]:
        status, replies = say(
            server["port"], sender, "/route_feedback" + json.dumps({"route_choice": "fit", "route": route})
        )
        assert status == 200 and texts(replies)
    status, replies = say(server["port"], sender, '/route_feedback{"route_choice": "skip"}')
    plan = " ".join(texts(replies))
    assert "Jouw ontwikkelplan" in plan or "ontwikkelplan" in plan.lower()
    assert "route_bestaat_niet" not in plan and "rrrr" not in plan
    stored = server["database"].query(
        "SELECT data FROM events WHERE type_name = 'slot' AND data LIKE '%coaching_plan%'"
    )
    assert stored and all("route_bestaat_niet" not in row[0] and '"x"' not in row[0] for row in stored)


def test_the_server_answers_normally_afterwards(server):
    assert server["process"].poll() is None
    status, replies = say(server["port"], "hostile-after", "wat is een leercultuur?")
    assert status == 200
    assert content.answer("wat_is_leercultuur")["text"].strip()[:30] in texts(replies)[0]
