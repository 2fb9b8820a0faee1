"""A hulpvraag on `make run` itself: the real REST channel, Rasa, the action server and the review app.

The row appears in HR's queue with the contact as the employee gave it and the question redacted;
the contact's bytes are nowhere in the tracker store's SQLite file (with its WAL) nor in any log
of the servers, which run at DEBUG level here so that anything Rasa could log, it logs.
"""

import json
import sqlite3
import sys
import urllib.error
import urllib.request

import pytest

from leercoach import content, settings
from leercoach.run.model import model_path
from tests.leercoach.handoff.conftest import review_django
from tests.support import make_run_in, start_until_up

pytestmark = pytest.mark.servers

# Distinctive bytes: a name, an e-mail address and a phone number found nowhere else.
CONTACT = "Kees Zuiderveldt, k.zuiderveldt@bedrijf.example, 06-98765432"
SECRETS = [b"uiderveldt", b"98765432", b"98 76 54 32"]
# Sent with a message that is not the form's payload: the channel must drop it.
STRAY = "stray.metadata.xq@bedrijf.example"
QUESTION = "Krijg ik studieverlof voor mijn opleiding? Bel me gerust op 06-12345678"


@pytest.fixture(scope="module")
def leercoach(tmp_path_factory):
    if not model_path().exists():
        pytest.fail("no model for the current data: run `make train` first (make test does)")
    work = tmp_path_factory.mktemp("handoff")
    run = make_run_in(work)
    ports, db = run["ports"], run["db"]
    env = {
        **run["env"],
        "LEERCOACH_REVIEW_DATABASE_URL": "",
        "LOG_LEVEL": "DEBUG",
        "RASA_TELEMETRY_ENABLED": "false",
        # the hand-off below and one more fill the hour (test_past_the_hourly_limit_...)
        "LEERCOACH_HANDOFF_MAX_PER_HOUR": "2",
    }
    process, output = start_until_up(
        [sys.executable, "-m", "leercoach.run", "serve"], env, "Ctrl-C", "make run"
    )
    yield {
        "port": ports["rasa"],
        "widget_port": ports["widget"],
        "db": db,
        "logs": work / "logs",
        "review": work / "review",
        "output": output,
    }
    process.terminate()
    try:
        process.wait(timeout=60)
    finally:
        output.append(process.stdout.read() or "")


def post(leercoach, body):
    request = urllib.request.Request(
        f"http://localhost:{leercoach['port']}/webhooks/rest/webhook",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def chat(leercoach, sender, message, metadata=None):
    body = {"sender": sender, "message": message}
    if metadata is not None:
        body["metadata"] = metadata
    return post(leercoach, body)


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def hr_text(name):
    return content.handoff_text(name, **settings.text_values())


def rows(leercoach):
    with sqlite3.connect(leercoach["review"] / "review.sqlite3") as connection:
        return connection.execute("SELECT channel, question, contact FROM review_handoffrequest").fetchall()


def form_of(replies):
    forms = [r["custom"]["leercoach"] for r in replies if isinstance(r.get("custom"), dict)]
    assert len(forms) == 1, replies
    return forms[0]


@pytest.fixture(scope="module")
def handed_off(leercoach):
    sender = "browser-handoff"
    chat(leercoach, sender, "hallo", metadata={"handoff_contact": STRAY, "handoff_consent": True})
    offer = chat(leercoach, sender, "ik wil iemand van HR spreken")
    yes = next(
        b["payload"] for r in offer for b in r.get("buttons", []) if b["title"] == hr_text("offer_yes")
    )
    asked = chat(leercoach, sender, yes)
    form = form_of(chat(leercoach, sender, QUESTION))
    done = chat(
        leercoach,
        sender,
        form["payload"],
        metadata={"handoff_contact": CONTACT, "handoff_consent": True, "extra": STRAY},
    )
    return {"offer": offer, "asked": asked, "form": form, "done": done}


def test_the_question_and_the_contact_reach_hrs_queue(leercoach, handed_off):
    assert "Zal ik je vraag doorgeven aan HR?" in texts(handed_off["offer"])
    assert hr_text("ask_question") in texts(handed_off["asked"])
    # the form shows the question as it will be stored: redacted
    assert "[TELEFOON]" in handed_off["form"]["question"] and "12345678" not in handed_off["form"]["question"]
    assert hr_text("done") in texts(handed_off["done"])
    ((channel, question, contact),) = rows(leercoach)
    assert channel == "rest" and contact == CONTACT
    assert question == "Krijg ik studieverlof voor mijn opleiding? Bel me gerust op [TELEFOON]"


def test_the_contact_is_nowhere_in_the_conversation_store_or_a_log(leercoach, handed_off):
    db = leercoach["db"]
    on_disk = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))  # file, -wal, -shm
    assert b"studieverlof" in on_disk  # the conversation itself is there
    logs = {log.name: log.read_bytes() for log in leercoach["logs"].glob("*.log")}
    assert any(b"DEBUG" in logged for logged in logs.values())  # the servers really logged at DEBUG
    for secret in SECRETS + [STRAY.encode()]:
        assert secret not in on_disk, secret
        for name, logged in logs.items():
            assert secret not in logged, (name, secret)
        assert secret.decode() not in "".join(leercoach["output"])
    stored = sqlite3.connect(db).execute("SELECT data FROM events WHERE type_name = 'user'").fetchall()
    assert all(json.loads(data)["metadata"] == {} for (data,) in stored)


