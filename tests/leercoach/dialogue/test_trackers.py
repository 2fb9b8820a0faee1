"""Rasa's tracker walks without the replays that grew with the conversation: the same events
applied, the same tracker after an action, only cheaper."""

import asyncio
import random

import pytest
from aiohttp import web
from rasa.core.actions.action import Action, ActionListen, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import ActionExecutor

from leercoach.dialogue import trackers
from tests.leercoach.dialogue.test_policies import DOMAIN, conversation


def _random_event(rng):
    """Every kind of event applied_events treats differently, forms and their steps included."""
    kind = rng.randrange(10)
    if kind == 0:
        return ActiveLoop(rng.choice(["coaching_form", "handoff_form", None]))
    if kind == 1:
        return ActionExecuted(rng.choice(["coaching_form", "handoff_form"]))
    if kind == 2:
        return rng.choice([UserUtteranceReverted(), ActionReverted()])
    if kind == 3 and rng.random() < 0.2:
        return rng.choice([Restarted(), SessionStarted()])
    if kind in (4, 5):
        return UserUttered("vraag", {"name": "inform", "confidence": 1.0})
    if kind == 6:
        return SlotSet("coaching_phase", rng.choice(["questions", "routes", None]))
    if kind == 7:
        return BotUttered("antwoord")
    return ActionExecuted(rng.choice(["action_listen", "action_answer_topic", "action_coaching_start"]))


@pytest.mark.parametrize("seed", range(40))
def test_applied_events_match_rasas_at_every_step_of_a_growing_conversation(seed):
    rng = random.Random(seed)
    tracker = DialogueStateTracker("someone", DOMAIN.slots)
    for _ in range(300):
        tracker.update(_random_event(rng))
        if rng.random() < 0.6:  # Rasa asks several times a turn, sometimes not at all
            assert tracker.applied_events() == trackers._rasa_applied_events(tracker)
    assert tracker.applied_events() == trackers._rasa_applied_events(tracker)


def test_a_form_seen_for_the_first_time_late_changes_how_its_earlier_steps_count():
    tracker = conversation(0)
    for event in [
        ActionExecuted("handoff_form"),
        UserUttered("ja", {"name": "affirm", "confidence": 1.0}),
        ActionExecuted("handoff_form"),
    ]:
        tracker.update(event)
    before = tracker.applied_events()
    tracker.update(ActiveLoop("handoff_form"))
    assert tracker.applied_events() == trackers._rasa_applied_events(tracker)
    assert tracker.applied_events() != before + [tracker.events[-1]]


def test_a_tracker_that_starts_over_or_is_copied_gets_its_own_answer():
    tracker = conversation(20)
    tracker.applied_events()
    tracker.events = tracker._create_events([ActionExecuted("action_listen")])  # a new history
    assert tracker.applied_events() == trackers._rasa_applied_events(tracker)
    assert len(tracker.applied_events()) == 1
    tracker.events.clear()
    tracker.update(ActionExecuted("action_listen"))
    assert tracker.applied_events() == trackers._rasa_applied_events(tracker)
    copied = conversation(8).copy()
    copied.update(UserUtteranceReverted())
    assert copied.applied_events() == trackers._rasa_applied_events(copied)


def test_a_bounded_history_is_walked_as_rasa_walks_it():
    tracker = DialogueStateTracker.from_events(
        "someone", list(conversation(10).events), DOMAIN.slots, max_event_history=7
    )
    tracker.applied_events()
    tracker.update(ActionExecuted("action_listen"))
    assert tracker.applied_events() == trackers._rasa_applied_events(tracker)


def test_the_callers_list_is_theirs_to_change():
    tracker = conversation(4)
    tracker.applied_events().clear()
    assert tracker.applied_events() == trackers._rasa_applied_events(tracker)


class _Counting:
    """Counts the tracker copies Rasa makes."""

    def __init__(self, monkeypatch):
        self.made = 0

        def counted(tracker):
            self.made += 1
            return DialogueStateTracker.from_events(tracker.sender_id, list(tracker.events), DOMAIN.slots)

        monkeypatch.setattr(trackers, "_rasa_copy", counted)


class _WritesOnItsTracker(Action):
    """An action that changes the tracker it is given, as Rasa's forms do at activation."""

    def name(self):
        return "action_answer_topic"

    async def run(self, output_channel, nlg, tracker, domain, metadata=None):
        tracker.update(SlotSet("coaching_phase", "routes"))
        return []


def _processor():
    processor = MessageProcessor.__new__(MessageProcessor)
    processor.domain = DOMAIN
    return processor


