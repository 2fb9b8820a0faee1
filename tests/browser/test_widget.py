"""The intranet chat widget in headless Chromium, against the real Rasa and action servers."""

from __future__ import annotations

import os
import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from widget_support import AXE_JS, REPORTS, Widget, run_axe

from leercoach import content
from leercoach.widget.server import privacy_texts

XSS = "<img src=x onerror=alert(1)>"
SCREENSHOT = Path(os.environ.get("LEERCOACH_WIDGET_SCREENSHOT", REPORTS / "widget.png"))


def posted_messages(page) -> list:
    """The messages the widget sends to Rasa's REST channel, recorded as they leave the page."""
    sent = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data_json) if r.url.endswith("/webhooks/rest/webhook") else None,
    )
    return sent


def test_the_message_list_is_a_live_region_before_anything_is_said(widget):
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    widget.launcher.click()
    expect(widget.panel).to_be_visible()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    expect(widget.log).to_have_attribute("aria-live", "polite")
    expect(widget.user_messages).to_have_count(0)
    # A first-time visitor sees the short privacy notice with a link to the full text.
    expect(widget.page.get_by_text(privacy_texts().short)).to_be_visible()
    privacy_link = widget.page.get_by_role("link", name=re.compile("Meer over privacy"))
    expect(privacy_link).to_have_attribute("href", re.compile(r"/privacy$"))


def test_a_question_gets_the_right_answer_with_a_typing_indicator_meanwhile(page, widget):
    held = []
    page.route("**/webhooks/rest/webhook", lambda route: held.append(route))
    widget.open()
    widget.input.fill("wat is een leercultuur?")
    widget.input.press("Enter")

    expect(widget.user_messages.last).to_have_text("wat is een leercultuur?")
    expect(widget.input).to_have_value("")
    typing = page.get_by_role("status")
    expect(typing).to_have_text("De Leercoach typt…")
    for _ in range(50):  # the request reaches the route handler while Playwright waits
        if held:
            break
        page.wait_for_timeout(100)
    expect(typing).to_have_text("De Leercoach typt…")  # still there: Rasa has not answered yet
    held[0].continue_()
    page.unroute("**/webhooks/rest/webhook")

    answer = widget.wait_for_bot_message(1)  # message 0 is the local welcome
    assert "leercultuur" in answer.lower()
    expect(typing).to_have_text("")


def test_a_quick_reply_sends_its_payload_and_shows_its_title(page, widget):
    sent = posted_messages(page)
    widget.open()
    widget.ask("Wat is een goede leercultuur?")
    expect(widget.quick_replies.first).to_be_visible()
    # The picture for the README: a question, its answer and the quick replies under it.
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    first = widget.quick_replies.first
    title = first.inner_text()
    before = widget.bot_messages.count()

    first.click()

    expect(widget.user_messages.last).to_have_text(title)
    answer = widget.wait_for_bot_message(before)
    assert answer.strip()
    assert sent[-1]["message"].startswith("/"), "a button sends its payload, not its title"
    # Focus does not get lost when the clicked button disappears.
    expect(widget.input).to_be_focused()


def test_the_conversation_survives_a_reload_and_nieuw_gesprek_starts_afresh(page, widget):
    widget.open()
    answer = widget.ask("Wat is een leercultuur?")
    sender = widget.sender_id()
    seen = widget.bot_messages.all_inner_texts()

    page.reload()
    expect(widget.panel).to_be_visible()  # an open chat stays open from page to page
    expect(widget.user_messages).to_have_text(["Wat is een leercultuur?"])
    assert widget.bot_messages.all_inner_texts() == seen
    assert answer in seen
    assert widget.sender_id() == sender, "the same pseudonymous conversation goes on"
    expect(widget.privacy_ok).to_be_hidden()  # the notice is shown once, not on every page

    page.get_by_role("button", name="Nieuw gesprek").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Ja, begin opnieuw").click()
    expect(widget.user_messages).to_have_count(0)
    expect(widget.bot_messages).to_have_count(1)  # only the welcome
    assert widget.sender_id() != sender
    expect(widget.input).to_be_focused()
    page.reload()
    expect(widget.user_messages).to_have_count(0)


