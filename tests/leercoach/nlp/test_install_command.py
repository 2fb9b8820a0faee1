"""`python -m leercoach.nlp.install`: fallbacks and failures as a user meets them.

None of these tests trains or changes the installed pipeline.
"""

import http.server
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from leercoach.nlp import install, settings, standin
from leercoach.nlp.installed import find_installed

REPO_ROOT = Path(__file__).resolve().parents[3]


def run_installer(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != settings.ENV_WHEEL}
    env.update(env_overrides)
    env["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "leercoach.nlp.install", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_treebanks_and_no_wheel_fail_with_one_clear_line(tmp_path):
    result = run_installer(
        "--force",
        "--no-download",
        LEERCOACH_UD_DUTCH_DIR=str(tmp_path / "no-ud-here"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    assert result.returncode == 1
    [message] = result.stderr.strip().splitlines()
    assert "no-ud-here" in message and "LEERCOACH_UD_DUTCH_DIR" in message


def test_a_given_wheel_that_does_not_exist_fails_clearly(tmp_path):
    missing = tmp_path / "nl_core_news_sm-3.4.0-py3-none-any.whl"
    result = run_installer(
        "--force", LEERCOACH_SPACY_WHEEL=str(missing), XDG_CACHE_HOME=str(tmp_path / "cache")
    )
    assert result.returncode == 1
    [message] = result.stderr.strip().splitlines()
    assert str(missing) in message and "no such file" in message


def test_unreachable_official_wheel_gives_none_quickly(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    # Port 9 (discard) on loopback: nothing listens, the connection is refused.
    monkeypatch.setattr(
        settings, "OFFICIAL_WHEEL_URL", "http://127.0.0.1:9/nl_core_news_sm-3.4.0-py3-none-any.whl"
    )
    started = time.monotonic()
    assert install.fetch_official_wheel() is None
    assert time.monotonic() - started < settings.DOWNLOAD_TIMEOUT_SECONDS + 2
    assert list(install.official_wheel_cache().iterdir()) == []


def test_a_web_page_instead_of_the_wheel_is_not_installed(tmp_path, monkeypatch):
    """A proxy or captive portal may answer 200 with HTML."""

    class PortalPage(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<html>Log in to the intranet first</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), PortalPage)
    threading.Thread(target=server.handle_request, daemon=True).start()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(
        settings,
        "OFFICIAL_WHEEL_URL",
        f"http://127.0.0.1:{server.server_port}/nl_core_news_sm-3.4.0-py3-none-any.whl",
    )
    try:
        assert install.fetch_official_wheel() is None
    finally:
        server.server_close()
    assert list(install.official_wheel_cache().iterdir()) == []


def test_second_install_does_nothing_when_the_pipeline_is_current():
    installed = find_installed()
    if installed is None:
        pytest.fail("nl_core_news_sm is not installed: run `python -m leercoach.nlp.install`")
    ud_dir = settings.ud_dutch_dir()
    stale = installed.is_standin and not standin.missing_data_files(ud_dir)
    if stale and installed.cache_key != standin.current_cache_key(ud_dir):
        pytest.fail("the installed stand-in is outdated: run `python -m leercoach.nlp.install`")
    started = time.monotonic()
    result = run_installer()
    assert result.returncode == 0, result.stderr
    assert "nothing to do" in result.stdout or "keeping it" in result.stdout
    assert time.monotonic() - started < 10
