"""The HR review app in headless Chromium, served by gunicorn as `make review` serves it.

Log in, filter, open a transcript (the PII of a seeded conversation is not on the page), tag and
mark it reviewed, export, Inzichten with its charts, lockout; axe-core on every page.
Screenshots go to reports/browser/review/ (LEERCOACH_REVIEW_SCREENSHOTS=docs/review for the README).
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect
from widget_support import PROJECT_ROOT, REPORTS, run_axe

from benchmarks.review import seeding
from leercoach.privacy.store import engine_from_endpoints
from tests.support import free_port

PASSWORD = "een lang genoeg wachtwoord 42"
RAW_PII = "Ik ben Jan de Vries, bel me op 06-12345678 over mijn opleiding"
SHOTS = Path(os.environ.get("LEERCOACH_REVIEW_SCREENSHOTS") or REPORTS / "review")


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    """gunicorn with the review app on a free port, its own SQLite DB, a seeded tracker store."""
    state = tmp_path_factory.mktemp("review")
    endpoints = state / "endpoints.yml"
    endpoints.write_text(
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {state / 'conversations.db'}\n"
    )
    env = {
        **os.environ,
        "LEERCOACH_ENDPOINTS": str(endpoints),
        "LEERCOACH_REVIEW_STATE_DIR": str(state),
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    engine = engine_from_endpoints(endpoints)
    rng, start = random.Random(9), time.time() - 20 * 86400
    for index in range(60):
        seeding.insert(engine, f"{index:032x}", seeding.synthetic(rng, start + index * 20_000, "rest"))
    pii = stored_pii_text()
    seeding.insert(engine, "f" * 32, seeding.answered(pii, "route_formeel_onderwijs", time.time() - 60))
    for name, role in (("hr", "reviewer"), ("analist", "analyst"), ("beheer", "admin"), ("slot", "reviewer")):
        subprocess.run(
            [sys.executable, "-m", "leercoach.review", "adduser", name, "--role", role],
            input=PASSWORD,
            text=True,
            env=env,
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
        )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "leercoach.review", "serve", "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/inloggen/", timeout=2)
            break
        except OSError:
            assert server.poll() is None, "the review app stopped while starting"
            time.sleep(0.5)
    yield {"base": base, "pii": pii}
    server.terminate()
    server.wait(timeout=20)


def stored_pii_text() -> str:
    """What the tracker store holds of RAW_PII: the text after the project's one redaction function."""
    redaction = pytest.importorskip("leercoach.privacy.redaction")
    return redaction.redact(RAW_PII).text


@pytest.fixture
def page(browser):
    # axe is injected as a script tag: the app's own policy (no inline or foreign script) would refuse it.
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, bypass_csp=True, locale="nl-NL", accept_downloads=True
    )
    yield context.new_page()
    context.close()


def log_in(page, review, name):
    page.goto(review["base"] + "/")
    page.get_by_label("Gebruikersnaam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def check(page, what: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{what}.png"), full_page=True)
    assert run_axe(page) == [], what


def test_hr_logs_in_filters_reads_a_transcript_reviews_and_exports(page, review):
    page.goto(review["base"] + "/")
    check(page, "inloggen")
    log_in(page, review, "hr")
    expect(page.get_by_role("heading", name="Gesprekken")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="61 gesprekken")).to_be_visible()
    check(page, "gesprekken")

    page.get_by_label("Onderwerp").select_option("route_formeel_onderwijs")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status").filter(has_text="gesprek")).not_to_contain_text("61 gesprekken")
    page.get_by_role("link", name="Gesprek 61").click()
    expect(page.get_by_role("heading", name="Gesprek 61")).to_be_visible()
    text = page.locator("main").inner_text()
    assert "06-12345678" not in text and "Jan de Vries" not in text and "f" * 32 not in text
    assert "[TELEFOON]" in text
    check(page, "transcript")

    page.get_by_label("Status").select_option("bekeken")
    page.get_by_label("Labels (gescheiden door komma's)").fill("opleiding, pii-check")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Opgeslagen.")).to_be_visible()
    page.get_by_role("link", name="Terug naar de lijst").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Gesprek 61"))
    expect(row).to_contain_text("bekeken")
    expect(row).to_contain_text("pii-check")

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert (
        exported.startswith("gesprek,begonnen") and "pii-check" in exported and "06-12345678" not in exported
    )


def test_an_analyst_sees_inzichten_with_its_charts_and_nothing_else(page, review):
    log_in(page, review, "analist")
    expect(page.get_by_role("heading", name="Inzichten")).to_be_visible()
    charts = page.get_by_role("img", name="Grafiek:")
    expect(charts.first).to_be_visible()
    assert charts.count() == 9
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()
        expect(charts.nth(index)).to_have_js_property("complete", True)
        assert charts.nth(index).evaluate("img => img.naturalWidth") > 100
    expect(page.get_by_role("table").first).to_be_visible()
    assert page.get_by_role("link", name="Gesprekken").count() == 0
    check(page, "inzichten")
    assert page.goto(review["base"] + "/gesprekken/").status == 403


def test_the_admin_pages_hulpvragen_audit_and_beheer(page, review):
    log_in(page, review, "beheer")
    for link, heading, shot in (
        ("Hulpvragen", "Hulpvragen", "hulpvragen"),
        ("Audit", "Auditlog", "audit"),
        ("Beheer", "Beheer", "beheer"),
    ):
        page.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        check(page, shot)
    page.get_by_role("link", name="Audit", exact=True).click()
    expect(page.get_by_role("cell", name="hr", exact=True).first).to_be_visible()


def test_five_wrong_passwords_lock_the_account(page, review):
    page.goto(review["base"] + "/")
    for attempt in range(5):
        page.get_by_label("Gebruikersnaam").fill("slot")
        page.get_by_label("Wachtwoord").fill(f"fout {attempt}")
        page.get_by_role("button", name="Inloggen").click()
        if attempt < 4:
            expect(page.get_by_role("alert")).to_contain_text("klopt niet")
    expect(page.get_by_role("heading", name="Account tijdelijk geblokkeerd")).to_be_visible()
    check(page, "geblokkeerd")
    page.goto(review["base"] + "/")
    log_in(page, review, "slot")
    expect(page.get_by_role("heading", name="Account tijdelijk geblokkeerd")).to_be_visible()
