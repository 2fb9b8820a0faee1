"""Gesprekken, Transcript and Export as HR uses them, on conversations stored as Rasa stores them."""

from __future__ import annotations

import csv
import html
import io
import json
import re

from django.test import TestCase
from django.urls import reverse
from django.utils.timezone import localtime

from benchmarks.review import seeding
from leercoach.review import audit_log, summary, tracker
from leercoach.review.models import Conversation
from tests.leercoach.review.support import logged_in, now, store

DAY = 24 * 3600


class ListTests(TestCase):
    def setUp(self):
        at = now() - 10 * DAY
        self.coaching = store(
            "1" * 32,
            seeding.answered("hoe vind ik een mentor", "route_mentorschap_coaching", at)
            + seeding.coaching(at + 60, ["route_zelfstudie"], plan=True),
        )
        self.fallback = store(
            "2" * 32,
            seeding.not_understood("hoe vraag ik verlof aan", at + DAY)
            + seeding.answered("kennis delen tips", "kenmerk_kennis_delen", at + DAY + 60),
        )
        self.negative = store(
            "3" * 32,
            seeding.answered("wat is een leercultuur?", "wat_is_leercultuur", at + 2 * DAY, channel="slack")
            + [seeding.feedback("down", at + 2 * DAY + 9)],
        )
        self.client = logged_in("reviewer")

    def numbers(self, **filters):
        page = self.client.get(reverse("review:conversations"), filters)
        assert page.status_code == 200
        return [c.pk for c in page.context["page"].object_list], page

    def test_the_list_shows_every_conversation_newest_first_with_the_count(self):
        numbers, page = self.numbers()
        assert numbers == [self.negative.pk, self.fallback.pk, self.coaching.pk]
        assert "<strong>3</strong> gesprekken" in page.content.decode()

    def test_each_filter_selects_what_it_says(self):
        assert self.numbers(onderwerp="kenmerk_kennis_delen")[0] == [self.fallback.pk]
        assert self.numbers(fallback="ja")[0] == [self.fallback.pk]
        assert self.numbers(fallback="nee")[0] == [self.negative.pk, self.coaching.pk]
        assert self.numbers(coaching="plan")[0] == [self.coaching.pk]
        assert self.numbers(coaching="geen")[0] == [self.negative.pk, self.fallback.pk]
        assert self.numbers(feedback="negatief")[0] == [self.negative.pk]
        assert self.numbers(kanaal="slack")[0] == [self.negative.pk]
        assert self.numbers(q="VERLOF")[0] == [self.fallback.pk]
        # The filter's days are the review app's local days, not UTC's (they differ near midnight).
        first_day = localtime(self.coaching.started_at).date().isoformat()
        assert self.numbers(van=first_day, tot=first_day)[0] == [self.coaching.pk]
        assert self.numbers(sortering="oudste")[0] == [self.coaching.pk, self.fallback.pk, self.negative.pk]

    def test_status_and_label_filters_follow_what_hr_saved(self):
        self.client.post(
            reverse("review:save_review", args=[self.fallback.pk]),
            {"status": "moet_beter", "labels": "verlof, buiten scope", "note": "HR-vraag"},
        )
        assert self.numbers(status="moet_beter")[0] == [self.fallback.pk]
        assert self.numbers(label="verlof")[0] == [self.fallback.pk]
        self.fallback.refresh_from_db()
        assert self.fallback.note == "HR-vraag"
        assert sorted(t.name for t in self.fallback.tags.all()) == ["buiten scope", "verlof"]

    def test_a_bad_filter_says_what_is_wrong_and_keeps_the_others(self):
        numbers, page = self.numbers(van="gisteren", kanaal="slack")
        assert numbers == [self.negative.pk]
        assert "Vul een datum in" in page.content.decode()

    def test_paging(self):
        at = now() - 30 * DAY
        for index in range(30):
            seeding.insert(tracker.engine(), f"{index:032x}", seeding.answered("hoi", "greet", at + index))
        summary.sync()
        numbers, page = self.numbers()
        assert page.context["count"] == 33 and len(numbers) == 25
        second, _ = self.numbers(pagina=2)
        assert len(second) == 8 and not set(numbers) & set(second)
        # The links seek from the conversation at the page's edge, and keep the filter.
        filtered, page = self.numbers(fallback="nee")
        assert len(filtered) == 25 and "Pagina 1 van 2" in page.content.decode()
        following = self.client.get(reverse("review:conversations") + self.link(page, "next"))
        shown = [c.pk for c in following.context["page"].object_list]
        assert (
            len(shown) == 7
            and not set(shown) & set(filtered)
            and "Pagina 2 van 2" in following.content.decode()
        )
        assert 'rel="next"' not in following.content.decode()
        back = self.client.get(reverse("review:conversations") + self.link(following, "prev"))
        assert [c.pk for c in back.context["page"].object_list] == filtered
        assert 'rel="prev"' not in back.content.decode()
        beyond, page = self.numbers(pagina=9999)
        assert beyond == second and "Pagina 2 van 2" in page.content.decode()  # past the end: the last

    def link(self, page, rel):
        found = re.search(rf'<a href="([^"]+)" rel="{rel}"', page.content.decode())
        return html.unescape(found.group(1))


