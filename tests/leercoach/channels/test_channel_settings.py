"""Channel settings with a real `rasa run`: absent → channel not started; incomplete → no start."""

from __future__ import annotations

import secrets

import pytest

from leercoach.run.model import LaunchError
from leercoach.run.servers import Servers
from tests.leercoach.channels.conftest import get_status, post, start_rasa
from tests.support import free_port, sqlite_endpoints

pytestmark = pytest.mark.servers


def test_without_settings_slack_and_teams_are_not_started_and_the_widget_works(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    sqlite_endpoints(endpoints, free_port(), tmp_path / "conversations.db")
    port = free_port()
    servers = Servers(log_dir=tmp_path)
    try:
        rasa = start_rasa(
            servers, "rasa-first-run", endpoints, port, {"LEERCOACH_PSEUDONYM_KEY": secrets.token_hex(32)}
        )
        servers.wait_until_up(rasa, f"http://127.0.0.1:{port}/webhooks/rest/", timeout=420)
        for webhook in ("slack", "botframework"):
            assert (
                post(
                    f"http://127.0.0.1:{port}/webhooks/{webhook}/webhook",
                    b"{}",
                    {"Content-Type": "application/json"},
                )[0]
                == 404
            )
            assert get_status(f"http://127.0.0.1:{port}/webhooks/{webhook}/") == 404
    finally:
        servers.stop_all()
    assert "not configured, channel not started" in rasa.log.read_text()


@pytest.mark.parametrize(
    "given, message",
    [
        (
            {"LEERCOACH_SLACK_BOT_TOKEN": "xoxb-1"},
            "Slack is configured only in part: signing_secret is empty",
        ),
        (
            {"LEERCOACH_TEAMS_APP_ID": "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"},
            "Teams is configured only in part: app_password, tenant_id are empty",
        ),
    ],
)
def test_incomplete_settings_stop_start_up_with_a_clear_message(tmp_path, given, message):
    endpoints = tmp_path / "endpoints.yml"
    sqlite_endpoints(endpoints, free_port(), tmp_path / "conversations.db")
    port = free_port()
    servers = Servers(log_dir=tmp_path)
    try:
        rasa = start_rasa(
            servers,
            "rasa-incomplete",
            endpoints,
            port,
            {"LEERCOACH_PSEUDONYM_KEY": secrets.token_hex(32), **given},
        )
        with pytest.raises(LaunchError):
            servers.wait_until_up(rasa, f"http://127.0.0.1:{port}/", timeout=300)
    finally:
        servers.stop_all()
    assert rasa.process.returncode != 0
    assert message in rasa.log.read_text()