def test_html_in_a_message_is_shown_as_text(page, widget):
    widget.open()
    widget.input.fill(XSS)
    widget.input.press("Enter")
    widget.wait_for_bot_message(1)

    expect(widget.user_messages.last).to_have_text(XSS)
    expect(page.locator("#leercoach-widget img")).to_have_count(0)
    page.reload()
    expect(widget.user_messages.last).to_have_text(XSS)
    expect(page.locator("#leercoach-widget img")).to_have_count(0)
    assert page.dialogs == []


def test_bot_markdown_is_limited_to_a_safe_subset(page):
    html = page.evaluate(
        """(text) => {
            const box = document.createElement('div');
            box.appendChild(window.LeercoachWidget.renderMarkdown(text));
            return box.innerHTML;
        }""",
        "**Vet** en *schuin*\n- een\n- twee\n\n1. eerst\n2. dan\n\n"
        "[Lees meer](https://example.org/leren) of [dit](javascript:alert(1)) "
        "<script>alert(1)</script> <b onclick=x>geen html</b> kenmerk_openheid_vertrouwen",
    )
    assert "<strong>Vet</strong>" in html and "<em>schuin</em>" in html
    assert "<ul><li>een</li><li>twee</li></ul>" in html
    assert "<ol><li>eerst</li><li>dan</li></ol>" in html
    assert re.search(
        r'<a href="https://example.org/leren" target="_blank" rel="noopener[^"]*">Lees meer', html
    )
    assert "javascript:" not in html, "a javascript: link becomes plain text"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b onclick=x&gt;geen html&lt;/b&gt;" in html
    assert "kenmerk_openheid_vertrouwen" in html, "underscores inside words are not italics"


def test_a_whole_exchange_by_keyboard_only(page, widget):
    keyboard = page.keyboard
    for _ in range(40):  # from the top of the intranet page to the launcher
        keyboard.press("Tab")
        if widget.launcher.evaluate("el => el.getRootNode().activeElement === el"):
            break
    expect(widget.launcher).to_be_focused()
    assert widget.launcher.evaluate("el => getComputedStyle(el).outlineStyle") != "none", "focus is visible"

    keyboard.press("Enter")
    expect(widget.privacy_ok).to_be_focused()  # first the privacy notice
    keyboard.press("Enter")
    expect(widget.input).to_be_focused()
    assert widget.input.evaluate("el => getComputedStyle(el).outlineStyle") != "none"

    keyboard.type("Wat is een goede leercultuur?")
    keyboard.press("Enter")
    widget.wait_for_bot_message(1)
    expect(widget.quick_replies.first).to_be_visible()
    expect(widget.input).to_be_focused()

    for _ in range(20):  # back from the input to the quick replies
        keyboard.press("Shift+Tab")
        if (
            page.evaluate("() => document.activeElement?.shadowRoot?.activeElement?.className")
            == "lc-quick-reply"
        ):
            break
    focused_title = page.evaluate("() => document.activeElement.shadowRoot.activeElement.textContent")
    before = widget.bot_messages.count()
    keyboard.press("Enter")
    expect(widget.user_messages.last).to_have_text(focused_title)
    widget.wait_for_bot_message(before)

    keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()


def test_unreachable_server_gives_a_dutch_message_and_keeps_what_was_typed(page, widget):
    widget.open()
    page.route("**/webhooks/rest/webhook", lambda route: route.abort("connectionrefused"))
    widget.input.fill("Hoe geef ik feedback aan een collega?")
    widget.input.press("Enter")

    expect(widget.alert).to_contain_text("niet bereikbaar")
    expect(widget.input).to_have_value("Hoe geef ik feedback aan een collega?")
    expect(widget.user_messages).to_have_count(0)

    page.unroute("**/webhooks/rest/webhook")
    page.get_by_role("button", name="Opnieuw proberen").click()
    expect(widget.user_messages).to_have_text(["Hoe geef ik feedback aan een collega?"])
    widget.wait_for_bot_message(1)
    expect(widget.input).to_have_value("")
    expect(widget.alert).to_have_text("")


@pytest.mark.parametrize("width,height", [(320, 640), (640, 400)], ids=["320px", "200pct-zoom"])
def test_usable_at_320_px_and_at_200_percent_zoom(browser, stack, width, height, request):
    # 200 % zoom of a 1280×800 window gives a 640×400 CSS-pixel viewport: the same layout.
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(stack.page_url)
        widget = Widget(page)
        widget.open()
        widget.ask("Wat is een goede leercultuur?")
        for part in (widget.panel, widget.input, widget.send_button, widget.quick_replies.first):
            box = part.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, f"{part} fits the width"
        send_box = widget.send_button.bounding_box()
        assert send_box["y"] + send_box["height"] <= height + 0.5, "the send button is on screen"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, "no sideways scrolling"
        page.screenshot(path=str(REPORTS / f"widget-{request.node.callspec.id}.png"))
        page.keyboard.press("Escape")
        expect(widget.launcher).to_be_focused()
    finally:
        context.close()


