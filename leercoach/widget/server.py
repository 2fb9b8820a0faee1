"""The widget's files, a demo intranet page and the privacy page, on a small local web server.

    python -m leercoach.widget.server --port 8080 --rasa-url http://localhost:5005

Routes: ``/`` the demo intranet page with the widget on it, ``/privacy`` the full privacy
notice, ``/widget/leercoach-widget.js`` and ``/widget/leercoach-widget.css`` the widget itself
(any intranet page can embed it from here with one script tag). The script is served with the
protocol (leercoach.widget.protocol) and its default texts from the content files written in,
so it holds no copy of either. Nothing else is served: the
routes map to fixed files, so no path in a request can reach another file.

The Dutch texts come from the content files (``leercoach.content``); the page templates in
``demo/`` hold only the demo intranet's own wording.
"""

from __future__ import annotations

import argparse
import errno
import html
import json
import re
import sys
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from typing import Dict, Optional, Tuple
from urllib.parse import urlsplit

WIDGET_DIR = Path(__file__).resolve().parent
STATIC_DIR = WIDGET_DIR / "static"
DEMO_DIR = WIDGET_DIR / "demo"

SCRIPT_PATH = "/widget/leercoach-widget.js"
SCRIPT_FILE = STATIC_DIR / "leercoach-widget.js"
STATIC_FILES: Dict[str, Tuple[Path, str]] = {
    "/widget/leercoach-widget.css": (STATIC_DIR / "leercoach-widget.css", "text/css; charset=utf-8"),
    "/demo.css": (DEMO_DIR / "demo.css", "text/css; charset=utf-8"),
}


@dataclass(frozen=True)
class PrivacyTexts:
    short: str
    full: str


def privacy_texts() -> PrivacyTexts:
    """The short notice (shown in the widget) and the full text, filled from the settings."""
    from leercoach import content, settings

    values = settings.text_values()
    return PrivacyTexts(content.privacy_text("short", **values), content.privacy_text("full", **values))


def welcome_text() -> str:
    """The one greeting of the first screen: the bot's own greeting (answers.yml greet)."""
    from leercoach import content

    return " ".join(content.answer("greet")["text"].split())


def widget_defaults() -> dict:
    """What the widget's script is served with (its ``SERVED``): the protocol it shares with the
    server and its default texts from the content files. A page's data-lang-* still overrides them."""
    from leercoach import content
    from leercoach.widget.protocol import browser_protocol

    strings = {**content.widget_texts(), "welcome": welcome_text(), "privacyText": privacy_texts().short}
    return {"protocol": browser_protocol(), "strings": strings}


SERVED_LINE = "  var SERVED = {};\n"


def served_script(source: str, defaults: dict) -> str:
    """The widget's script with ``defaults`` written into its SERVED line, safe inside a page
    (no "</script>", no line separators)."""
    if source.count(SERVED_LINE) != 1:
        raise ValueError("leercoach-widget.js has no single 'var SERVED = {};' line to fill in")
    literal = json.dumps(defaults, ensure_ascii=True).replace("<", "\\u003c")
    return source.replace(SERVED_LINE, f"  var SERVED = {literal};\n")


def starter_buttons() -> list:
    """The buttons under the greeting: the same main topics the bot offers after a greeting."""
    from leercoach.answering import main_topic_buttons

    return [{"title": b["title"], "payload": b["payload"]} for b in main_topic_buttons()]


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL: what the browser's Content-Security-Policy needs."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def text_to_html(text: str) -> str:
    """The privacy text (blank-line paragraphs, **bold**) as HTML, every character escaped.

    A paragraph whose first line is wholly bold becomes a heading, the rest of it a paragraph.
    """
    blocks = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = paragraph.strip().splitlines()
        heading = re.fullmatch(r"\*\*(.+)\*\*", lines[0].strip()) if lines else None
        if heading:
            blocks.append(f"<h2>{html.escape(heading.group(1))}</h2>")
            lines = lines[1:]
        if lines:
            body = "<br>\n".join(
                _BOLD.sub(r"<strong>\1</strong>", html.escape(line.strip())) for line in lines
            )
            blocks.append(f"<p>{body}</p>")
    return "\n".join(blocks)


