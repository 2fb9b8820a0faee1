"""The action server of `make run` itself: reachable from this machine only, refusing a call
without the launcher's secret, and an action that raises in a real conversation leaves the
user with the friendly Dutch line and no trace of the turn in any log.

The hulpvraag is the turn with the most in it: the (redacted) question in a slot and the
contact, raw, in the message's metadata; rasa-sdk's own server answers a failure with all of it,
and the Rasa server logs that at ERROR. The failure is made by a test-only sitecustomize
(tests/leercoach/run/raise_in_handoff) on the servers' PYTHONPATH."""

import json
import os
import socket
import sys
import urllib.request
from pathlib import Path

import pytest

from leercoach import content, settings
from leercoach.run.model import model_path
from tests.support import forged_call, make_run_in, start_until_up, this_machines_address

pytestmark = pytest.mark.servers

RAISE_IN_HANDOFF = Path(__file__).parent / "raise_in_handoff"
FRIENDLY = content.message("server_error")
CONTACT = "Wietske Oosterhuizen, w.oosterhuizen@bedrijf.example, 06-24681357"
QUESTION = "Mag ik mijn studiedagen opsparen voor de masteropleiding? Bel me op 06-11223344"
# Bytes of the turn that no log may hold: the contact, the question (redacted or not).
PRIVATE = ["oosterhuizen", "24681357", "studiedagen", "masteropleiding", "11223344"]


@pytest.fixture(scope="module")
def leercoach(tmp_path_factory):
    if not model_path().exists():
        pytest.fail("no model for the current data: run `make train` first (make test does)")
    work = tmp_path_factory.mktemp("action-server")
    run = make_run_in(work)
    env = {
        **run["env"],
        "PYTHONPATH": os.pathsep.join([str(RAISE_IN_HANDOFF), os.environ.get("PYTHONPATH", "")]),
        "LEERCOACH_TEST_RAISE_IN_HANDOFF": "1",
        "LEERCOACH_REVIEW_DATABASE_URL": "",
    }
    env.pop("LEERCOACH_ACTION_SECRET", None)  # make run makes its own
    process, output = start_until_up(
        [sys.executable, "-m", "leercoach.run", "serve"], env, "Ctrl-C", "make run"
    )
    running = {"ports": run["ports"], "logs": work / "logs", "output": output, "process": process}
    yield running
    process.terminate()
    try:
        process.wait(timeout=60)
    finally:
        output.append(process.stdout.read() or "")


def chat(leercoach, sender, message, metadata=None):
    body = {"sender": sender, "message": message, **({"metadata": metadata} if metadata else {})}
    request = urllib.request.Request(
        f"http://localhost:{leercoach['ports']['rasa']}/webhooks/rest/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def texts(replies):
    return [r.get("text") or "" for r in replies]


def action_server_secret(leercoach):
    """The secret in the running action server's environment (the launcher made it)."""
    logs = str(leercoach["logs"]).encode()
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if b"leercoach.run.action_server" in command and b"LEERCOACH_LOG_DIR=" + logs in environ:
            for variable in environ:
                if variable.startswith(b"LEERCOACH_ACTION_SECRET="):
                    return variable.split(b"=", 1)[1].decode()
    raise AssertionError("no action server of this make run with a secret")


def all_logged(leercoach) -> str:
    logs = "".join(p.read_text(errors="replace") for p in leercoach["logs"].glob("*"))
    return logs + "".join(leercoach["output"])


def test_the_action_server_is_not_reachable_from_another_machine(leercoach):
    with pytest.raises(OSError):
        socket.create_connection((this_machines_address(), leercoach["ports"]["action"]), timeout=5).close()


@pytest.mark.parametrize("headers", [None, {settings.ACTION_SECRET_HEADER: "geraden-" + "x" * 40}])
def test_a_forged_call_on_this_machine_is_refused(leercoach, headers):
    status, body = forged_call(leercoach["ports"]["action"], headers)
    assert status == 401
    assert json.loads(body) == {"error": "unauthorized"}


def test_the_rasa_server_has_the_secret_so_a_conversation_works(leercoach):
    replies = chat(leercoach, "browser-hallo", "hallo")
    assert texts(replies)[-1] == content.answer("greet")["text"].strip()


def test_the_secret_is_fresh_long_and_in_no_log(leercoach):
    secret = action_server_secret(leercoach)
    assert len(secret) >= settings.MIN_ACTION_SECRET_CHARS
    assert secret not in all_logged(leercoach)
    assert "Refused a call to /webhook" in (leercoach["logs"] / "actieserver.log").read_text()


@pytest.fixture(scope="module")
def failed_handoff(leercoach):
    sender = "browser-hulpvraag"
    chat(leercoach, sender, "ik wil iemand van HR spreken")
    chat(leercoach, sender, "/affirm")
    form = [
        r["custom"]["leercoach"]
        for r in chat(leercoach, sender, QUESTION)
        if isinstance(r.get("custom"), dict)
    ]
    assert len(form) == 1, form
    return chat(
        leercoach, sender, form[0]["payload"], metadata={"handoff_contact": CONTACT, "handoff_consent": True}
    )


def test_an_action_that_raises_ends_in_the_friendly_line(leercoach, failed_handoff):
    assert FRIENDLY in texts(failed_handoff)
    done = content.handoff_text("done", **settings.text_values())
    assert done not in texts(failed_handoff)
    # it really failed in the action server, and says where
    assert (
        "Action action_handoff_submit failed: RuntimeError"
        in (leercoach["logs"] / "actieserver.log").read_text()
    )


def test_no_log_holds_the_turns_text_or_the_contact(leercoach, failed_handoff):
    logged = all_logged(leercoach).lower()
    for private in PRIVATE:
        assert private not in logged, private
