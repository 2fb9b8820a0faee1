"""The widget items of issue 12: one greeting with starter buttons, the plan to take along
(agenda, print, copy, e-mail), "Nieuw gesprek" asks first, the last message in view after a
reload, long button lists at 320 px, and a whole coaching run typed without one click.

The plan tests answer the widget's request with a plan made by the real coaching code
(``build_plan`` + ``widget_payload``), so they do not depend on a trained model's choices;
the typed run at the end goes through the real Rasa and action servers.
"""

from __future__ import annotations

import json
import urllib.parse
from datetime import date
from pathlib import Path

import icalendar
from playwright.sync_api import expect
from widget_support import Widget

from leercoach.answering import render_topic
from leercoach.coaching.data import load
from leercoach.coaching.data import text as coaching_text
from leercoach.coaching.goal import analyse_goal
from leercoach.coaching.plan import build_plan, plan_message
from leercoach.coaching.ranking import rank_routes
from leercoach.coaching.takeaway import widget_payload
from leercoach.widget.server import starter_buttons, welcome_text
from tests.leercoach.coaching.personas import ALONE as ANSWERS

PLAN_TITLE = coaching_text("plan", "summary_header")


def a_plan() -> dict:
    goal = analyse_goal("ik wil beter leren presenteren voor grote groepen", use_spacy=False)
    ranking = rank_routes(ANSWERS, goal)
    return build_plan(goal, ANSWERS, ranking, [ranking[0].key, ranking[1].key], date(2026, 12, 1))


def answer_with(page, replies_for) -> None:
    """The widget's requests to Rasa answered here: ``replies_for(message)`` gives the replies."""

    def handle(route):
        headers = {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Allow-Methods": "POST, OPTIONS",
        }
        if route.request.method == "OPTIONS":
            return route.fulfill(status=204, headers=headers)
        message = json.loads(route.request.post_data or "{}").get("message", "")
        route.fulfill(
            status=200,
            headers=headers,
            content_type="application/json",
            body=json.dumps(replies_for(message)),
        )

    page.route("**/webhooks/rest/webhook", handle)


def plan_replies(plan: dict) -> list:
    buttons = [{"title": load("texts")["buttons"]["change_plan"], "payload": "/change_plan"}]
    return [
        {"recipient_id": "x", "text": plan_message(plan), "buttons": buttons},
        {"recipient_id": "x", "custom": widget_payload(plan)},
    ]


def show_plan(page, widget: Widget, plan: dict):
    answer_with(page, lambda message: plan_replies(plan) if "plan" in message else [{"text": "Oké."}])
    widget.open()
    widget.ask("wat was mijn plan?")
    card = page.locator(".lc-message--plan")
    expect(card).to_have_count(1)
    return card


def test_one_greeting_with_starter_buttons_on_the_first_screen(page, widget):
    widget.open()
    expect(widget.bot_messages).to_have_text([welcome_text()])
    expect(widget.quick_replies).to_have_text([b["title"] for b in starter_buttons()])
    # "hallo" first: the bot's own greeting is the one on screen already, so it is not said twice
    widget.input.fill("hallo")
    widget.input.press("Enter")
    expect(widget.user_messages).to_have_text(["hallo"])
    expect(widget.quick_replies.first).to_be_visible()
    expect(widget.bot_messages).to_have_text([welcome_text()])


def test_the_plan_is_a_card_with_its_tools_under_it(page, widget):
    plan = a_plan()
    card = show_plan(page, widget, plan)
    expect(card.locator("strong").first).to_have_text(PLAN_TITLE)  # a title, like the FAQ cards
    expect(card.locator("ol li")).to_have_count(len(plan["steps"]))  # each step once, as a list
    tools = page.get_by_role("group", name="Je plan bewaren")
    for name in ("Zet in je agenda", "Print", "Kopieer", "Deel met je leidinggevende"):
        expect(
            tools.get_by_role("link", name=name).or_(tools.get_by_role("button", name=name))
        ).to_be_visible()


def test_the_agenda_file_has_one_event_with_a_reminder_per_step(page, widget):
    plan = a_plan()
    show_plan(page, widget, plan)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Zet in je agenda").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    events = calendar.walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [date.fromisoformat(s["when"]) for s in plan["steps"]]
    assert all(len(e.walk("VALARM")) == 1 for e in events)


def test_kopieer_puts_the_plan_text_on_the_clipboard(page, widget, context, stack):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.page_origin)
    plan = a_plan()
    show_plan(page, widget, plan)
    page.get_by_role("button", name="Kopieer").click()
    expect(page.get_by_role("status").filter(has_text="klembord")).to_be_visible()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == widget_payload(plan)["leercoach"]["text"]
    assert all(step["what"] in copied for step in plan["steps"])


def test_deel_met_je_leidinggevende_opens_an_e_mail_draft_with_the_plan(page, widget):
    plan = a_plan()
    show_plan(page, widget, plan)
    href = page.get_by_role("link", name="Deel met je leidinggevende").get_attribute("href")
    assert href.startswith("mailto:?")
    query = urllib.parse.parse_qs(href.split("?", 1)[1])
    mail = widget_payload(plan)["leercoach"]["mail"]
    assert query["subject"] == [mail["subject"]] and query["body"] == [mail["body"]]


