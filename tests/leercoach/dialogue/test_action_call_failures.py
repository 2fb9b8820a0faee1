"""A failed call to the action server ends in the friendly Dutch line and a log line without the
conversation; every call carries the shared secret (leercoach.dialogue.action_calls).

Through Rasa's own MessageProcessor._run_action, against a real HTTP action server that fails in
each way it can, and pinned against Rasa's own RemoteAction.run: that one logs the action server's
answer (with rasa-sdk: the whole request) and says nothing to the user."""

import asyncio
import json
import logging

import pytest
from aiohttp import web
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.policies.policy import PolicyPrediction
from rasa.core.processor import MessageProcessor
from rasa.utils.endpoints import EndpointConfig

from leercoach import content, settings
from leercoach.dialogue import action_calls
from tests.leercoach.dialogue.test_policies import DOMAIN, conversation

FRIENDLY = content.message("server_error")
# What rasa-sdk's 500 carries back: the request, with the text and the contact in it.
PRIVATE = "k.zuiderveldt@bedrijf.example twijfel-over-mijn-opleiding"


def answers(mode):
    """The action server's answer for each way a call can fail (or not)."""
    if mode == "raised":  # rasa-sdk's answer to an action that raised
        return web.json_response({"error": f"boom {PRIVATE}", "request_body": {"text": PRIVATE}}, status=500)
    if mode == "refused":
        return web.json_response({"error": "unauthorized"}, status=401)
    if mode == "invalid":  # a response that breaks the schema, with a text in it
        return web.json_response({"events": [{"event": "slot", "name": 3, "value": PRIVATE}]})
    if mode == "rejected":
        return web.json_response({"error": "not mine", "action_name": "action_answer_topic"}, status=400)
    return web.json_response({"events": [], "responses": [{"text": "gelukt"}]})


async def with_action_server(mode, work):
    received = []

    async def webhook(request):
        received.append(dict(request.headers))
        await request.read()
        return answers(mode)

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        return await work(EndpointConfig(f"http://127.0.0.1:{port}/webhook")), received
    finally:
        await runner.cleanup()


def processor():
    running = MessageProcessor.__new__(MessageProcessor)
    running.domain = DOMAIN
    return running


def run_action(mode, endpoint_url=None):
    """One action through Rasa's processor; what the user got and what the action server saw."""

    async def work(endpoint):
        if endpoint_url is not None:
            endpoint = EndpointConfig(endpoint_url)
        channel = CollectingOutputChannel()
        tracker = conversation(3)
        action = RemoteAction("action_answer_topic", endpoint)
        prediction = PolicyPrediction.for_action_name(DOMAIN, action.name())
        nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
        await processor()._run_action(action, tracker, channel, nlg, prediction)
        return [m.get("text") for m in channel.messages]

    return asyncio.run(with_action_server(mode, work))


@pytest.mark.parametrize("mode", ["raised", "refused", "invalid"])
def test_a_failed_call_gives_the_friendly_line_and_logs_no_value(mode, caplog):
    caplog.set_level(logging.DEBUG)
    said, _ = run_action(mode)
    assert said == [FRIENDLY]
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(failures) == 1 and "action_answer_topic" in failures[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)  # no traceback with a response in it
    assert "k.zuiderveldt" not in caplog.text and "twijfel" not in caplog.text


def test_the_friendly_line_comes_once_a_turn():
    async def work(endpoint):
        channel = CollectingOutputChannel()
        tracker = conversation(3)
        nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
        for name in ("validate_handoff_form", "action_ask_handoff_contact"):
            action = RemoteAction(name, endpoint)
            prediction = PolicyPrediction.for_action_name(DOMAIN, name)
            await processor()._run_action(action, tracker, channel, nlg, prediction)
        return [m.get("text") for m in channel.messages]

    said, _ = asyncio.run(with_action_server("raised", work))
    assert said == [FRIENDLY]


def test_the_status_is_in_the_log_line(caplog):
    run_action("refused")
    assert "HTTP 401" in caplog.text


def test_an_action_server_that_is_down_gets_the_friendly_line_too():
    from tests.support import free_port

    said, _ = run_action("answered", endpoint_url=f"http://127.0.0.1:{free_port()}/webhook")
    assert said == [FRIENDLY]


def test_a_working_call_is_untouched():
    said, _ = run_action("answered")
    assert said == ["gelukt"]


def test_a_rejection_is_still_rasas_so_the_policies_choose_another_action():
    async def work(endpoint):
        tracker = conversation(3)
        nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
        with pytest.raises(ActionExecutionRejection):
            await RemoteAction("action_answer_topic", endpoint).run(
                CollectingOutputChannel(), nlg, tracker, DOMAIN
            )

    asyncio.run(with_action_server("rejected", work))


def test_rasas_own_run_logs_the_action_servers_answer_and_says_nothing(monkeypatch, caplog):
    """Why the change exists: pinned against Rasa's code, so an upgrade that fixes it shows."""
    monkeypatch.setattr(RemoteAction, "run", action_calls._rasa_run)
    said, _ = run_action("raised")
    assert said == []
    assert "k.zuiderveldt" in caplog.text  # the processor's traceback quotes the 500's body


def test_every_call_carries_the_secret(monkeypatch):
    secret = "geheim-" + "q" * 40
    monkeypatch.setenv("LEERCOACH_ACTION_SECRET", secret)
    _, received = run_action("answered")
    assert [headers.get(settings.ACTION_SECRET_HEADER) for headers in received] == [secret]


def test_without_a_secret_no_header_is_sent(monkeypatch):
    monkeypatch.delenv("LEERCOACH_ACTION_SECRET", raising=False)
    _, received = run_action("answered")
    assert settings.ACTION_SECRET_HEADER not in received[0]


def test_the_endpoint_rasa_read_is_left_as_it_was(monkeypatch):
    monkeypatch.setenv("LEERCOACH_ACTION_SECRET", "geheim-" + "q" * 40)
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", headers={"X-Other": "1"})
    signed = action_calls._with_secret(endpoint)
    assert endpoint.headers == {"X-Other": "1"}
    assert signed.headers == {"X-Other": "1", settings.ACTION_SECRET_HEADER: "geheim-" + "q" * 40}
    assert json.dumps(signed.url) == json.dumps(endpoint.url)


def test_ours_takes_what_rasas_takes():
    import inspect

    assert list(inspect.signature(action_calls._run).parameters) == list(
        inspect.signature(action_calls._rasa_run).parameters
    )