class TranscriptTests(TestCase):
    def setUp(self):
        at = now() - DAY
        self.conversation = store(
            "4" * 32,
            seeding.answered("hoe vind ik een mentor", "route_mentorschap_coaching", at)
            + [seeding.feedback("up", at + 5)]
            + seeding.not_understood("wat is mijn salaris", at + 10)
            + [
                seeding.user(
                    "leren of cursus",
                    "nlu_fallback",
                    0.4,
                    at + 20,
                    # A near tie (closer than config.yml's ambiguity threshold): a clarification.
                    ranking=[("route_formeel_onderwijs", 0.40), ("route_zelfstudie", 0.395)],
                ),
                seeding.action("action_fallback", at + 20.1),
                seeding.bot(
                    "Bedoel je A of B?", at + 20.2, [("Formeel onderwijs", "/route_formeel_onderwijs")]
                ),
                seeding.user("/route_formeel_onderwijs", "route_formeel_onderwijs", 1.0, at + 30),
            ]
            + seeding.coaching(at + 40, ["route_zelfstudie"], plan=True),
        )
        self.client = logged_in("reviewer")

    def test_the_transcript_marks_topics_fallbacks_clarifications_buttons_feedback_and_coaching(self):
        page = self.client.get(reverse("review:transcript", args=[self.conversation.pk]))
        html = page.content.decode()
        assert (
            "hoe vind ik een mentor" in html
            and "route_mentorschap_coaching" in html
            and "zekerheid 0,93" in html
        )
        assert "👍 had er iets aan" in html
        assert html.count("niet begrepen") == 1  # the salary question; the clarification is not a failure
        assert "verduidelijking gevraagd: route_formeel_onderwijs of route_zelfstudie" in html
        assert "Knoppen:" in html and "Formeel onderwijs" in html
        assert '<span class="mark">knop</span> route_formeel_onderwijs' in html
        assert (
            "gestart — vragen" in html
            and "plan gemaakt" in html
            and "gekozen routes: route_zelfstudie" in html
        )
        assert "4" * 32 not in html  # the conversation id itself is never shown

    def test_opening_a_transcript_is_audited(self):
        self.client.get(reverse("review:transcript", args=[self.conversation.pk]))
        entry = audit_log.entries("transcript_view", limit=1)[0]
        assert entry.actor == "reviewer-tester" and entry.conversation == "4" * 32

    def test_previous_and_next_follow_the_filtered_list(self):
        at = now() - 2 * DAY
        older = store("5" * 32, seeding.answered("hoe vind ik een mentor", "route_mentorschap_coaching", at))
        store("6" * 32, seeding.answered("hoi", "greet", at + 1))  # not about the topic: skipped
        oldest = store(
            "7" * 32, seeding.answered("kan ik een coach krijgen", "route_mentorschap_coaching", at - 9)
        )
        query = "?onderwerp=route_mentorschap_coaching"
        first = self.client.get(reverse("review:transcript", args=[self.conversation.pk]) + query)
        assert first.context["previous"] is None and first.context["following"] == older.pk
        middle = self.client.get(reverse("review:transcript", args=[older.pk]) + query)
        assert middle.context["previous"] == self.conversation.pk and middle.context["following"] == oldest.pk
        assert (
            f'href="/gesprekken/{oldest.pk}/?onderwerp=route_mentorschap_coaching"' in middle.content.decode()
        )

    def test_saving_the_review_goes_back_to_the_transcript_with_the_filter(self):
        response = self.client.post(
            reverse("review:save_review", args=[self.conversation.pk]),
            {"status": "bekeken", "labels": "", "note": "", "filters": "kanaal=rest&evil=1"},
        )
        assert response["Location"] == f"/gesprekken/{self.conversation.pk}/?kanaal=rest"
        self.conversation.refresh_from_db()
        assert self.conversation.status == "bekeken"

    def test_a_label_that_could_be_a_spreadsheet_formula_is_refused(self):
        self.client.post(
            reverse("review:save_review", args=[self.conversation.pk]),
            {"status": "bekeken", "labels": "=HYPERLINK(1)", "note": ""},
        )
        self.conversation.refresh_from_db()
        assert self.conversation.status == "nieuw" and not self.conversation.tags.exists()

    def test_a_conversation_gone_from_the_store_is_not_found_and_the_page_writes_nothing(self):
        from leercoach.privacy.store import events

        with tracker.engine().begin() as connection:
            connection.execute(events.delete().where(events.c.sender_id == "4" * 32))
        assert self.client.get(reverse("review:transcript", args=[self.conversation.pk])).status_code == 404
        # Erasure removes the summary in the same turn, the purge what is left (copies.py): a GET never.
        assert Conversation.objects.filter(pk=self.conversation.pk).exists()


class ExportTests(TestCase):
    def setUp(self):
        at = now() - DAY
        store("8" * 32, seeding.answered("hoe vind ik een mentor", "route_mentorschap_coaching", at))
        store("9" * 32, seeding.not_understood("mijn telefoon is [TELEFOON]", at + 1))
        self.client = logged_in("reviewer")

    def test_csv_and_jsonl_export_the_filtered_list_without_ids_or_text_and_are_audited(self):
        response = self.client.get(reverse("review:export", args=["csv"]), {"fallback": "ja"})
        body = b"".join(response.streaming_content).decode()
        rows = list(csv.DictReader(io.StringIO(body)))
        assert len(rows) == 1 and rows[0]["fallbacks"] == "1"
        assert "9" * 32 not in body and "TELEFOON" not in body
        entry = audit_log.entries("export", limit=1)[0]
        assert entry.count == 1 and entry.detail.startswith("csv") and entry.actor == "reviewer-tester"
        response = self.client.get(reverse("review:export", args=["jsonl"]))
        lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
        assert [line["topics"] for line in lines] == [[], ["route_mentorschap_coaching"]]
        assert audit_log.entries("export", limit=1)[0].count == 2
