"""A round-robin reverse proxy, standing in for nginx in front of several Rasa servers.

It sends each message to the next server in turn, with no session affinity, and remembers
which server answered which request, so a test can see one conversation cross servers.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import List, Tuple
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "content-length"}


@dataclass
class Forwarded:
    backend: int
    method: str
    path: str
    sender: str | None


@dataclass
class RoundRobin:
    backends: List[Tuple[str, int]]
    log: List[Forwarded] = field(default_factory=list)
    _next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self, method: str) -> int:
        # Messages (POST) take turns; a CORS preflight goes to the first server, so that the
        # preflights in between do not line every message up on the same server.
        if method != "POST":
            return 0
        with self._lock:
            chosen = self._next
            self._next = (self._next + 1) % len(self.backends)
            return chosen


def start(backend_urls: List[str]) -> Tuple[ThreadingHTTPServer, RoundRobin]:
    """Starts the proxy on a free local port; returns the server and its routing log."""
    backends = [(urlsplit(u).hostname, urlsplit(u).port) for u in backend_urls]
    balancer = RoundRobin(backends)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            index = balancer.pick(self.command)
            host, port = balancer.backends[index]
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"host"}}
            connection = http.client.HTTPConnection(host, port, timeout=60)
            try:
                connection.request(self.command, self.path, body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
            finally:
                connection.close()
            sender = None
            if body and self.command == "POST":
                with contextlib.suppress(ValueError, AttributeError):
                    sender = json.loads(body).get("sender")
            balancer.log.append(Forwarded(index, self.command, self.path, sender))
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_OPTIONS = _forward

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, balancer
