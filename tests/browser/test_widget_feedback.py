"""'Had je hier iets aan?' 👍 / 👎 under an answer, in headless Chromium against the real servers."""

from __future__ import annotations

from playwright.sync_api import expect
from widget_support import Widget, run_axe

from leercoach import catalogue, content, settings

QUESTION = "Had je hier iets aan?"


def feedback_down_texts():
    return content.variants("feedback_down", **settings.text_values())


def posted_messages(page) -> list:
    sent = []
    page.on(
        "request",
        lambda r: (
            sent.append(r.post_data_json["message"]) if r.url.endswith("/webhooks/rest/webhook") else None
        ),
    )
    return sent


def latest_answer(widget):
    """The newest bot message, pinned (``.last`` would move on to later messages)."""
    return widget.bot_messages.nth(widget.bot_messages.count() - 1)


def rating_group(bubble):
    return bubble.get_by_role("group", name=QUESTION)


def test_an_answer_offers_thumbs_small_talk_does_not(page, widget):
    widget.open()
    widget.ask("wat kun je allemaal?")
    expect(widget.page.get_by_role("group", name=QUESTION)).to_have_count(0)
    widget.ask("Wat is een goede leercultuur?")
    answer = latest_answer(widget)
    group = rating_group(answer)
    expect(group).to_be_visible()
    expect(group.get_by_role("button", name="Ja, ik had hier iets aan")).to_contain_text("👍")
    expect(group.get_by_role("button", name="Nee, ik had hier niets aan")).to_contain_text("👎")


def test_thumbs_down_by_keyboard_sends_the_payload_and_is_answered_in_place(page, widget):
    sent = posted_messages(page)
    widget.open()
    widget.ask("Wat is een goede leercultuur?")
    answer = latest_answer(widget)
    list_buttons = widget.quick_replies.all_inner_texts()
    count = widget.bot_messages.count()
    down = rating_group(answer).get_by_role("button", name="Nee, ik had hier niets aan")
    down.focus()
    page.keyboard.press("Enter")
    status = answer.get_by_role("status")
    expect(status).to_have_text(feedback_down_texts()[0], timeout=20_000)
    assert sent[-1] == '/answer_feedback{"feedback":"down"}'
    expect(rating_group(answer)).to_have_count(0)  # once per answer
    expect(widget.bot_messages).to_have_count(count)  # the reply replaced the buttons, no new bubble
    expect(widget.user_messages).to_have_count(1)  # the click is not shown as a message
    assert widget.quick_replies.all_inner_texts() == list_buttons  # the way on stays

    # The list context survived the feedback: "de tweede" is the second kenmerk.
    second = catalogue.topics_in("kenmerk")[1].title
    assert widget.ask("de tweede").startswith(second)
    latest = latest_answer(widget)
    expect(rating_group(latest)).to_be_visible()
    # A second 👎 gets the other sorry.
    rating_group(latest).get_by_role("button", name="Nee, ik had hier niets aan").click()
    expect(latest.get_by_role("status")).to_have_text(feedback_down_texts()[1], timeout=20_000)


def test_after_a_reload_a_rated_answer_is_not_offered_again(page, widget):
    widget.open()
    widget.ask("Wat is werkplekleren?")
    answer = latest_answer(widget)
    rating_group(answer).get_by_role("button", name="Ja, ik had hier iets aan").click()
    thanks = content.conversation("feedback_up")
    expect(answer.get_by_role("status")).to_have_text(thanks, timeout=20_000)
    page.reload()
    expect(widget.panel).to_be_visible()  # the panel stays open across a reload in this tab
    answer = latest_answer(widget)
    expect(answer).to_contain_text(thanks)
    expect(widget.page.get_by_role("group", name=QUESTION)).to_have_count(0)


def test_moving_on_withdraws_an_unrated_offer_only_the_latest_answer_asks(page, widget):
    widget.open()
    widget.ask("Wat is een leercultuur?")
    first = latest_answer(widget)
    expect(rating_group(first)).to_be_visible()
    widget.ask("Wat is zelfstudie?")
    expect(rating_group(first)).to_have_count(0)
    expect(widget.page.get_by_role("group", name=QUESTION)).to_have_count(1)
    expect(rating_group(latest_answer(widget))).to_be_visible()
    page.reload()
    expect(widget.panel).to_be_visible()  # the panel stays open across a reload in this tab
    expect(widget.page.get_by_role("group", name=QUESTION)).to_have_count(1)


def test_no_serious_accessibility_violations_before_and_after_a_rating(browser, stack):
    # The demo page forbids injected scripts (Content-Security-Policy); axe needs an exception.
    # The other tests here run under the page's policy.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True, locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(stack.page_url)
        widget = Widget(page)
        widget.open()
        widget.ask("Wat is mentorschap?")
        answer = latest_answer(widget)
        expect(rating_group(answer)).to_be_visible()
        assert run_axe(page) == [], "an answer with the feedback question"
        rating_group(answer).get_by_role("button", name="Ja, ik had hier iets aan").click()
        expect(answer.get_by_role("status")).to_have_text(content.conversation("feedback_up"), timeout=20_000)
        assert run_axe(page) == [], "the answer after the rating"
    finally:
        context.close()
