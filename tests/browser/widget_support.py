"""What the widget tests share: paths, and the widget as a person finds it on the page."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LEERCOACH_CHROMIUM", "/usr/bin/chromium")
AXE_JS = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
REPORTS = PROJECT_ROOT / "reports" / "browser"


class Widget:
    """What a person sees of the widget, found the way they would find it (roles and names)."""

    def __init__(self, page) -> None:
        self.page = page
        self.launcher = page.get_by_role("button", name="Vraag de Leercoach")
        self.panel = page.get_by_role("dialog", name="Leercoach")
        self.log = page.get_by_role("log")
        self.input = page.get_by_role("textbox", name="Je bericht aan de Leercoach")
        self.send_button = page.get_by_role("button", name="Verstuur", exact=True)
        self.privacy_ok = page.get_by_role("button", name="Begrepen")
        self.bot_messages = page.locator(".lc-message--bot .lc-bubble")
        self.user_messages = page.locator(".lc-message--user .lc-bubble")
        self.quick_replies = page.get_by_role("group", name="Kies een antwoord").get_by_role("button")
        self.alert = page.get_by_role("alert")

    def open(self) -> None:
        self.launcher.click()
        if self.privacy_ok.is_visible():
            self.privacy_ok.click()

    def ask(self, text: str) -> str:
        """Types a question, sends it and returns the text of the bot's first new message."""
        before = self.bot_messages.count()
        self.input.fill(text)
        self.input.press("Enter")
        return self.wait_for_bot_message(before)

    def wait_for_bot_message(self, count_before: int) -> str:
        expect(self.bot_messages).not_to_have_count(count_before, timeout=20_000)
        return self.bot_messages.nth(count_before).inner_text()

    def sender_id(self) -> str:
        return self.page.evaluate(
            """() => { for (const k of Object.keys(localStorage))
                 if (k.startsWith('leercoach-widget:')) return JSON.parse(localStorage[k]).sender; }"""
        )