def test_print_shows_only_the_plan(page, widget):
    show_plan(page, widget, a_plan())
    page.evaluate("() => { window.print = () => { window.printed = true; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("() => window.printed") is True
    page.emulate_media(media="print")
    try:
        expect(page.locator(".lc-message--plan")).to_be_visible()
        expect(page.locator(".lc-message--user")).to_be_hidden()
        expect(page.locator(".lc-header")).to_be_hidden()
        expect(page.locator(".lc-form")).to_be_hidden()
        expect(page.get_by_role("group", name="Je plan bewaren")).to_be_hidden()
        expect(page.locator("main")).to_be_hidden()  # the intranet page around it
    finally:
        page.emulate_media(media="screen")


def test_the_plan_tools_are_still_there_after_a_reload(page, widget):
    show_plan(page, widget, a_plan())
    page.reload()
    expect(page.get_by_role("link", name="Zet in je agenda")).to_be_visible()


def test_nieuw_gesprek_asks_first_and_says_what_happens_to_the_plan(page, widget):
    show_plan(page, widget, a_plan())
    before = widget.sender_id()
    page.get_by_role("button", name="Nieuw gesprek").click()
    question = page.get_by_role("alertdialog")
    expect(question).to_contain_text("Je plan gaat niet mee")
    question.get_by_role("button", name="Nee, ga terug").click()
    expect(question).to_be_hidden()
    expect(page.locator(".lc-message--plan")).to_have_count(1)  # nothing lost
    assert widget.sender_id() == before
    page.get_by_role("button", name="Nieuw gesprek").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Ja, begin opnieuw").click()
    expect(page.locator(".lc-message--plan")).to_have_count(0)
    assert widget.sender_id() != before


def test_after_a_reload_the_last_message_is_in_view(page, widget):
    long_answer = " ".join(["Een lang antwoord over leren op het werk."] * 12)
    answer_with(page, lambda message: [{"text": f"{long_answer} ({message})"}])
    widget.open()
    for number in range(6):
        widget.ask(f"vraag {number}")
    page.reload()
    last = widget.bot_messages.last
    expect(last).to_contain_text("(vraag 5)")
    log_box, last_box = widget.log.bounding_box(), last.bounding_box()
    assert last_box["y"] + last_box["height"] <= log_box["y"] + log_box["height"] + 1, "the end is in view"
    assert last_box["y"] + last_box["height"] >= log_box["y"], "the last message is on screen"


def test_a_long_list_of_buttons_is_usable_at_320_px(browser, stack):
    context = browser.new_context(viewport={"width": 320, "height": 568}, locale="nl-NL")
    try:
        page = context.new_page()
        overview = render_topic("werknemer_ontwikkelen").messages[0]
        answer_with(page, lambda message: [overview])
        page.goto(stack.page_url)
        widget = Widget(page)
        widget.open()
        widget.ask("hoe kan ik me ontwikkelen?")
        expect(widget.quick_replies).to_have_count(len(overview["buttons"]))
        log = widget.log.bounding_box()
        for index in range(widget.quick_replies.count()):
            button = widget.quick_replies.nth(index)
            button.scroll_into_view_if_needed()
            box = button.bounding_box()
            assert box["height"] >= 44, "big enough to tap"
            assert box["x"] >= log["x"] and box["x"] + box["width"] <= log["x"] + log["width"] + 0.5
            assert box["y"] >= log["y"] - 0.5 and box["y"] + box["height"] <= log["y"] + log["height"] + 0.5
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
        widget.quick_replies.last.click()  # reachable and working
        expect(widget.user_messages.last).to_have_text(overview["buttons"][-1]["title"])
    finally:
        context.close()


TYPED_RUN = [
    "Help me een ontwikkelplan te maken, ik wil beter leren presenteren voor grote groepen",
    "ongeveer 2 uur per week",
    "liever samen met collega's",
    "waarom vraag je dat?",
    "door te doen",
    "nee hoor, niet nodig",
    "ja, er is budget",
    "vertel eens meer",
    "past bij mij",
    "deze niet",
    "ja, die wil ik wel",
    "doe maar de volgende",
    "ik ben klaar",
    "hoe bewaar ik mijn plan?",
]
TRANSCRIPT = Path(__file__).resolve().parents[2] / "reports" / "browser" / "typed-coaching-run.txt"


def test_a_whole_coaching_run_typed_from_start_to_plan_without_one_click(page, widget):
    """Real servers: every answer typed, the plan at the end with its tools; the transcript
    is written to reports/browser/typed-coaching-run.txt."""
    sent = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data_json) if r.url.endswith("/webhooks/rest/webhook") else None,
    )
    widget.open()
    lines = []
    unclear = {coaching_text("walk", "typed_unclear"), coaching_text("reask", "choice", example="")[:30]}
    for typed in TYPED_RUN:
        before = widget.bot_messages.count()
        widget.input.fill(typed)
        widget.input.press("Enter")
        expect(widget.bot_messages).not_to_have_count(before, timeout=60_000)  # a busy machine
        page.wait_for_function(
            "() => !document.querySelector('[data-leercoach-widget]').shadowRoot"
            " .querySelector('.lc-typing--on')"
        )
        replies = widget.bot_messages.all_inner_texts()[before:]
        lines.append(f"Jij: {typed}")
        lines.extend(f"Leercoach: {reply}" for reply in replies)
        buttons = widget.quick_replies.all_inner_texts()
        if buttons:
            lines.append("           knoppen: " + " | ".join(buttons))
        lines.append("")
        assert not any(reply.startswith(tuple(unclear)) for reply in replies), (typed, replies)
    TRANSCRIPT.parent.mkdir(parents=True, exist_ok=True)
    TRANSCRIPT.write_text("\n".join(lines), encoding="utf-8")
    assert all(not m["message"].startswith("/") for m in sent), "nothing was clicked: every message typed"
    expect(page.locator(".lc-message--plan").last).to_contain_text(
        "Doel: beter leren presenteren voor grote groepen"
    )
    expect(page.get_by_role("link", name="Zet in je agenda").last).to_be_visible()
    assert coaching_text("plan", "keep") in widget.bot_messages.all_inner_texts()
