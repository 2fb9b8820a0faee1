"""Real servers and a real browser for the widget tests.

One session starts, on free ports: the action server, two Rasa servers with the newest trained
model (REST channel, CORS limited to the demo page's origin) that share one tracker store,
a round-robin balancer in front of them (as nginx would be), the widget's demo server, and a
second local site (another allowed origin) for pages that embed the widget differently.
Playwright drives Debian's Chromium (/usr/bin/chromium) headless; no browser is downloaded.

The model is the one for the current data (``make test`` trains it first); set
LEERCOACH_TEST_MODEL to use another one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, List

import load_balancer
import pytest
from widget_support import CHROMIUM, REPORTS, Widget

from leercoach.run.model import model_path
from leercoach.run.servers import Server, Servers
from tests.leercoach.handoff.conftest import migrate_review_app
from tests.support import free_port, rasa_run_command, sqlite_endpoints

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    """Every browser test needs a trained model and real servers: `make test-servers`."""
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.servers)


class OtherIntranetSite:
    """A second web site on this machine whose pages a test writes: "any page" with the widget."""

    def __init__(self) -> None:
        self.pages: Dict[str, str] = {}
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = site.pages.get(self.path, "").encode("utf-8")
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Stack:
    page_url: str
    page_origin: str
    rasa_url: str  # the load balancer the widget talks to
    rasa_servers: List[str]
    balancer: load_balancer.RoundRobin
    other_site: OtherIntranetSite
    review_db: Path  # the review app's own database (hulpvragen), migrated by Django


def tracker_store_ready(db: Path) -> bool:
    if not db.exists():
        return False
    with sqlite3.connect(db) as connection:
        return bool(connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'events'").fetchone())


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[Stack]:
    """Action server, two Rasa servers behind a round-robin balancer, demo page: all real."""
    model = Path(os.environ.get("LEERCOACH_TEST_MODEL") or model_path())
    if not model.exists():
        pytest.fail(f"no model {model.name} for the current data: run `make train` first (make test does)")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make install` installs Debian's chromium")

    work = tmp_path_factory.mktemp("servers")
    action_port, page_port = free_port(), free_port()
    rasa_ports = [free_port(), free_port()]
    rasa_servers = [f"http://127.0.0.1:{port}" for port in rasa_ports]
    page_origin = f"http://127.0.0.1:{page_port}"
    # Same shape as endpoints.yml, with the test's own ports and a throwaway tracker store
    # that both Rasa servers share (in production: PostgreSQL, see endpoints.production.yml).
    db = work / "conversations.db"
    endpoints = work / "endpoints.yml"
    sqlite_endpoints(endpoints, action_port, db)
    proxy, balancer = load_balancer.start(rasa_servers)
    other_site = OtherIntranetSite()
    rasa_url = f"http://127.0.0.1:{proxy.server_address[1]}"

    group = Servers(log_dir=work)
    python = sys.executable
    review_state = work / "review"
    migrate_review_app(review_state)  # as make run does before the first hulpvraag

    def start_rasa(index: int) -> Server:
        command = rasa_run_command(
            model, endpoints, rasa_ports[index], "--cors", page_origin, other_site.origin
        )
        return group.start(f"rasa-{index + 1}", command)

    try:
        actions = group.start(
            "actions",
            [python, "-m", "rasa", "run", "actions", "--port", str(action_port)],
            extra_env={
                "LEERCOACH_ENDPOINTS": str(endpoints),
                "LEERCOACH_REVIEW_STATE_DIR": str(review_state),
            },
        )
        page = group.start(
            "widget-server",
            [
                python,
                "-m",
                "leercoach.widget.server",
                "--port",
                str(page_port),
                "--rasa-url",
                rasa_url,
            ],
        )
        first = start_rasa(0)
        # The second server starts once the first has created the tables, so the two do not
        # race to create the same schema in the shared SQLite file.
        deadline = time.monotonic() + 300
        while not tracker_store_ready(db) and first.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        second = start_rasa(1)
        group.wait_until_up(page, f"{page_origin}/", timeout=30)
        group.wait_until_up(actions, f"http://127.0.0.1:{action_port}/health", timeout=180)
        for server, url in ((first, rasa_servers[0]), (second, rasa_servers[1])):
            group.wait_until_up(server, f"{url}/webhooks/rest/", timeout=420)
        yield Stack(
            f"{page_origin}/",
            page_origin,
            rasa_url,
            rasa_servers,
            balancer,
            other_site,
            review_state / "review.sqlite3",
        )
    finally:
        servers_logs = [server.log for server in group.running]
        group.stop_all()
        other_site.stop()
        proxy.shutdown()
        proxy.server_close()
        logs = REPORTS / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        for log in servers_logs:
            shutil.copy(log, logs / log.name)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    yield context
    context.close()


@pytest.fixture
def page(context, stack):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.dialogs = []  # any alert() would mean script from a message ran
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(stack.page_url)
    return page


@pytest.fixture
def widget(page) -> Widget:
    return Widget(page)