async def _run_action(action, tracker, prediction=None):
    channel = CollectingOutputChannel()
    prediction = prediction or PolicyPrediction.for_action_name(DOMAIN, action.name())
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    await _processor()._run_action(action, tracker, channel, nlg, prediction)
    return channel.messages


async def _with_action_server(work):
    """The project's actions behind a real HTTP endpoint, as the action server serves them."""
    executor = ActionExecutor()
    executor.register_package("actions")

    async def webhook(request):
        return web.json_response(await executor.run(await request.json()))

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        return await work(EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
    finally:
        await runner.cleanup()


def _without_times(tracker):
    return [{k: v for k, v in event.as_dict().items() if k != "timestamp"} for event in tracker.events]


def test_an_action_server_reply_is_the_same_without_copying_the_conversation(monkeypatch):
    copies = _Counting(monkeypatch)

    async def answer_both_ways(endpoint):
        spared, copied = conversation(40), conversation(40)
        spared_reply = await _run_action(RemoteAction("action_answer_topic", endpoint), spared)
        made_while_spared = copies.made
        monkeypatch.setattr(trackers, "READ_ONLY_ACTIONS", ())  # Rasa's way: always a copy
        copied_reply = await _run_action(RemoteAction("action_answer_topic", endpoint), copied)
        return made_while_spared, spared, spared_reply, copied, copied_reply

    made_while_spared, spared, spared_reply, copied, copied_reply = asyncio.run(
        _with_action_server(answer_both_ways)
    )
    assert made_while_spared == 0 and copies.made == 1
    assert spared_reply and spared_reply == copied_reply
    assert _without_times(spared) == _without_times(copied)
    assert spared.latest_action_name == "action_answer_topic"


def test_an_action_that_writes_on_its_tracker_still_gets_a_copy(monkeypatch):
    copies = _Counting(monkeypatch)
    tracker = conversation(3)
    phase = tracker.get_slot("coaching_phase")
    asyncio.run(_run_action(_WritesOnItsTracker(), tracker))
    assert copies.made == 1
    assert tracker.get_slot("coaching_phase") == phase  # its change stayed on the copy


def test_events_a_policy_predicted_still_go_on_a_copy_first(monkeypatch):
    copies = _Counting(monkeypatch)
    tracker = conversation(3)
    prediction = PolicyPrediction.for_action_name(DOMAIN, "action_listen")
    prediction.events = [SlotSet("coaching_phase", "questions")]
    asyncio.run(_run_action(ActionListen(), tracker, prediction))
    assert copies.made == 1
    assert tracker.get_slot("coaching_phase") == "questions"


def _copy_uses(source):
    """The calls of `source` that pass a copy.* call as an argument, and all copy.* uses."""
    import ast

    def uses_copy(node):
        return (
            isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "copy"
        )

    tree = ast.parse(source)
    outer = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and any(
            isinstance(arg, ast.Call) and uses_copy(arg.func)
            for arg in [*node.args, *(keyword.value for keyword in node.keywords)]
        )
    ]
    copied = [
        arg
        for node in outer
        for arg in [*node.args, *(keyword.value for keyword in node.keywords)]
        if isinstance(arg, ast.Call) and uses_copy(arg.func)
    ]
    return outer, copied, [node for node in ast.walk(tree) if uses_copy(node)]


def test_the_processor_copies_only_for_debug_log_lines(caplog):
    """Rasa's processor uses its `copy` module only for deepcopy arguments of structlogger.debug:
    the swap (trackers.DEBUG_LOG_COPY) changes nothing else, and copies when debug is on."""
    import inspect
    import logging

    from rasa.core import processor as rasas_processor

    outer, copied, uses = _copy_uses(inspect.getsource(rasas_processor))
    assert outer and all(ast_call_name(node) == "structlogger.debug" for node in outer)
    assert len(copied) == len(uses)  # no other use of `copy` in the module
    assert {node.func.attr for node in copied} == {"deepcopy"}
    assert rasas_processor.copy is trackers.DEBUG_LOG_COPY

    events = [SlotSet("coaching_phase", {"deel": 1})]
    caplog.set_level(logging.INFO, logger="rasa")
    assert trackers.DEBUG_LOG_COPY.deepcopy(events) is events
    caplog.set_level(logging.DEBUG, logger="rasa")
    copy = trackers.DEBUG_LOG_COPY.deepcopy(events)
    assert copy == events and copy is not events and copy[0] is not events[0]


def ast_call_name(node):
    import ast

    return ast.unparse(node.func)
