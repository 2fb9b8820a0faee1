"""Every promise of the privacy text, proven on `make run` itself (real servers, SQLite store).

What is stored (only redacted text, under a pseudonym), that the employee is told, how long
(purge at start), erasure, export and 'stop' in the coaching: each test below is the mechanism
behind one sentence of leercoach/content/privacy.yml.
"""

import json
import re
import sys
import time

import pytest

from leercoach import content, settings
from leercoach.coaching.data import text as coaching_text
from leercoach.privacy import audit
from leercoach.privacy.pseudonym import pseudonym
from leercoach.privacy.store import conversation_events, engine_from_endpoints
from leercoach.run.model import model_path
from tests.leercoach.privacy.conftest import DAY, add_conversation
from tests.support import make_run_in, say, start_until_up

pytestmark = pytest.mark.servers

# What an employee might type; none of it may reach the disk or a log.
PII_MESSAGES = {
    "06-12345678": "Kun je me bellen op 06-12345678 over een cursus?",
    "j.devries@bedrijf.nl": "mijn mail is j.devries@bedrijf.nl, stuur me de routes",
    "111222333": "Mijn BSN is 111222333, heb ik dat nodig voor een opleiding?",
    "NL91ABNA0417164300": "Wordt de cursus vergoed op NL91ABNA0417164300?",
}
GOAL_SECRET = "0687654321"
GOAL = f"Ik wil beter leren presenteren, bel me op {GOAL_SECRET}"
# A word no log line can contain unless message text is logged.
LOG_CANARY = "kwartiermakersoverleg"


@pytest.fixture(scope="module")
def leercoach(tmp_path_factory):
    if not model_path().exists():
        pytest.fail("no model for the current data: run `make train` first (make test does)")
    work = tmp_path_factory.mktemp("privacy")
    run = make_run_in(work)
    ports, endpoints, db = run["ports"], run["endpoints"], run["db"]
    store = engine_from_endpoints(endpoints)
    now = time.time()
    add_conversation(store, "stale", last_message_at=now - settings.retention_days() * DAY - 3600)
    add_conversation(store, "fresh", last_message_at=now - settings.retention_days() * DAY + 3600)
    env = run["env"]
    process, output = start_until_up(
        [sys.executable, "-m", "leercoach.run", "serve"], env, "Ctrl-C", "make run"
    )
    yield {"port": ports["rasa"], "db": db, "store": store, "logs": work / "logs", "output": "".join(output)}
    process.terminate()
    process.wait(timeout=60)


def chat(leercoach, sender, message):
    return say(leercoach["port"], sender, message)


def disk_bytes(leercoach) -> bytes:
    """The tracker store as it is on disk: the SQLite file with its journal files."""
    db = leercoach["db"]
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def click(replies, title):
    for reply in replies:
        for button in reply.get("buttons", []):
            if button["title"] == title:
                return button["payload"]
    raise AssertionError(f"no button {title!r} in {[r.get('text', '')[:40] for r in replies]}")


def walk_to_plan(leercoach, sender):
    """Coaching from the start to the plan: the goal typed, the questions clicked, the first
    route chosen and the rest skipped."""
    chat(leercoach, sender, "Ik wil een persoonlijk ontwikkelplan maken")
    replies = chat(leercoach, sender, GOAL)
    stop, fit, skip = (coaching_text("buttons", name) for name in ("stop", "fit", "skip"))
    routes_chosen = 0
    for _ in range(25):
        if any(coaching_text("plan", "summary_header") in r.get("text", "") for r in replies):
            return replies
        titles = [b["title"] for r in replies for b in r.get("buttons", []) if b["title"] != stop]
        if skip in titles:
            chosen, routes_chosen = (fit if routes_chosen == 0 else skip), routes_chosen + 1
        else:
            chosen = titles[0]
        replies = chat(leercoach, sender, click(replies, chosen))
    raise AssertionError("no plan after 25 turns")


def test_conversations_past_the_retention_period_are_purged_when_leercoach_starts(leercoach):
    senders = {e for e in ("stale", "fresh") if conversation_events(leercoach["store"], e)}
    assert senders == {"fresh"}
    assert "Bewaartermijn: 1 oude gesprekken verwijderd" in leercoach["output"]


def test_personal_data_is_removed_before_anything_is_stored_and_the_employee_is_told(leercoach):
    for secret, message in PII_MESSAGES.items():
        replies = chat(leercoach, "browser-pii", message)
        assert replies[0]["text"].startswith(content.pii_notice(["TELEFOON"]).split(" een ")[0])
        assert secret not in json.dumps(replies)
        assert len(replies) > 1  # and the question is still answered
    on_disk = disk_bytes(leercoach)
    for secret in PII_MESSAGES:
        assert secret.encode() not in on_disk
    stored = conversation_events(leercoach["store"], pseudonym("rest", "browser-pii"))
    assert any("[TELEFOON]" in (e.get("text") or "") for e in stored)


