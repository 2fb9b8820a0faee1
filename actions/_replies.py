"""Sends a rendered reply and records the list context it leaves behind."""

from typing import Any, Dict, List

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from leercoach.answering import Reply


def send(reply: Reply, dispatcher: CollectingDispatcher) -> List[Dict[str, Any]]:
    for message in reply.messages:
        dispatcher.utter_message(text=message["text"], buttons=message.get("buttons", []))
    if reply.last_topic is None:
        # Small talk, privacy or HR questions keep the list context of the topic before,
        # so "de tweede" still works after "wie leest dit mee?".
        return []
    return [SlotSet("last_list", reply.last_list), SlotSet("last_topic", reply.last_topic)]
