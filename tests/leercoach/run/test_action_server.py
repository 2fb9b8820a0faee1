"""The action server every set-up starts (leercoach.run.action_server): a call without the shared
secret is refused before any action runs, and a failed action answers a bare 500 and logs
neither the request nor the exception's message."""

import json
import logging

import httpx
import pytest
from sanic import Sanic

from leercoach import settings
from leercoach.run import action_server
from tests.support import free_port

SECRET = "s3cr3t-" + "x" * 40
HEADER = settings.ACTION_SECRET_HEADER
# What a call carries that may never reach a log: the text, a slot, the metadata's contact.
TEXT = "Ik twijfel over mijn opleiding bij Zuiderveldt"
SLOT = "slotwaarde-7391"
CONTACT = "k.zuiderveldt@bedrijf.example"
PRIVATE = ["twijfel", "uiderveldt", SLOT, "7391"]


def action_call(action: str) -> dict:
    return {
        "next_action": action,
        "sender_id": "pseudoniem",
        "tracker": {
            "sender_id": "pseudoniem",
            "slots": {"geheim": SLOT},
            "latest_message": {"text": TEXT, "metadata": {"handoff_contact": CONTACT}},
            "events": [{"event": "user", "text": TEXT, "metadata": {"handoff_contact": CONTACT}}],
        },
        "domain": {},
        "version": "3.6.21",
    }


@pytest.mark.parametrize(
    "given, expected",
    [
        (None, False),
        ("", False),
        ("x" * 47, False),  # same length, other bytes
        (SECRET[:-1], False),
        (SECRET + "x", False),
        (SECRET.upper(), False),
        ("é" * 47, False),  # non-ASCII: no exception, just no
        ("\udcff" * 47, False),  # a raw byte as Sanic keeps it
        (SECRET, True),
    ],
)
def test_only_the_exact_secret_is_authorised(given, expected):
    assert action_server.authorised(given, SECRET) is expected


def test_without_a_secret_nothing_is_authorised():
    assert not action_server.authorised("", "")
    assert not action_server.authorised(SECRET, "")


async def serve(app):
    port = free_port()
    running = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True)
    await running.startup()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        yield client
    running.close()
    await running.wait_closed()


@pytest.fixture
async def server():
    Sanic.test_mode = True  # several apps named rasa_sdk in one test process
    async for client in serve(action_server.create_app("tests.leercoach.run.failing_actions", SECRET)):
        yield client


async def test_rasa_sdks_own_server_answers_a_failure_with_the_request():
    """Why the handler is replaced: pinned against rasa-sdk, so an upgrade that fixes it shows."""
    from rasa_sdk import endpoint

    Sanic.test_mode = True
    async for client in serve(endpoint.create_app("tests.leercoach.run.failing_actions")):
        failed = await post(client, "action_that_fails", None)
        assert failed.status_code == 500 and CONTACT in failed.text and SLOT in failed.text


def post(client, action: str, secret):
    headers = {} if secret is None else {HEADER: secret}
    return client.post("/webhook", content=json.dumps(action_call(action)), headers=headers)


@pytest.mark.parametrize(
    "secret", [None, "", "verkeerd", SECRET[:-1] + "y", "é".encode() * 24, b"\xff\xfe" * 20]
)
async def test_a_call_without_the_right_secret_is_refused_and_logged_without_its_body(server, caplog, secret):
    caplog.set_level(logging.DEBUG)
    refused = await post(server, "action_that_answers", secret)
    assert refused.status_code == 401
    assert refused.json() == {"error": "unauthorized"}
    assert "gelukt" not in refused.text
    refusals = [r for r in caplog.records if "Refused" in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].levelno == logging.WARNING
    logged = caplog.text
    for private in PRIVATE + [SECRET]:
        assert private not in logged


async def test_the_action_list_needs_the_secret_too_and_the_health_check_does_not(server):
    assert (await server.get("/actions")).status_code == 401
    assert (await server.get("/actions", headers={HEADER: SECRET})).status_code == 200
    assert (await server.get("/health")).json() == {"status": "ok"}


async def test_with_the_secret_the_action_runs(server):
    answered = await post(server, "action_that_answers", SECRET)
    assert answered.status_code == 200
    assert answered.json()["responses"][0]["text"] == "gelukt"


async def test_a_failed_action_answers_a_bare_500_and_logs_no_value(server, caplog):
    caplog.set_level(logging.DEBUG)
    failed = await post(server, "action_that_fails", SECRET)
    assert failed.status_code == 500
    for private in PRIVATE:
        assert private not in failed.text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "action_that_fails" in errors[0].getMessage() and "RuntimeError" in errors[0].getMessage()
    assert "failing_actions.py" in errors[0].getMessage()  # where it happened, for whoever fixes it
    for private in PRIVATE:
        assert private not in caplog.text


async def test_an_unreadable_body_is_refused_without_echoing_it(server, caplog):
    caplog.set_level(logging.DEBUG)
    broken = await server.post("/webhook", content=f"{{{TEXT}", headers={HEADER: SECRET})
    assert broken.status_code == 400 and "twijfel" not in broken.text
    assert "twijfel" not in caplog.text


@pytest.mark.parametrize("value", [None, "", "geheimpje", "x" * 31, " " * 40, "é" * 40, "met spatie " * 4])
def test_the_server_does_not_start_without_a_long_enough_secret(monkeypatch, capsys, value):
    if value is None:
        monkeypatch.delenv("LEERCOACH_ACTION_SECRET", raising=False)
    else:
        monkeypatch.setenv("LEERCOACH_ACTION_SECRET", value)
    assert action_server.main(["--port", str(free_port())]) == 1
    err = capsys.readouterr().err
    (line,) = err.strip().splitlines()
    assert "LEERCOACH_ACTION_SECRET" in line and "32" in line
    if value and value.strip():
        assert value.strip() not in line  # the value itself is never shown
