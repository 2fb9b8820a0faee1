"""A 👎 sent as the widget sends it, through the real REST channel, in HR's Inzichten and transcript.

The action server and a Rasa server (the newest model) write into the review tests' own tracker
store; the review app then reads what they stored, as it does in production.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from leercoach import catalogue, content, settings
from leercoach.privacy.pseudonym import pseudonym
from leercoach.review import summary, tracker
from leercoach.review.models import Conversation
from leercoach.run.model import model_path
from leercoach.run.servers import Servers
from tests.leercoach.review.support import logged_in
from tests.support import free_port, rasa_run_command, say, sqlite_endpoints

pytestmark = pytest.mark.servers

THUMBS_DOWN = '/answer_feedback{"feedback":"down"}'  # what the widget's 👎 sends
CONVERSATIONS = 10  # Inzichten shows a group from ten distinct conversations on
RASA = {}


@pytest.fixture(scope="module")
def rasa():
    if not model_path().exists():
        pytest.fail("no model for the current data: run `make train` first (make test does)")
    work = Path(tempfile.mkdtemp(prefix="leercoach-review-feedback-"))
    action_port, rasa_port = free_port(), free_port()
    endpoints = work / "endpoints.yml"
    sqlite_endpoints(endpoints, action_port, tracker.engine().url.database)  # the tests' store
    group = Servers(log_dir=work)
    try:
        actions = group.start(
            "actions",
            [sys.executable, "-m", "rasa", "run", "actions", "--port", str(action_port)],
            extra_env={"LEERCOACH_ENDPOINTS": str(endpoints)},
        )
        server = group.start("rasa", rasa_run_command(model_path(), endpoints, rasa_port))
        group.wait_until_up(actions, f"http://127.0.0.1:{action_port}/health", timeout=180)
        group.wait_until_up(server, f"http://127.0.0.1:{rasa_port}/webhooks/rest/", timeout=420)
        RASA["port"] = rasa_port
        yield
    finally:
        group.stop_all()


def custom_types(replies):
    return [r["custom"]["leercoach"]["type"] for r in replies if isinstance(r.get("custom"), dict)]


@pytest.mark.usefixtures("rasa")
class FeedbackThroughRestTests(TestCase):
    def test_thumbs_down_from_the_widget_is_counted_per_topic_and_shown_in_the_transcript(self):
        senders = [f"widget-{uuid.uuid4()}" for _ in range(CONVERSATIONS)]
        sorry = content.variants("feedback_down", **settings.text_values())[0]
        for sender in senders:
            answer = say(RASA["port"], sender, "Wat maakt een leercultuur goed?")
            assert "feedback_offer" in custom_types(answer)
            reply = say(RASA["port"], sender, THUMBS_DOWN)
            assert [r.get("text") for r in reply if r.get("text")] == [sorry]
            assert custom_types(reply) == ["feedback_received"]
        # The feedback left the list context alone: "de tweede" is still the second kenmerk.
        second = say(RASA["port"], senders[0], "de tweede")
        assert second[0]["text"].startswith(f"**{catalogue.topic('kenmerk_kennis_delen').title}**")

        cache.clear()
        summary.sync()
        insights = logged_in("analyst").get(reverse("review:insights"))
        figure = next(f for f in insights.context["figures"] if f.name == "feedback")
        title = catalogue.topic("goede_leercultuur").title
        # conversations, 👍, 👎 for the topic the answer was about
        assert dict(figure.table())[title] == [str(CONVERSATIONS), "0", str(CONVERSATIONS)]

        # Stored under the keyed pseudonym of the browser's id, never the id itself.
        conversation = Conversation.objects.get(sender_id=pseudonym("rest", senders[0]))
        assert conversation.feedback_down == 1
        transcript = logged_in("reviewer").get(reverse("review:transcript", args=[conversation.pk]))
        assert "👎 had er niets aan" in transcript.content.decode()
