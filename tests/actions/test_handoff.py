"""The hulpvraag actions: the offer, the question, the contact form, storing and 'nee'/'stop'."""

import asyncio
import sqlite3

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff
from leercoach import content, settings
from leercoach.privacy import conversation_kind

CONTACT = "anna.devries@bedrijf.nl"
FORM_METADATA = {"handoff_contact": CONTACT, "handoff_consent": True}


def user(text, intent, channel="rest", metadata=None):
    parse = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": text}
    return {
        "event": "user",
        "text": text,
        "parse_data": parse,
        "input_channel": channel,
        "metadata": metadata or {},
    }


def bot(text):
    return {"event": "bot", "text": text}


def tracker(events, slots=None, active_loop=None, requested=None):
    latest = next(e for e in reversed(events) if e["event"] == "user")
    return Tracker.from_dict(
        {
            "sender_id": "c0ffee",
            "slots": {"requested_slot": requested, **(slots or {})},
            "latest_message": latest["parse_data"],
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


def run(action, track):
    dispatcher = CollectingDispatcher()
    result = action.run(dispatcher, track, {})
    events = asyncio.run(result) if asyncio.iscoroutine(result) else result
    return dispatcher.messages, events


def extract(slot, track):
    dispatcher = CollectingDispatcher()
    method = getattr(handoff.ValidateHandoffForm(), f"extract_{slot}")
    return dispatcher.messages, asyncio.run(method(dispatcher, track, {}))


def slots(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def hr_text(name, **values):
    return content.handoff_text(name, **{**settings.text_values(), **values})


def test_in_the_widget_leercoach_offers_to_pass_the_question_on():
    messages, events = run(
        handoff.ActionHandoffOffer(), tracker([user("ik wil iemand van HR spreken", "human_handoff")])
    )
    (offer,) = messages
    assert "Zal ik je vraag doorgeven aan HR?" in offer["text"]
    assert [b["payload"] for b in offer["buttons"]] == ["/affirm", "/deny"]
    assert slots(events)["handoff_offered"] is True


@pytest.mark.parametrize("channel", ["slack", "teams"])
def test_in_slack_and_teams_it_says_honestly_how_to_reach_hr(channel):
    in_a_dm = conversation_kind.metadata(None)  # as the channels mark a DM or personal chat
    messages, events = run(
        handoff.ActionHandoffOffer(),
        tracker([user("ik wil iemand van HR spreken", "human_handoff", channel, in_a_dm)]),
    )
    (answer,) = messages
    assert settings.hr_contact() in answer["text"] and "niet voor je doorgeven" in answer["text"]
    assert not answer.get("buttons") and slots(events)["handoff_offered"] is False


def test_the_offer_pauses_the_coaching_questions_and_says_how_to_go_on():
    track = tracker(
        [user("ik wil iemand van HR spreken", "human_handoff")],
        slots={"coaching_phase": "questions"},
        active_loop="coaching_form",
        requested="time_per_week",
    )
    _, events = run(handoff.ActionHandoffOffer(), track)
    assert any(e["event"] == "active_loop" and e["name"] is None for e in events)
    messages, _ = run(handoff.ActionHandoffCancel(), track)
    assert "ga verder" in messages[0]["text"]


def test_the_question_asked_just_before_is_offered():
    events = [
        user("hoeveel studieverlof krijg ik voor een opleiding?", "out_of_scope"),
        bot("Daar weet ik helaas niets van."),
        user("ik wil iemand van HR spreken", "human_handoff"),
        bot("Zal ik je vraag doorgeven aan HR?"),
        user("/affirm", "affirm"),
    ]
    messages, _ = run(handoff.ActionAskHandoffQuestion(), tracker(events))
    assert "hoeveel studieverlof krijg ik voor een opleiding?" in messages[0]["text"]
    assert messages[0]["buttons"] == [{"title": hr_text("use_previous"), "payload": "/affirm"}]
    # the button takes that question
    events += [bot(messages[0]["text"]), user("/affirm", "affirm")]
    _, extracted = extract(
        "handoff_question", tracker(events, active_loop="handoff_form", requested="handoff_question")
    )
    assert extracted == {"handoff_question": "hoeveel studieverlof krijg ik voor een opleiding?"}


def test_without_an_earlier_question_it_simply_asks():
    events = [user("ik wil iemand van HR spreken", "human_handoff"), bot("Zal ik ...?"), user("ja", "affirm")]
    messages, _ = run(handoff.ActionAskHandoffQuestion(), tracker(events))
    assert messages[0]["text"] == hr_text("ask_question") and not messages[0].get("buttons")


def asked(slot, *events, **slot_values):
    return tracker(list(events), slots=slot_values, active_loop="handoff_form", requested=slot)


def test_what_the_employee_types_is_the_question_redacted_as_it_arrived():
    _, extracted = extract(
        "handoff_question", asked("handoff_question", user("Mag [NAAM] mijn cursus betalen?", "out_of_scope"))
    )
    assert extracted == {"handoff_question": "Mag [NAAM] mijn cursus betalen?"}
    messages, extracted = extract("handoff_question", asked("handoff_question", user("ja", "affirm")))
    assert extracted == {"handoff_question": None} and messages[0]["text"] == hr_text("question_missing")


@pytest.mark.parametrize("slot", ["handoff_question", "handoff_contact"])
@pytest.mark.parametrize("text, intent", [("nee", "deny"), ("stop", "stop_coaching")])
def test_nee_or_stop_at_any_step_ends_the_form(slot, text, intent):
    _, extracted = extract(slot, asked(slot, user(text, intent)))
    assert extracted == {slot: None, "handoff_cancelled": True}


def test_a_contact_typed_in_the_chat_is_not_used():
    messages, extracted = extract(
        "handoff_contact", asked("handoff_contact", user("mijn mail is [E-MAIL]", "inform"))
    )
    assert extracted == {"handoff_contact": None} and messages[0]["text"] == hr_text("contact_typed")


def test_the_form_without_consent_or_with_no_contact_is_refused():
    for metadata in (
        {"handoff_contact": CONTACT, "handoff_consent": False},
        {"handoff_contact": "hallo", "handoff_consent": True},
    ):
        messages, extracted = extract(
            "handoff_contact",
            asked("handoff_contact", user("/handoff_contact", "handoff_contact", metadata=metadata)),
        )
        assert extracted == {"handoff_contact": None} and messages[0]["text"] == hr_text("contact_invalid")


def test_a_usable_contact_fills_the_slot_with_a_mark_never_the_contact():
    _, extracted = extract(
        "handoff_contact",
        asked("handoff_contact", user("/handoff_contact", "handoff_contact", metadata=FORM_METADATA)),
    )
    assert extracted == {"handoff_contact": handoff.CONTACT_GIVEN}
    assert CONTACT not in repr(extracted)


def test_the_form_payload_shows_the_question_and_every_label_and_never_a_contact():
    track = tracker(
        [user("Mag [NAAM] mijn cursus betalen?", "out_of_scope")],
        slots={"handoff_question": "Mag [NAAM] mijn cursus betalen?"},
    )
    messages, _ = run(handoff.ActionAskHandoffContact(), track)
    text, form = messages
    assert text["text"] == hr_text("ask_contact")
    payload = form["custom"]["leercoach"]
    assert payload["type"] == "handoff_form" and payload["question"] == "Mag [NAAM] mijn cursus betalen?"
    assert payload["payload"] == "/handoff_contact" and payload["cancel_payload"] == "/deny"
    assert payload["texts"]["consent"] == hr_text("form.consent")
    assert str(settings.retention_days()) in payload["texts"]["contact_help"]


def rows(state_dir):
    with sqlite3.connect(state_dir / "review.sqlite3") as connection:
        return connection.execute("SELECT channel, question, contact FROM review_handoffrequest").fetchall()


def submitted(metadata=FORM_METADATA, **slot_values):
    values = {
        "handoff_question": "Mag Jan de Vries mijn cursus betalen?",
        "handoff_contact": handoff.CONTACT_GIVEN,
    }
    values.update(slot_values)
    return tracker([user("/handoff_contact", "handoff_contact", metadata=metadata)], slots=values)


def test_with_consent_the_question_and_contact_reach_hrs_queue(review_sqlite):
    messages, events = run(handoff.ActionHandoffSubmit(), submitted())
    assert messages[0]["text"] == hr_text("done")
    # the question once more through the project's redaction: the name stays out
    ((channel, question, contact),) = rows(review_sqlite)
    assert (channel, contact) == ("rest", CONTACT)
    assert "[NAAM]" in question and "Vries" not in question and question.endswith("mijn cursus betalen?")
    assert slots(events) == {
        "handoff_offered": None,
        "handoff_question": None,
        "handoff_contact": None,
        "handoff_cancelled": None,
        "handoff_sent": 1,  # counted for LEERCOACH_HANDOFF_MAX_PER_CONVERSATION
    }
    assert CONTACT not in repr(messages) + repr(events)


def test_after_nee_or_stop_nothing_is_stored_and_it_says_so(review_sqlite):
    messages, _ = run(handoff.ActionHandoffSubmit(), submitted(handoff_cancelled=True))
    assert messages[0]["text"] == hr_text("cancelled") and rows(review_sqlite) == []


def test_when_storing_fails_it_says_so_and_logs_no_value(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("LEERCOACH_REVIEW_STATE_DIR", str(tmp_path))  # no review database here
    monkeypatch.delenv("LEERCOACH_REVIEW_DATABASE_URL", raising=False)
    messages, _ = run(handoff.ActionHandoffSubmit(), submitted())
    assert messages[0]["text"] == hr_text("failed") and settings.hr_contact() in messages[0]["text"]
    assert "anna" not in caplog.text.lower() and "cursus" not in caplog.text


# ---- limits: per conversation and per hour ------------------------------------------------------


def offered(**slot_values):
    return tracker([user("ik wil iemand van HR spreken", "human_handoff")], slots=slot_values)


def test_a_conversation_passes_on_at_most_the_set_number(review_sqlite, monkeypatch):
    monkeypatch.setenv("LEERCOACH_HANDOFF_MAX_PER_CONVERSATION", "2")
    _, events = run(handoff.ActionHandoffSubmit(), submitted(handoff_sent=1))
    assert slots(events)["handoff_sent"] == 2 and len(rows(review_sqlite)) == 1
    for action, track in (
        (handoff.ActionHandoffOffer(), offered(handoff_sent=2)),
        (handoff.ActionHandoffSubmit(), submitted(handoff_sent=2)),
    ):
        messages, events = run(action, track)
        (answer,) = messages
        assert answer["text"] == hr_text("limit_conversation", max=2) and not answer.get("buttons")
        assert settings.hr_contact() in answer["text"]
        assert slots(events)["handoff_offered"] is False if action.name() == "action_handoff_offer" else True
    assert len(rows(review_sqlite)) == 1


def test_past_the_hourly_limit_of_all_conversations_it_says_so_and_stores_nothing(review_sqlite, monkeypatch):
    monkeypatch.setenv("LEERCOACH_HANDOFF_MAX_PER_HOUR", "2")
    for _ in range(2):  # two other conversations, perhaps on other servers
        assert run(handoff.ActionHandoffSubmit(), submitted())[0][0]["text"] == hr_text("done")
    messages, events = run(handoff.ActionHandoffOffer(), offered())
    assert messages[0]["text"] == hr_text("limit_hour") and not messages[0].get("buttons")
    assert settings.hr_contact() in messages[0]["text"] and slots(events)["handoff_offered"] is False
    # a form offered before the hour filled up: its contact is not stored either
    messages, events = run(handoff.ActionHandoffSubmit(), submitted())
    assert messages[0]["text"] == hr_text("limit_hour") and "handoff_sent" not in slots(events)
    assert len(rows(review_sqlite)) == 2


def test_the_limits_are_settings_with_defaults(monkeypatch):
    monkeypatch.delenv("LEERCOACH_HANDOFF_MAX_PER_CONVERSATION", raising=False)
    monkeypatch.setenv("LEERCOACH_HANDOFF_MAX_PER_HOUR", "veel")
    assert settings.handoff_max_per_conversation() == settings.DEFAULT_HANDOFF_MAX_PER_CONVERSATION
    assert settings.handoff_max_per_hour() == settings.DEFAULT_HANDOFF_MAX_PER_HOUR
    monkeypatch.setenv("LEERCOACH_HANDOFF_MAX_PER_HOUR", "100")
    assert settings.handoff_max_per_hour() == 100
