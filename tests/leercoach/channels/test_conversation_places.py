"""A mention in a Slack channel, a Teams group chat or channel: a conversation of its own.

What Rasa gets from the channel (leercoach.channels.common.hand_to_rasa), captured: the same
person in a DM and in a channel has two conversation ids, the DM's as before this rule, and the
message says which kind it is (leercoach.privacy.conversation_kind), never which place.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from leercoach.channels import slack, teams
from leercoach.channels.common import hand_to_rasa
from leercoach.privacy import conversation_kind
from leercoach.privacy.pseudonym import pseudonym

TEAM, USER, DM, CHANNEL = "T0LEERC01", "U0ANNA001", "D0ANNA001", "C0TEAMLRN"


def handed_over(channel: str, platform_user_id: str, shared_place: Optional[str]) -> UserMessage:
    received: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    sent = asyncio.run(
        hand_to_rasa(
            on_new_message,
            CollectingOutputChannel(),
            channel,
            platform_user_id,
            "wat weet je van mij?",
            shared_place=shared_place,
        )
    )
    assert sent and len(received) == 1
    return received[0]


def slack_event(event_type: str, channel: str, **fields: Any) -> Dict[str, Any]:
    event = {
        "type": event_type,
        "user": USER,
        "text": "<@U0LEERBOT> wat weet je van mij?",
        "channel": channel,
    }
    return {
        "team_id": TEAM,
        "authorizations": [{"user_id": "U0LEERBOT", "is_bot": True}],
        "event": {**event, "ts": "1700000000.000100", **fields},
    }


def slack_click(channel: str) -> Dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": USER},
        "channel": {"id": channel},
        "message": {"thread_ts": "1700000000.000100"} if channel == CHANNEL else {},
        "actions": [{"type": "button", "value": "/export_my_data"}],
    }


def to_rasa(message: slack.SlackMessage) -> UserMessage:
    return handed_over(slack.CHANNEL, message.platform_user_id, message.shared_place)


def kind(message: UserMessage) -> str:
    return message.metadata[conversation_kind.METADATA_KEY]


def test_a_slack_mention_and_a_dm_of_the_same_person_are_two_conversations():
    dm = to_rasa(slack.message_from_event(slack_event("message", DM, channel_type="im")))
    mention = to_rasa(slack.message_from_event(slack_event("app_mention", CHANNEL)))
    assert dm.sender_id != mention.sender_id
    # The DM keeps the id it had before this rule, so existing DM conversations continue.
    assert dm.sender_id == pseudonym("slack", f"{TEAM}/{USER}")
    assert (kind(dm), kind(mention)) == ("direct", "shared")
    # A button under an answer continues the conversation it was posted in.
    assert to_rasa(slack.message_from_click(slack_click(DM))).sender_id == dm.sender_id
    assert to_rasa(slack.message_from_click(slack_click(CHANNEL))).sender_id == mention.sender_id
    # Another channel is another conversation again.
    elsewhere = to_rasa(slack.message_from_event(slack_event("app_mention", "C0OTHERCH")))
    assert elsewhere.sender_id not in (dm.sender_id, mention.sender_id)


def test_the_message_names_the_kind_of_conversation_never_the_place():
    mention = to_rasa(slack.message_from_event(slack_event("app_mention", CHANNEL)))
    said = json.dumps(mention.metadata)
    assert mention.metadata == {conversation_kind.METADATA_KEY: "shared"}
    assert not any(raw in said or raw in mention.sender_id for raw in (TEAM, USER, CHANNEL))


def test_teams_personal_chat_group_chat_and_channel_are_three_conversations():
    person = "6f1c0e55-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
    personal = {"id": "a:1personalchat", "conversationType": "personal"}
    group = {"id": "19:groupchat@thread.v2", "conversationType": "groupChat"}
    thread_1 = {"id": "19:channel@thread.tacv2;messageid=1700000000001", "conversationType": "channel"}
    thread_2 = {"id": "19:channel@thread.tacv2;messageid=1700000000002", "conversationType": "channel"}
    untyped = {"id": "a:1unknownkind"}

    def to_rasa_from(conversation):
        return handed_over(teams.CHANNEL, person, teams.shared_place(conversation))

    direct = to_rasa_from(personal)
    assert direct.sender_id == pseudonym("teams", person) and kind(direct) == "direct"
    in_group, in_channel = to_rasa_from(group), to_rasa_from(thread_1)
    assert len({direct.sender_id, in_group.sender_id, in_channel.sender_id}) == 3
    assert kind(in_group) == kind(in_channel) == "shared"
    assert to_rasa_from(thread_2).sender_id == in_channel.sender_id  # one channel, one conversation
    assert kind(to_rasa_from(untyped)) == "shared"  # a chat that does not say it is personal


def test_only_a_direct_conversation_counts_as_direct():
    is_direct = conversation_kind.is_direct
    assert is_direct("slack", {"leercoach_conversation": "direct"})
    assert not is_direct("slack", {"leercoach_conversation": "shared"})
    assert not is_direct("teams", {"leercoach_conversation": "shared"})
    assert not is_direct("slack", {}) and not is_direct("teams", None)  # Slack or Teams without the kind
    assert is_direct("rest", None) and is_direct("cmdline", {})  # the widget, REST and the shell
