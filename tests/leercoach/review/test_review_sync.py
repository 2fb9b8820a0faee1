"""The pages only read: new conversations come in through `sync` (the launcher runs it on a
schedule), and a conversation that left the tracker store leaves the summary the same way."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.review import seeding
from leercoach.privacy.erasure import erase_conversation
from leercoach.review import tracker
from leercoach.review.models import Conversation
from leercoach.settings import PROJECT_ROOT
from tests.leercoach.review.support import logged_in, now, store

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
PAGES = ("review:home", "review:conversations", "review:insights", "review:handoffs")


def writes(queries: CaptureQueriesContext) -> list:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


class PagesReadOnlyTests(TestCase):
    def setUp(self):
        store("a" * 32, seeding.answered("hoe vind ik een mentor", "route_mentorschap_coaching", now()))
        self.admin = logged_in("admin")
        self.admin.get(reverse("review:home"))  # the session's first request after the login

    def test_a_page_writes_nothing_not_even_with_new_events_in_the_store(self):
        seeding.insert(
            tracker.engine(), "b" * 32, seeding.answered("kennis delen tips", "kenmerk_kennis_delen", now())
        )
        for name in PAGES:
            with CaptureQueriesContext(connection) as queries:
                assert self.admin.get(reverse(name)).status_code in (200, 302)
            assert writes(queries) == [], name
        assert not Conversation.objects.filter(sender_id="b" * 32).exists()

    def test_sync_brings_new_conversations_in_and_the_page_says_when(self):
        seeding.insert(
            tracker.engine(), "b" * 32, seeding.answered("kennis delen tips", "kenmerk_kennis_delen", now())
        )
        out = io.StringIO()
        call_command("sync", stdout=out)
        assert "5 gebeurtenissen gelezen" in out.getvalue()
        assert Conversation.objects.filter(sender_id="b" * 32).exists()
        for name in ("review:conversations", "review:insights"):
            assert "Laatst bijgewerkt uit de gesprekken:" in self.admin.get(reverse(name)).content.decode()

    def test_an_erasure_elsewhere_leaves_the_summary_at_the_next_sync_not_at_a_page_view(self):
        erase_conversation(tracker.engine(), "a" * 32, actor="medewerker", forget_copies=lambda sender: 0)
        self.admin.get(reverse("review:conversations"))
        assert Conversation.objects.filter(sender_id="a" * 32).exists()
        call_command("sync", stdout=io.StringIO())
        assert not Conversation.objects.filter(sender_id="a" * 32).exists()

    def test_an_erasure_in_beheer_removes_the_copy_at_once(self):
        number = Conversation.objects.get(sender_id="a" * 32).pk
        self.admin.post(reverse("review:manage"), {"wis-number": number, "wis-confirm": "WISSEN"})
        assert not Conversation.objects.filter(pk=number).exists()


def test_importing_the_settings_writes_no_file(tmp_path):
    state = tmp_path / "state"
    env = {**os.environ, "LEERCOACH_REVIEW_STATE_DIR": str(state), "LEERCOACH_REVIEW_DATABASE_URL": ""}
    env.pop("LEERCOACH_REVIEW_SECRET_KEY", None)
    subprocess.run(
        [sys.executable, "-c", "import leercoach.review.settings"], cwd=PROJECT_ROOT, env=env, check=True
    )
    assert not state.exists()
    subprocess.run(
        [sys.executable, "-c", "from leercoach.review import state; state.prepare()"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )
    assert sorted(p.name for p in state.iterdir()) == ["review-secret-key", "review.sqlite3"]
