"""Inzichten: aggregates only, nothing for a group of fewer than 10 conversations, charts as SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from benchmarks.review import seeding
from leercoach.review import summary, tracker
from leercoach.review.models import Conversation, DayStats, RouteStats, TopicStats, UnansweredStats
from tests.leercoach.review.support import logged_in, now

DAY = 24 * 3600


def conversations(count: int, topic: str, text: str, start: float, **extra) -> None:
    for index in range(count):
        events = seeding.answered(text, topic, start + index)
        if extra.get("feedback"):
            events.append(seeding.feedback(extra["feedback"], start + index + 1))
        if extra.get("fallback"):
            events += seeding.not_understood(extra["fallback"], start + index + 2)
        if extra.get("plan"):
            events += seeding.coaching(start + index + 3, ["route_zelfstudie"], plan=True)
        seeding.insert(tracker.engine(), f"{topic[:10]}{index:022x}", events)


class InsightTests(TestCase):
    def setUp(self):
        cache.clear()
        at = now() - DAY
        conversations(
            12,
            "route_mentorschap_coaching",
            "hoe vind ik een mentor",
            at,
            feedback="down",
            fallback="hoe vraag ik verlof aan?",
            plan=True,
        )
        conversations(
            4,
            "kenmerk_kennis_delen",
            "kennis delen tips",
            at + 100,
            feedback="up",
            fallback="wat is mijn salaris",
        )
        summary.sync()
        self.analyst = logged_in("analyst")

    def figure(self, page, name):
        return next(f for f in page.context["figures"] if f.name == name)

    def test_groups_of_ten_or_more_conversations_are_shown_smaller_ones_suppressed(self):
        page = self.analyst.get(reverse("review:insights"))
        topics = dict(self.figure(page, "onderwerpen").table())
        assert topics["Mentorschap en coaching"] == ["12", "12"]
        assert "Delen van kennis" not in topics  # 4 conversations: not even its name
        unanswered = dict(self.figure(page, "onbeantwoord").table())
        assert unanswered["verlof vraag"] == ["12", "12"]
        assert "salari" not in unanswered
        feedback = dict(self.figure(page, "feedback").table())
        assert feedback["Mentorschap en coaching"] == ["12", "0", "12"]
        assert "Delen van kennis" not in feedback
        funnel = dict(self.figure(page, "coaching").table())
        assert funnel["plan gemaakt"] == ["12"]
        html = page.content.decode()
        assert "salari" not in html and "verlof aan" not in html  # never a message as such

    def test_every_chart_is_an_svg_without_script_of_only_the_shown_groups(self):
        page = self.analyst.get(reverse("review:insights"))
        for figure in page.context["figures"]:
            response = self.analyst.get(reverse("review:chart", args=[figure.name]))
            assert response["Content-Type"] == "image/svg+xml"
            assert "default-src 'none'" in response["Content-Security-Policy"]
            svg = response.content.decode()
            ElementTree.fromstring(svg)
            assert "<script" not in svg
        topics = self.analyst.get(reverse("review:chart", args=["onderwerpen"])).content.decode()
        assert "Mentorschap en coaching" in topics and "Delen van kennis" not in topics

    def test_an_unknown_chart_is_not_found(self):
        assert self.analyst.get(reverse("review:chart", args=["niets"])).status_code == 404


class UnansweredBelowKTests(TestCase):
    """An unanswered question's group is named by the word stems of what people typed: below K
    conversations neither its label nor its count is shown, in the table or the chart."""

    QUESTION = "wie betaalt mijn studiereis naar lapland"  # its group: "betaal laplan studie"

    def page_and_chart(self, count: int):
        cache.clear()
        at = now() - DAY
        for index in range(count):
            events = seeding.answered("hoe vind ik een mentor", "route_mentorschap_coaching", at + index)
            events += seeding.not_understood(self.QUESTION, at + index + 1)
            seeding.insert(tracker.engine(), f"lapland{index:025x}", events)
        summary.sync()
        analyst = logged_in("analyst")
        page = analyst.get(reverse("review:insights"))
        chart = analyst.get(reverse("review:chart", args=["onbeantwoord"])).content.decode()
        table = next(f for f in page.context["figures"] if f.name == "onbeantwoord").table()
        return page.content.decode(), chart, table

    def test_nine_conversations_show_nothing_of_their_group(self):
        html, chart, table = self.page_and_chart(9)
        assert table == []
        for shown in (html, chart):
            assert "laplan" not in shown and "studie" not in shown and "betaal" not in shown
        assert "<td>9</td>" not in html

    def test_ten_conversations_show_their_group_with_its_count(self):
        html, chart, table = self.page_and_chart(10)
        assert table == [("betaal laplan studie", ["10", "10"])]
        assert "betaal laplan studie" in html and "laplan" in chart


class TotalsTests(TestCase):
    """Inzichten reads totals that sync() keeps; they must stay what the conversations say."""

    def setUp(self):
        cache.clear()
        self.at = now() - DAY
        conversations(12, "route_mentorschap_coaching", "hoe vind ik een mentor", self.at)
        summary.sync()
        self.senders = [f"route_ment{index:022x}" for index in range(12)]

    def table(self, name):
        cache.clear()
        page = logged_in("analyst").get(reverse("review:insights"))
        return dict(next(f for f in page.context["figures"] if f.name == name).table())

    def test_conversations_that_go_on_after_a_sync_are_counted_once_with_what_they_added(self):
        for index, sender in enumerate(self.senders):
            later = self.at + 500 + index
            seeding.insert(
                tracker.engine(),
                sender,
                [seeding.feedback("down", later)]
                + seeding.not_understood("hoe vraag ik verlof aan?", later + 1)
                + seeding.coaching(later + 2, ["route_zelfstudie"], plan=True),
            )
        summary.sync()
        assert self.table("onderwerpen")["Mentorschap en coaching"] == ["12", "12"]
        assert self.table("feedback")["Mentorschap en coaching"] == ["12", "0", "12"]
        assert self.table("onbeantwoord")["verlof vraag"] == ["12", "12"]
        assert self.table("coaching")["plan gemaakt"] == ["12"]
        assert self.table("kanalen")["rest"] == ["12"]
        week = next(iter(self.table("per_week").values()))
        assert week == ["12", str(12 * 3)]  # question, fallback question, coaching request (feedback is none)
        before = self.totals()
        summary.rebuild_totals()
        assert self.totals() == before  # what sync() added up equals a count of the whole summary

    def test_erased_conversations_leave_the_figures_and_a_group_below_ten_is_suppressed_again(self):
        admin = logged_in("admin")
        for pk in Conversation.objects.filter(sender_id__in=self.senders[:3]).values_list("pk", flat=True):
            response = admin.post(reverse("review:manage"), {"wis-number": pk, "wis-confirm": "WISSEN"})
            assert response.status_code == 302
        assert "Mentorschap en coaching" not in self.table("onderwerpen")  # 9 conversations left
        assert "rest" not in self.table("kanalen")
        before = self.totals()
        summary.rebuild_totals()
        assert self.totals() == before

    def totals(self):
        return {
            model.__name__: sorted(
                tuple(v for k, v in row.items() if k != "id") for row in model.objects.values()
            )
            for model in (DayStats, TopicStats, RouteStats, UnansweredStats)
        }
