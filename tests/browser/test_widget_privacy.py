"""The employee's own data in the widget: a download of what is stored, and erasure."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from leercoach import content


def test_what_is_stored_can_be_downloaded_as_a_file(page, widget):
    widget.open()
    widget.ask("wat is een leercultuur?")
    widget.ask("download mijn gesprek")
    link = page.get_by_role("link", name="Download je gesprek")
    expect(link).to_be_visible()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("leercoach-gesprek-")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "wat is een leercultuur?" in text


def test_after_an_erasure_the_widget_starts_a_new_conversation(page, widget):
    widget.open()
    widget.ask("wat is een leercultuur?")
    before = widget.sender_id()
    widget.ask("verwijder mijn gegevens")
    yes = page.get_by_role("button", name=content.privacy_message("erasure", "confirm_yes"))
    count = widget.bot_messages.count()
    yes.click()
    widget.wait_for_bot_message(count)
    expect(widget.log).to_contain_text(content.privacy_message("erasure", "done").split(":")[0])
    assert widget.sender_id() != before
    # Of the old conversation the browser keeps only the confirmation.
    page.reload()
    if not widget.panel.is_visible():  # the panel stays open across a reload
        widget.open()
    expect(widget.user_messages).to_have_count(0)
    expect(widget.log).not_to_contain_text("Een leercultuur is")
