"""Helpers for the tests that talk to real servers."""

import json
import socket
import urllib.request
from typing import List


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Nothing listens on the port (connections closing in TIME_WAIT don't count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def say(rasa_port: int, sender: str, message: str) -> List[dict]:
    """One message over Rasa's REST channel, as the widget sends it; the bot's replies."""
    request = urllib.request.Request(
        f"http://localhost:{rasa_port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)
