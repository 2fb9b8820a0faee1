"""Turns a catalogue topic into the messages Leercoach sends, without Rasa.

Texts come from ``leercoach.content`` (data files HR can edit); titles and the
order of list items come from the catalogue. Buttons carry ``/KEY`` payloads, so
a click reaches the topic without going through NLU.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional

from leercoach import catalogue, content, settings

# Each overview answer introduces one numbered list of the catalogue.
LIST_OF_OVERVIEW: Dict[str, str] = {
    "goede_leercultuur": "kenmerk",
    "leercultuur_stimuleren": "drager",
    "werknemer_ontwikkelen": "route",
}
OVERVIEW_OF_LIST: Dict[str, str] = {group: key for key, group in LIST_OF_OVERVIEW.items()}

# Where a conversation usually goes next from the home screen.
MAIN_TOPICS = ("wat_is_leercultuur", "goede_leercultuur", "werknemer_ontwikkelen", "start_coaching")


@dataclass
class Reply:
    """What the assistant says for one topic, and the list context it leaves behind."""

    messages: List[dict]
    last_list: Optional[str] = None
    last_topic: Optional[str] = None
    # The topic whose "vertel meer" text this reply is (a second "vertel meer" has no more).
    more_shown: Optional[str] = None
    # The topic whose content this reply gives (None for "there is no more"): what answer
    # feedback (leercoach.answering.feedback) is about.
    answered: Optional[str] = None


def button(key: str, title: Optional[str] = None) -> dict:
    return {"title": title or catalogue.topic(key).title, "payload": f"/{key}"}


def main_topic_buttons() -> List[dict]:
    return [button(key) for key in MAIN_TOPICS] + [button("human_handoff", content.message("contact_hr"))]


def _fill(text: str) -> str:
    """Fills the placeholders that come from configuration, never from code."""
    values = settings.text_values()
    if "{privacy_text}" in text:
        values["privacy_text"] = content.privacy_text(**values).strip()
    return content.fill(text, **values).strip()


def _with_source(text: str, entry: dict) -> str:
    source = entry.get("source")
    return f"{text}\n\n*{content.message('source_label', source=source)}*" if source else text


def _list_buttons(group: str) -> List[dict]:
    buttons = [button(t.key) for t in catalogue.topics_in(group)]
    if group == "route":
        buttons.append(button("start_coaching", content.message("personal_advice")))
    return buttons


def _onward_buttons(key: str, group: str) -> List[dict]:
    items = [t.key for t in catalogue.topics_in(group)]
    position = items.index(key)
    buttons = []
    if position + 1 < len(items):
        following = catalogue.topic(items[position + 1])
        buttons.append(button(following.key, content.message("next_item", title=following.title)))
    buttons.append(button(OVERVIEW_OF_LIST[group], content.message("back_to_overview")))
    if group == "route":
        buttons.append(button("start_coaching", content.message("personal_advice")))
    return buttons


def _faq_buttons(key: str) -> List[dict]:
    """After a general question: the next two questions of the FAQ, in catalogue order."""
    keys = [t.key for t in catalogue.topics_in("faq")]
    start = keys.index(key) + 1
    return [button(k) for k in (keys[start:] + keys[:start])[:2]]


def _entry(key: str, audience: Optional[str]) -> dict:
    """The answer texts for this audience: a manager gets the ``manager:`` version where there is one."""
    entry = content.answer(key)
    version = entry.pop("manager", None)
    if audience == "manager" and version:
        entry.update(version)
    return entry


def render_topic(key: str, audience: Optional[str] = None) -> Reply:
    """The answer to a catalogue topic, with the buttons that lead back or onward."""
    reply = _render_topic(key, audience)
    reply.answered = key
    return reply


def _render_topic(key: str, audience: Optional[str]) -> Reply:
    entry = _entry(key, audience)
    text = _fill(entry["text"])
    group = catalogue.topic(key).group

    if key in LIST_OF_OVERVIEW:
        list_group = LIST_OF_OVERVIEW[key]
        return Reply([{"text": text, "buttons": _list_buttons(list_group)}], list_group, key)
    if group in catalogue.LIST_GROUPS:
        # The title first, so that after "de tweede" the person sees which item this is.
        title = catalogue.topic(key).title
        body = _with_source(f"**{title}**\n\n{text}\n\n{_fill(entry['tip'])}", entry)
        return Reply([{"text": body, "buttons": _onward_buttons(key, group)}], group, key)
    if group == "faq":
        return Reply([{"text": _with_source(text, entry), "buttons": _faq_buttons(key)}], None, key)
    if key in ("greet", "capabilities", "out_of_scope"):
        return Reply([{"text": text, "buttons": main_topic_buttons()}])
    return Reply([{"text": text}])


def render_more(key: str) -> Reply:
    """The deeper follow-up ("vertel meer") on the last topic answered."""
    return Reply(
        [{"text": _fill(content.answer(key)["more"]), "buttons": _more_buttons(key)}],
        *_more_context(key),
        more_shown=key,
        answered=key,
    )


def render_no_more(key: str) -> Reply:
    """A second "vertel meer": say there is no more, and offer what comes next."""
    text = content.message("no_more", title=catalogue.topic(key).title)
    return Reply([{"text": text, "buttons": _more_buttons(key)}], *_more_context(key), more_shown=key)


def _more_context(key: str) -> tuple:
    group = catalogue.topic(key).group
    if group in catalogue.LIST_GROUPS:
        return group, key
    return LIST_OF_OVERVIEW.get(key), key


def _more_buttons(key: str) -> List[dict]:
    group = catalogue.topic(key).group
    if group in catalogue.LIST_GROUPS:
        return _onward_buttons(key, group)
    if key in LIST_OF_OVERVIEW:
        return _list_buttons(LIST_OF_OVERVIEW[key])
    if group == "faq":
        return _faq_buttons(key)
    return main_topic_buttons()


def has_more(key: Optional[str]) -> bool:
    return bool(key) and catalogue.is_topic(key) and bool(content.answer(key).get("more"))
