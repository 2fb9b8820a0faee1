"""Export, erasure, the plan and a hulpvraag only in a direct conversation (actions/_direct.py).

In a Slack channel or a Teams group chat others read along: there each of these actions sends
one line that asks to go on in a private chat, and nothing of what is kept of the person. In a
DM, a personal chat and the widget they work as before.
"""

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import coaching, handoff, privacy
from leercoach import content, settings
from leercoach.privacy import audit
from leercoach.privacy.conversation_kind import metadata
from leercoach.privacy.erasure import erasure_payload
from tests.actions.test_coaching import ANSWERS, PLAN_TITLE, a_plan
from tests.actions.test_privacy import store  # noqa: F401  (the fixture: a stored conversation)

DM_LINE = content.privacy_message("private_only", "line")
SHARED = metadata("C0CHANNEL")  # what the channel adds; the place's id itself stays out
DIRECT = metadata(None)


def tracker(intent, text, channel, message_metadata, slots=None):
    latest = {"intent": {"name": intent, "confidence": 1.0}, "entities": [], "text": text}
    if message_metadata is not None:
        latest["metadata"] = message_metadata
    user = {"event": "user", "text": text, "parse_data": latest, "input_channel": channel}
    if message_metadata is not None:
        user["metadata"] = message_metadata
    return Tracker.from_dict(
        {
            "sender_id": "c0ffee",
            "slots": {"requested_slot": None, "coaching_phase": None, **(slots or {})},
            "latest_message": latest,
            "events": [{"event": "action", "name": "action_listen"}, user],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )


def run(action, track):
    dispatcher = CollectingDispatcher()
    return dispatcher.messages, action.run(dispatcher, track, {})


WITH_PLAN = {"coaching_plan": a_plan(), **ANSWERS, "coaching_phase": "done"}
# (action, intent, text, slots): everything that shows or changes what is kept of the person.
PERSONAL = {
    "export": (privacy.ActionExportConversation(), "export_my_data", "wat weet je van mij?", {}),
    "ask erasure": (privacy.ActionAskErasure(), "erase_my_data", "verwijder mijn gegevens", {}),
    "erase": (privacy.ActionEraseConversation(), "affirm", "ja", {}),
    "show the plan": (coaching.ActionCoachingShowPlan(), "show_plan", "wat was mijn plan?", WITH_PLAN),
    "keep the plan": (coaching.ActionCoachingKeepPlan(), "keep_plan", "hoe bewaar ik mijn plan?", WITH_PLAN),
    "start a plan": (coaching.ActionCoachingStart(), "start_coaching", "help me een plan te maken", {}),
    "change the plan": (coaching.ActionCoachingChangePlan(), "change_plan", "pas mijn plan aan", WITH_PLAN),
    "change the goal": (coaching.ActionCoachingChangePart(), "change_goal", "ander doel", WITH_PLAN),
    "hulpvraag": (handoff.ActionHandoffOffer(), "human_handoff", "ik wil iemand van HR spreken", {}),
}
WHERE_OTHERS_READ = {
    "a Slack channel": ("slack", SHARED),
    "a Teams group chat": ("teams", SHARED),
    "Slack without the kind": ("slack", None),  # a channel that did not say: not direct
}


@pytest.mark.parametrize("where", WHERE_OTHERS_READ)
@pytest.mark.parametrize("what", PERSONAL)
def test_where_others_read_only_the_line_that_asks_for_a_private_chat(what, where, store):  # noqa: F811
    action, intent, text, slots = PERSONAL[what]
    channel, kind = WHERE_OTHERS_READ[where]
    messages, events = run(action, tracker(intent, text, channel, kind, slots))
    assert messages == [
        {
            "text": DM_LINE,
            "buttons": [],
            "elements": [],
            "custom": {},
            "template": None,
            "response": None,
            "image": None,
            "attachment": None,
        }
    ]
    assert audit.entries(store, action="export") == []  # nothing was exported
    set_slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert "coaching_phase" not in set_slots and "coaching_plan" not in set_slots
    if what in ("start a plan", "change the goal"):  # the rules' questions form does not start
        assert {"event": "followup", "name": "action_listen"} in [
            {k: e.get(k) for k in ("event", "name")} for e in events
        ]


def test_the_line_is_dutch_and_says_where_to_go_on():
    assert "privébericht" in DM_LINE and "jou en mij" in DM_LINE


DIRECT_PLACES = {
    "a Slack DM": ("slack", DIRECT),
    "a Teams personal chat": ("teams", DIRECT),
    "the widget": ("rest", None),
}


@pytest.mark.parametrize("where", DIRECT_PLACES)
def test_in_a_direct_conversation_export_erasure_plan_and_hulpvraag_still_answer(where, store):  # noqa: F811
    channel, kind = DIRECT_PLACES[where]

    def answer(what):
        action, intent, text, slots = PERSONAL[what]
        messages, events = run(action, tracker(intent, text, channel, kind, slots))
        assert DM_LINE not in [m.get("text") for m in messages]
        return messages, events

    messages, _ = answer("export")
    assert "**c0ffee**" in messages[0]["text"]
    assert "hoi [NAAM]" in (messages[1]["text"] + str(messages[1]["custom"]))
    # recorded, without the pseudonym of a self-service export (issue 17 item 6)
    assert [e.conversation for e in audit.entries(store, action="export")] == [None]
    messages, _ = answer("ask erasure")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    messages, _ = answer("erase")
    assert messages[0]["custom"] == erasure_payload()
    messages, _ = answer("show the plan")
    assert any((m.get("text") or "").startswith(PLAN_TITLE) for m in messages)
    messages, events = answer("start a plan")
    assert {e["name"]: e["value"] for e in events if e.get("event") == "slot"}[
        "coaching_phase"
    ] == "questions"
    messages, _ = answer("hulpvraag")
    if channel == "rest":
        assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    else:
        assert settings.hr_contact() in messages[0]["text"]