def test_no_serious_accessibility_violations(browser, stack):
    assert AXE_JS.exists(), "axe-core is missing: run `npm ci --prefix tests/browser`"
    # The demo page forbids injected scripts (Content-Security-Policy); axe needs an exception.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(stack.page_url)
        widget = Widget(page)
        assert run_axe(page) == [], "closed widget"
        widget.launcher.click()
        expect(widget.privacy_ok).to_be_visible()
        assert run_axe(page) == [], "open widget with the privacy notice"
        widget.privacy_ok.click()
        widget.ask("Wat is een goede leercultuur?")
        expect(widget.quick_replies.first).to_be_visible()
        assert run_axe(page) == [], "conversation with quick replies"
        page.route("**/webhooks/rest/webhook", lambda route: route.abort("connectionrefused"))
        widget.input.fill("Hallo?")
        widget.input.press("Enter")
        expect(widget.alert).to_contain_text("niet bereikbaar")
        assert run_axe(page) == [], "error message with retry"
    finally:
        context.close()


def test_rasa_answers_the_demo_page_origin_only(stack):
    def preflight(origin: str):
        request = urllib.request.Request(
            f"{stack.rasa_servers[0]}/webhooks/rest/webhook",
            method="OPTIONS",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.headers.get("Access-Control-Allow-Origin")

    assert preflight(stack.page_origin) == stack.page_origin
    assert preflight("http://evil.example") is None


def test_one_conversation_goes_on_across_two_rasa_servers(page, widget, stack):
    widget.open()
    widget.ask("Wat is een goede leercultuur?")
    reply = widget.ask("de tweede")  # needs the list context stored by the other server

    second_item = content.answer("kenmerk_kennis_delen")["text"].split(".")[0]
    assert second_item in reply
    sender = widget.sender_id()
    servers = [f.backend for f in stack.balancer.log if f.sender == sender]
    assert len(servers) == 2 and set(servers) == {0, 1}, "each message went to another server"


def host_page(page, stack, **settings) -> None:
    """Another intranet site (an allowed origin) whose page embeds the widget with one tag."""
    attributes = " ".join(f'data-{name.replace("_", "-")}="{value}"' for name, value in settings.items())
    path = f"/team-{len(stack.other_site.pages)}"
    stack.other_site.pages[path] = (
        '<!doctype html><html lang="nl"><head><title>Teampagina</title></head><body>'
        "<main><h1>Team Planning</h1><p>Welkom op onze teampagina.</p></main>"
        f'<script src="{stack.page_origin}/widget/leercoach-widget.js" data-server="{stack.rasa_url}" '
        f"{attributes}></script></body></html>"
    )
    page.goto(stack.other_site.origin + path)


def test_any_page_embeds_it_with_one_script_tag_and_its_own_settings(page, stack):
    host_page(
        page,
        stack,
        title="Leerhulp",
        color="#5b2a86",
        lang_launcher="Vraag het de Leerhulp",
        init_payload="/greet",
    )
    page.get_by_role("button", name="Vraag het de Leerhulp").click()
    expect(page.get_by_role("dialog", name="Leerhulp")).to_be_visible()
    header = page.locator(".lc-header")
    expect(header).to_have_css("background-color", "rgb(91, 42, 134)")
    # With an init payload the bot itself opens the conversation (no local welcome line).
    widget = Widget(page)
    expect(widget.bot_messages).to_have_count(1)
    assert "Ik ben de Leercoach. Stel je vraag" not in widget.bot_messages.first.inner_text()
    expect(widget.user_messages).to_have_count(0)
    expect(widget.quick_replies.first).to_be_visible()


def test_colours_with_too_little_contrast_are_not_used(page, stack):
    host_page(page, stack, color="#ffe14d", color_text="#ffffff")  # white on yellow: 1.3:1
    page.locator(".lc-launcher").click()
    expect(page.locator(".lc-header")).to_have_css("background-color", "rgb(31, 78, 140)")
