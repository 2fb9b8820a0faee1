"""One action server and one Rasa server with the Slack and Teams channels, for the channel tests.

The Rasa server runs with ``--debug`` (the most it ever logs) against local fakes of Slack's
Web API and Microsoft's services, with a throwaway SQLite tracker store; its log and the store
are what the pseudonym tests search for raw platform ids. The fakes' captures are written to
``reports/channels/`` as transcripts.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, Optional, Tuple

import pytest

from leercoach.run.model import model_path
from leercoach.run.servers import Servers
from leercoach.settings import PROJECT_ROOT
from tests.leercoach.channels.fakes import FakeMicrosoft, FakeSlackApi
from tests.support import free_port, rasa_run_command, sqlite_endpoints

REPORTS = PROJECT_ROOT / "reports" / "channels"
SLACK_TEAM, SLACK_APP = "T0LEERC01", "A0LEERC01"


@dataclass
class ChannelServers:
    rasa_url: str
    slack: FakeSlackApi
    microsoft: FakeMicrosoft
    tracker_store: Path
    logs: Path
    pseudonym_key: str
    group: Servers
    endpoints: Path
    env: Dict[str, str]
    second_url: Optional[str] = None

    def second_server(self) -> str:
        """Another Rasa server on the same tracker store (as behind a load balancer), started once."""
        if self.second_url is None:
            port = free_port()
            rasa = start_rasa(self.group, "rasa-2", self.endpoints, port, self.env, debug=True)
            self.group.wait_until_up(rasa, f"http://127.0.0.1:{port}/webhooks/slack/", timeout=420)
            self.second_url = f"http://127.0.0.1:{port}"
        return self.second_url


def start_rasa(
    servers: Servers, name: str, endpoints: Path, port: int, env: Dict[str, str], debug: bool = False
):
    model = model_path()
    if not model.exists():
        pytest.fail("no model for the current data: run `make train` first (make test does)")
    command = rasa_run_command(model, endpoints, port, *(["--debug"] if debug else []))
    return servers.start(name, command, extra_env=env)


@pytest.fixture(scope="session")
def channel_servers(tmp_path_factory) -> Iterator[ChannelServers]:
    yield from _channel_servers(tmp_path_factory.mktemp("channels"))


@pytest.fixture(scope="session")
def guard_channel_servers(tmp_path_factory) -> Iterator[ChannelServers]:
    """Servers of their own for the guard's tests: they break the store on purpose, and the
    start-up and token tests must see a Microsoft that nobody has asked anything yet."""
    yield from _channel_servers(tmp_path_factory.mktemp("channels-guard"))


def _channel_servers(work: Path) -> Iterator[ChannelServers]:
    slack, microsoft = FakeSlackApi(), FakeMicrosoft()
    action_port, rasa_port = free_port(), free_port()
    endpoints, db = work / "endpoints.yml", work / "conversations.db"
    sqlite_endpoints(endpoints, action_port, db)
    key = secrets.token_hex(32)
    env = {
        "LEERCOACH_PSEUDONYM_KEY": key,
        "LEERCOACH_SLACK_BOT_TOKEN": FakeSlackApi.BOT_TOKEN,
        "LEERCOACH_SLACK_SIGNING_SECRET": FakeSlackApi.SIGNING_SECRET,
        "LEERCOACH_SLACK_API_URL": slack.url,
        "LEERCOACH_SLACK_TEAM_ID": SLACK_TEAM,
        "LEERCOACH_SLACK_APP_ID": SLACK_APP,
        "LEERCOACH_TEAMS_APP_ID": FakeMicrosoft.APP_ID,
        "LEERCOACH_TEAMS_APP_PASSWORD": FakeMicrosoft.APP_PASSWORD,
        "LEERCOACH_TEAMS_TENANT_ID": FakeMicrosoft.TENANT_ID,
        "LEERCOACH_TEAMS_OPENID_METADATA_URL": f"{microsoft.url}/openid",
        "LEERCOACH_TEAMS_LOGIN_URL": microsoft.url,
        "LEERCOACH_TEAMS_ALLOWED_SERVICE_URLS": microsoft.service_url,
    }
    servers = Servers(log_dir=work)
    try:
        actions = servers.start(
            "actions",
            [sys.executable, "-m", "rasa", "run", "actions", "--port", str(action_port)],
            extra_env={**env, "LEERCOACH_ENDPOINTS": str(endpoints)},
        )
        rasa = start_rasa(servers, "rasa", endpoints, rasa_port, env, debug=True)
        servers.wait_until_up(actions, f"http://127.0.0.1:{action_port}/health", timeout=180)
        servers.wait_until_up(rasa, f"http://127.0.0.1:{rasa_port}/webhooks/slack/", timeout=420)
        yield ChannelServers(
            f"http://127.0.0.1:{rasa_port}", slack, microsoft, db, work, key, servers, endpoints, env
        )
    finally:
        servers.stop_all()
        slack.stop()
        microsoft.stop()


def post(url: str, body: bytes, headers: Dict[str, str], timeout: float = 30) -> Tuple[int, bytes, float]:
    """Status, body and seconds taken; an HTTP error status is an answer too."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - started


def get_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def write_transcript(name: str, lines: list) -> Path:
    REPORTS.mkdir(parents=True, exist_ok=True)
    path = REPORTS / name
    path.write_text(json.dumps(lines, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def first_button(message: dict) -> Optional[dict]:
    for block in message.get("blocks") or []:
        if block["type"] == "actions":
            return block["elements"][0]
    return None