def test_the_coaching_goal_and_plan_never_show_personal_data(leercoach):
    replies = walk_to_plan(leercoach, "browser-goal")
    assert GOAL_SECRET not in json.dumps(replies)
    assert "presenteren" in json.dumps(replies)
    assert GOAL_SECRET.encode() not in disk_bytes(leercoach)


def test_conversations_are_stored_under_a_code_not_the_browser_id(leercoach):
    chat(leercoach, "browser-id-4242", "hallo")
    assert b"browser-id-4242" not in disk_bytes(leercoach)
    assert conversation_events(leercoach["store"], pseudonym("rest", "browser-id-4242"))


def test_no_log_line_contains_message_text(leercoach):
    chat(leercoach, "browser-log", f"Hoe leer ik meer in het {LOG_CANARY}?")
    chat(leercoach, "browser-log", PII_MESSAGES["06-12345678"])
    for log in leercoach["logs"].glob("*.log"):
        logged = log.read_text(errors="replace")
        assert LOG_CANARY not in logged and "06-12345678" not in logged, log.name


def quoted_commands():
    """The phrases the privacy text tells the employee to type: 'wat weet je van mij?' etc."""
    return re.findall(r"'([^']+)'", content.privacy_text("full", **settings.text_values()))


def test_the_privacy_text_names_the_commands_that_work(leercoach):
    see, erase = quoted_commands()
    chat(leercoach, "browser-commands", "hallo")
    assert pseudonym("rest", "browser-commands") in chat(leercoach, "browser-commands", see)[0]["text"]
    assert (
        content.privacy_message("erasure", "confirm") in chat(leercoach, "browser-commands", erase)[0]["text"]
    )


def test_export_gives_the_employee_their_own_stored_conversation_as_a_download(leercoach):
    sender = "browser-export"
    chat(leercoach, sender, PII_MESSAGES["j.devries@bedrijf.nl"])
    chat(leercoach, sender, "wat is een leercultuur?")
    replies = chat(leercoach, sender, "download mijn gesprek")
    export = next(r["custom"] for r in replies if "custom" in r)
    assert export["leercoach"] == "conversation_export" and export["filename"].endswith(".txt")
    assert "wat is een leercultuur?" in export["content"] and "[E-MAIL]" in export["content"]
    assert "j.devries@bedrijf.nl" not in export["content"]
    assert pseudonym("rest", sender) in replies[0]["text"]
    entry = audit.entries(leercoach["store"], action="export")[0]
    # Recorded, but not which conversation: the audit row outlives it (as for a self-service erasure).
    assert entry.actor == "medewerker" and entry.count == 4 and entry.conversation is None


def test_erasure_after_confirmation_deletes_the_whole_conversation_from_disk(leercoach):
    sender = "browser-erase"
    walk_to_plan(leercoach, sender)
    assert conversation_events(leercoach["store"], pseudonym("rest", sender))
    chat(leercoach, sender, "verwijder mijn gegevens")
    replies = chat(leercoach, sender, "/affirm")
    assert content.privacy_message("erasure", "done") in replies[0]["text"]
    assert {"leercoach": "conversation_erased"} in [r.get("custom") for r in replies]
    assert conversation_events(leercoach["store"], pseudonym("rest", sender)) == []
    entry = audit.entries(leercoach["store"], action="erasure")[0]
    assert entry.count > 20 and entry.conversation is None
    # Nothing comes back: the plan is gone too.
    chat(leercoach, sender, "wat was mijn plan?")
    assert len(conversation_events(leercoach["store"], pseudonym("rest", sender))) < 10


def test_no_erasure_without_confirmation(leercoach):
    sender = "browser-keep"
    chat(leercoach, sender, "wat is een leercultuur?")
    chat(leercoach, sender, "verwijder mijn gegevens")
    replies = chat(leercoach, sender, "/deny")
    assert replies[0]["text"] == content.privacy_message("erasure", "cancelled")
    assert any(
        e.get("text") == "wat is een leercultuur?"
        for e in conversation_events(leercoach["store"], pseudonym("rest", sender))
    )


def test_stop_in_the_coaching_says_truthfully_what_is_kept(leercoach):
    sender = "browser-stop"
    chat(leercoach, sender, "Ik wil een persoonlijk ontwikkelplan maken")
    chat(leercoach, sender, "beter leren plannen")
    replies = chat(leercoach, sender, "stop")
    assert coaching_text("stop", "stopped") in replies[0]["text"]
    stored = conversation_events(leercoach["store"], pseudonym("rest", sender))
    # The answers no longer count (slots emptied) but the messages are still there, as it says.
    assert any(e.get("text") == "beter leren plannen" for e in stored)
    goal_values = [
        e["value"] for e in stored if e.get("event") == "slot" and e.get("name") == "coaching_goal"
    ]
    assert goal_values[-1] is None
