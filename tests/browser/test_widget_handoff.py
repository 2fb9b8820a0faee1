"""The hulpvraag in the widget: the contact form, consent, and what the browser keeps."""

from __future__ import annotations

import sqlite3

from playwright.sync_api import expect
from widget_support import AXE_JS, REPORTS, Widget, run_axe

from leercoach import content, settings

CONTACT = "Anna Bakkerhout, anna.bakkerhout@bedrijf.example"
QUESTION = "Hoeveel studieverlof krijg ik voor een opleiding van drie maanden?"


def hr_text(name: str) -> str:
    return content.handoff_text(name, **settings.text_values())


def rows(stack):
    with sqlite3.connect(stack.review_db) as connection:
        return connection.execute("SELECT question, contact FROM review_handoffrequest").fetchall()


def open_the_form(page, widget: Widget):
    widget.open()
    widget.ask(QUESTION)
    assert "Zal ik je vraag doorgeven aan HR?" in widget.ask("ik wil iemand van HR spreken")
    count = widget.bot_messages.count()
    page.get_by_role("button", name=hr_text("offer_yes")).click()
    assert QUESTION in widget.wait_for_bot_message(count)
    count = widget.bot_messages.count()
    page.get_by_role("button", name=hr_text("use_previous")).click()
    widget.wait_for_bot_message(count)
    form = page.get_by_role("form", name=hr_text("form.title"))
    expect(form).to_be_visible()
    return form


def test_the_employee_sees_what_is_passed_on_and_gives_consent(page, widget, stack):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    form = open_the_form(page, widget)
    expect(form).to_contain_text(QUESTION)  # the question, shown back before anything is sent
    contact = form.get_by_role("textbox", name=hr_text("form.contact_label"))
    consent = form.get_by_role("checkbox", name=hr_text("form.consent"))
    submit = form.get_by_role("button", name=hr_text("form.submit"))

    contact.fill("bel me maar")
    submit.click()
    expect(form.get_by_role("alert")).to_have_text(hr_text("form.invalid"))
    expect(contact).to_be_focused()

    contact.fill("")
    contact.press_sequentially(CONTACT)  # by keyboard; the summary follows what is typed
    expect(form).to_contain_text(CONTACT)
    contact.press("Enter")
    expect(form.get_by_role("alert")).to_have_text(hr_text("form.consent_missing"))
    expect(consent).to_be_focused()
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    REPORTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(REPORTS / "widget-handoff.png"))

    count = widget.bot_messages.count()
    submit.click()
    widget.wait_for_bot_message(count)
    expect(widget.log).to_contain_text(hr_text("done"))
    expect(form).to_have_count(0)
    expect(widget.user_messages.last).to_have_text(hr_text("form.sent"))
    assert rows(stack)[-1] == (QUESTION, CONTACT)
    # The browser's stored conversation has the question, never the contact.
    stored = page.evaluate("() => JSON.stringify(Object.assign({}, localStorage, sessionStorage))")
    assert "Bakkerhout" not in stored and "drie maanden" in stored
    expect(widget.log).not_to_contain_text("Bakkerhout")
    assert violations == [] and page.dialogs == []


def test_niet_doorgeven_stores_nothing(page, widget, stack):
    before = rows(stack)
    form = open_the_form(page, widget)
    form.get_by_role("textbox", name=hr_text("form.contact_label")).fill(CONTACT)
    count = widget.bot_messages.count()
    form.get_by_role("button", name=hr_text("form.cancel")).click()
    widget.wait_for_bot_message(count)
    expect(widget.log).to_contain_text(hr_text("cancelled"))
    assert rows(stack) == before


def test_the_form_has_no_serious_accessibility_violations(browser, stack):
    assert AXE_JS.exists(), "axe-core is missing: run `npm ci --prefix tests/browser`"
    # The demo page forbids injected scripts (Content-Security-Policy); axe needs an exception.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="nl-NL")
    try:
        page = context.new_page()
        page.dialogs = []
        page.goto(stack.page_url)
        widget = Widget(page)
        form = open_the_form(page, widget)
        assert run_axe(page) == [], "the contact form"
        form.get_by_role("button", name=hr_text("form.submit")).click()
        expect(form.get_by_role("alert")).to_be_visible()
        assert run_axe(page) == [], "the contact form with an error"
        page.set_viewport_size({"width": 360, "height": 700})
        assert run_axe(page) == [], "the contact form on a phone"
    finally:
        context.close()