def test_hr_sees_it_in_the_queue(leercoach, handed_off):
    page = review_django(
        leercoach["review"],
        "from django.test import Client\n"
        "from leercoach.review.models import User\n"
        "user = User.objects.create_user('hr-queue-tester', password='een lang wachtwoord 123', role='reviewer')\n"
        "client = Client()\n"
        "client.force_login(user)\n"
        "print(client.get('/hulpvragen/').content.decode())",
    )
    assert "k.zuiderveldt@bedrijf.example" in page and "studieverlof" in page and "[TELEFOON]" in page


def test_nee_and_stop_store_nothing(leercoach, handed_off):
    before = rows(leercoach)
    chat(leercoach, "browser-nee", "ik wil iemand van HR spreken")
    assert hr_text("cancelled") in texts(chat(leercoach, "browser-nee", "nee"))
    chat(leercoach, "browser-stop", "kan ik met een mens praten")
    chat(leercoach, "browser-stop", "/affirm")
    chat(leercoach, "browser-stop", "Wie betaalt mijn cursus eigenlijk?")
    assert hr_text("cancelled") in texts(chat(leercoach, "browser-stop", "stop"))
    # the form's payload after it ended: nothing read from it, the offer starts over
    late = chat(
        leercoach,
        "browser-stop",
        "/handoff_contact",
        metadata={"handoff_contact": CONTACT, "handoff_consent": True},
    )
    assert "Zal ik je vraag doorgeven aan HR?" in texts(late)
    assert rows(leercoach) == before


def test_without_consent_nothing_is_stored(leercoach, handed_off):
    before = rows(leercoach)
    sender = "browser-no-consent"
    chat(leercoach, sender, "ik wil iemand van HR spreken")
    chat(leercoach, sender, "/affirm")
    chat(leercoach, sender, "Mag ik mijn opleiding in werktijd doen?")
    refused = chat(
        leercoach, sender, "/handoff_contact", metadata={"handoff_contact": CONTACT, "handoff_consent": False}
    )
    assert hr_text("contact_invalid") in texts(refused)
    assert rows(leercoach) == before


def raw_post(leercoach, body: bytes, headers):
    """Status and parsed answer; an HTTP error status is an answer too."""
    request = urllib.request.Request(
        f"http://localhost:{leercoach['port']}/webhooks/rest/webhook", data=body, headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def stored_user_messages(leercoach):
    with sqlite3.connect(leercoach["db"]) as connection:
        return connection.execute("SELECT count(*) FROM events WHERE type_name = 'user'").fetchone()[0]


def test_a_text_plain_post_from_another_site_is_refused_and_walks_nothing(leercoach, handed_off):
    """What a page on any site can send without a CORS pre-flight (fetch with mode "no-cors")."""
    before_rows, before_messages = rows(leercoach), stored_user_messages(leercoach)
    sender = "browser-another-site"
    steps = [
        {"sender": sender, "message": "ik wil iemand van HR spreken"},
        {"sender": sender, "message": "/affirm"},
        {"sender": sender, "message": "Krijg ik studieverlof voor mijn opleiding?"},
        {
            "sender": sender,
            "message": "/handoff_contact",
            "metadata": {"handoff_contact": CONTACT, "handoff_consent": True},
        },
    ]
    for content_type in ("text/plain;charset=UTF-8", "application/x-www-form-urlencoded", None):
        for step in steps:
            headers = {"Origin": "https://evil.example"}
            if content_type:
                headers["Content-Type"] = content_type
            status, answer = raw_post(leercoach, json.dumps(step).encode(), headers)
            assert status == 415 and "application/json" in answer["error"], (content_type, answer)
    assert rows(leercoach) == before_rows
    assert stored_user_messages(leercoach) == before_messages
    # JSON with a charset is JSON: the widget's own request
    status, answer = raw_post(
        leercoach,
        json.dumps({"sender": sender, "message": "hallo"}).encode(),
        {"Content-Type": "application/json; charset=utf-8"},
    )
    assert status == 200 and texts(answer)


def test_only_the_allowed_origin_passes_the_pre_flight_json_needs(leercoach):
    def pre_flight(origin):
        request = urllib.request.Request(
            f"http://localhost:{leercoach['port']}/webhooks/rest/webhook",
            method="OPTIONS",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.headers.get("Access-Control-Allow-Origin")

    allowed = f"http://localhost:{leercoach['widget_port']}"
    assert pre_flight(allowed) == allowed
    assert pre_flight("https://evil.example") is None


def test_past_the_hourly_limit_the_offer_says_so_with_the_hr_contact(leercoach, handed_off):
    """LEERCOACH_HANDOFF_MAX_PER_HOUR=2, counted in the queue by the action server."""
    assert len(rows(leercoach)) == 1  # the hand-off above
    sender = "browser-second"
    chat(leercoach, sender, "ik wil iemand van HR spreken")
    chat(leercoach, sender, "/affirm")
    form = form_of(chat(leercoach, sender, "Wie betaalt mijn training in het buitenland?"))
    done = chat(
        leercoach, sender, form["payload"], metadata={"handoff_contact": CONTACT, "handoff_consent": True}
    )
    assert hr_text("done") in texts(done) and len(rows(leercoach)) == 2
    offer = chat(leercoach, "browser-third", "ik wil iemand van HR spreken")
    assert hr_text("limit_hour") in texts(offer) and settings.hr_contact() in texts(offer)
    assert not [b for r in offer for b in r.get("buttons", [])]
    assert len(rows(leercoach)) == 2
