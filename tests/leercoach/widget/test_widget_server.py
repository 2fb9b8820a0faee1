"""The demo/static server of the chat widget (python -m leercoach.widget.server)."""

import html
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from leercoach import content
from leercoach.settings import PROJECT_ROOT
from leercoach.widget.server import DemoSite, make_server, text_to_html


@pytest.fixture
def site_url(monkeypatch):
    # A contact with characters that must be escaped, to see the settings reach the page safely.
    monkeypatch.setenv("LEERCOACH_HR_CONTACT", "Team HR <hr@noordhaven.example>")
    monkeypatch.setenv("LEERCOACH_RETENTION_DAYS", "90")
    server = make_server("127.0.0.1", 0, DemoSite("http://localhost:5005/"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


def test_demo_page_embeds_the_widget_with_one_script_tag(site_url):
    status, _headers, page = get(site_url + "/")
    assert status == 200
    assert page.count("<script") == 1
    assert 'src="/widget/leercoach-widget.js"' in page
    assert 'data-server="http://localhost:5005"' in page
    assert 'data-privacy-url="/privacy"' in page
    # The short privacy notice from the content files, as an attribute value.
    assert f'data-privacy-text="{html.escape(content.privacy_text("short"), quote=True)}"' in page


def test_demo_page_only_lets_the_widget_talk_to_rasa(site_url):
    _, headers, _ = get(site_url + "/")
    policy = headers["Content-Security-Policy"]
    assert "connect-src 'self' http://localhost:5005;" in policy
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy


def test_privacy_page_shows_the_full_text_with_the_configured_values(site_url):
    status, _, page = get(site_url + "/privacy")
    assert status == 200
    assert "90 dagen na je laatste bericht" in page
    assert "Team HR &lt;hr@noordhaven.example&gt;" in page
    assert "<h2>Wat bewaren we?</h2>" in page
    assert "{" not in page, "no placeholder is left unfilled"


@pytest.mark.parametrize(
    "path,content_type",
    [("/widget/leercoach-widget.js", "text/javascript"), ("/widget/leercoach-widget.css", "text/css")],
)
def test_widget_files_are_served_with_their_type(site_url, path, content_type):
    status, headers, body = get(site_url + path)
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Leercoach" in body


@pytest.mark.parametrize(
    "path",
    ["/server.py", "/widget/../server.py", "/widget/", "/static/leercoach-widget.js", "/%2e%2e/pytest.ini"],
)
def test_nothing_but_the_known_routes_is_served(site_url, path):
    status, _, body = get(site_url + path)
    assert status == 404
    assert "import" not in body


def test_text_to_html_escapes_everything_but_bold():
    html = text_to_html("**Kop**\nEen <script>x</script> en **vet**.\n\nTweede alinea")
    assert html == (
        "<h2>Kop</h2>\n<p>Een &lt;script&gt;x&lt;/script&gt; en <strong>vet</strong>.</p>\n"
        "<p>Tweede alinea</p>"
    )


def test_a_port_in_use_gives_one_clear_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "leercoach.widget.server", "--port", str(port)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"leercoach-widget: poort {port} is al in gebruik; stop wat daar draait of kies een andere poort met --port."
    ]


def test_a_rasa_url_that_is_not_http_is_refused():
    result = subprocess.run(
        [sys.executable, "-m", "leercoach.widget.server", "--port", "0", "--rasa-url", "localhost:5005"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--rasa-url" in result.stderr and "Traceback" not in result.stderr