class DemoSite:
    """The pages, rendered once at start-up: the texts do not change while the server runs."""

    def __init__(self, rasa_url: str, title: str = "Leercoach") -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.rasa_origin = origin_of(self.rasa_url)
        texts = privacy_texts()
        self.script_defaults = widget_defaults()
        attr = partial(html.escape, quote=True)
        self.pages: Dict[str, bytes] = {
            "/": self._render(
                "index.html",
                rasa_url=attr(self.rasa_url),
                title=attr(title),
                privacy_short=attr(texts.short),
                welcome=attr(welcome_text()),
                starters=attr(json.dumps(starter_buttons(), ensure_ascii=False)),
            ),
            "/privacy": self._render("privacy.html", privacy_html=text_to_html(texts.full)),
        }

    @staticmethod
    def _render(name: str, **values: str) -> bytes:
        template = Template((DEMO_DIR / name).read_text(encoding="utf-8"))
        return template.substitute(values).encode("utf-8")

    def content_security_policy(self) -> str:
        # The demo page runs no inline script or style at all; the widget may only talk to Rasa.
        return (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {self.rasa_origin}; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'; object-src 'none'"
        )

    def lookup(self, path: str) -> Optional[Tuple[bytes, str]]:
        if path in self.pages:
            return self.pages[path], "text/html; charset=utf-8"
        if path == SCRIPT_PATH:  # read per request: edits show on reload
            script = served_script(SCRIPT_FILE.read_text(encoding="utf-8"), self.script_defaults)
            return script.encode("utf-8"), "text/javascript; charset=utf-8"
        if path in STATIC_FILES:
            file, content_type = STATIC_FILES[path]
            return file.read_bytes(), content_type  # read per request: edits show on reload
        return None


class Handler(BaseHTTPRequestHandler):
    site: DemoSite  # set on the subclass made in make_server
    server_version = "LeercoachWidget"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, send_body: bool) -> None:
        path = urlsplit(self.path).path
        if path != "/" and path.endswith("/"):
            path = path.rstrip("/")
        found = self.site.lookup(path)
        if found is None:
            body, content_type, status = (
                b"Niet gevonden.\n",
                "text/plain; charset=utf-8",
                HTTPStatus.NOT_FOUND,
            )
        else:
            (body, content_type), status = found, HTTPStatus.OK
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "same-origin")
        if content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", self.site.content_security_policy())
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        # One short line per request, without the client address.
        sys.stderr.write(f"{self.log_date_time_string()} {format % args}\n")


def make_server(host: str, port: int, site: DemoSite) -> ThreadingHTTPServer:
    handler = type("SiteHandler", (Handler,), {"site": site})
    return ThreadingHTTPServer((host, port), handler)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m leercoach.widget.server",
        description="Serves the Leercoach chat widget, a demo intranet page and the privacy page.",
    )
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default 8080)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--rasa-url",
        default="http://localhost:5005",
        help="the Rasa server the widget talks to, as the browser reaches it (default http://localhost:5005)",
    )
    parser.add_argument("--title", default="Leercoach", help="the widget's title (default Leercoach)")
    args = parser.parse_args(argv)

    try:
        site = DemoSite(args.rasa_url, args.title)
    except ValueError as problem:
        print(f"leercoach-widget: --rasa-url: {problem}", file=sys.stderr)
        return 2
    try:
        server = make_server(args.host, args.port, site)
    except OSError as problem:
        if problem.errno == errno.EADDRINUSE:
            print(
                f"leercoach-widget: poort {args.port} is al in gebruik; stop wat daar draait "
                f"of kies een andere poort met --port.",
                file=sys.stderr,
            )
        else:
            print(
                f"leercoach-widget: kan niet luisteren op {args.host}:{args.port}: {problem.strerror}",
                file=sys.stderr,
            )
        return 1

    shown_host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0", "::") else args.host
    print(f"Intranetdemo met de Leercoach-widget: http://{shown_host}:{args.port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
