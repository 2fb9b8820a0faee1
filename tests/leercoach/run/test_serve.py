"""`make run` as a newcomer meets it: real servers, the REST channel, clear errors, Ctrl-C."""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from leercoach import content
from leercoach.run.model import model_path
from leercoach.settings import PROJECT_ROOT
from tests.support import free_port, port_is_free, start_until_up
from tests.support import say as say_rest

# Needs a trained model and free ports: runs in `make test-servers`, after `make train`.
pytestmark = pytest.mark.servers


def launcher_env(tmp_path, rasa_port, widget_port, action_port):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://localhost:{action_port}/webhook"\n'
        f"tracker_store:\n  type: leercoach.privacy.tracker_store.PrivateSQLTrackerStore\n  dialect: sqlite\n  db: {tmp_path / 'conversations.db'}\n"
    )
    return {
        **os.environ,
        "LEERCOACH_ENDPOINTS": str(endpoints),
        "LEERCOACH_RASA_PORT": str(rasa_port),
        "LEERCOACH_WIDGET_PORT": str(widget_port),
        "RASA_TELEMETRY_ENABLED": "false",
    }


@pytest.fixture(scope="module")
def leercoach(tmp_path_factory):
    if not model_path().exists():
        pytest.fail("no model for the current data: run `make train` first (make test does)")
    ports = {"rasa": free_port(), "widget": free_port(), "action": free_port()}
    env = launcher_env(tmp_path_factory.mktemp("serve"), ports["rasa"], ports["widget"], ports["action"])
    # "Ctrl-C" is on the last line make run prints once it is up.
    process, output = start_until_up(
        [sys.executable, "-m", "leercoach.run", "serve"], env, "Ctrl-C", "make run"
    )
    yield {"process": process, "ports": ports, "output": output}
    if process.poll() is None:
        process.terminate()  # the launcher stops its servers on SIGTERM too
        process.wait(timeout=60)


def say(leercoach, sender, message):
    return say_rest(leercoach["ports"]["rasa"], sender, message)


def test_run_prints_where_to_talk_to_leercoach(leercoach):
    printed = "".join(leercoach["output"])
    assert f"http://localhost:{leercoach['ports']['widget']}/" in printed
    assert "/webhooks/rest/webhook" in printed


def test_hallo_gets_the_dutch_greeting(leercoach):
    replies = say(leercoach, "test-greet", "hallo")
    assert replies[0]["text"] == content.answer("greet")["text"].strip()


def test_what_is_a_learning_culture_is_answered_with_its_source(leercoach):
    replies = say(leercoach, "test-faq", "wat is een leercultuur?")
    assert content.answer("wat_is_leercultuur")["text"].strip()[:30] in replies[0]["text"]
    assert "Heijboer, 2013" in replies[0]["text"]


def test_the_second_item_after_an_overview(leercoach):
    overview = say(leercoach, "test-list", "wat is een goede leercultuur?")
    assert len(overview[0]["buttons"]) == 7
    replies = say(leercoach, "test-list", "de tweede")
    assert content.answer("kenmerk_kennis_delen")["text"].strip()[:30] in replies[0]["text"]


def test_html_is_stored_and_answered_as_plain_text(leercoach):
    replies = say(leercoach, "test-html", "<img src=x onerror=alert(1)>")
    assert replies and all("<img" not in r.get("text", "") for r in replies)


def test_ctrl_c_stops_every_server(leercoach):
    process = leercoach["process"]
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    time.sleep(1)
    assert all(port_is_free(p) for p in leercoach["ports"].values())


def test_a_port_in_use_gives_a_one_line_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        busy_port = busy.getsockname()[1]
        env = launcher_env(tmp_path, busy_port, free_port(), free_port())
        result = subprocess.run(
            [sys.executable, "-m", "leercoach.run", "serve"],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert f"Poort {busy_port}" in result.stderr
