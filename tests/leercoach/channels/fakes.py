"""Local stand-ins for Slack's Web API and Microsoft's Bot Framework services, started by the tests.

They answer as the real services document and capture what the channels send, so a test can
read the conversation exactly as the platform received it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

Answer = Tuple[int, Dict[str, Any]]


class FakeService:
    """A small HTTP server on a free port; ``handle`` answers each request and records it."""

    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.changed = threading.Condition()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                record = {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": body,
                    "at": time.time(),
                }
                status, answer = service.handle(record)
                with service.changed:
                    service.requests.append(record)
                    service.changed.notify_all()
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, record: Dict[str, Any]) -> Answer:
        raise NotImplementedError

    def wait_for(self, condition: Callable[[], Any], timeout: float = 60) -> Any:
        """Waits until ``condition()`` is truthy (the bot answers after the HTTP reply)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not (result := condition()):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("the fake received nothing matching in time")
                self.changed.wait(min(left, 0.5))
        return result

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---- Slack -----------------------------------------------------------------------------------


class FakeSlackApi(FakeService):
    """Slack's Web API: chat.postMessage, captured per channel."""

    BOT_TOKEN = "xoxb-test-token"
    SIGNING_SECRET = "test-signing-secret"

    def handle(self, record: Dict[str, Any]) -> Answer:
        if record["path"] != "/chat.postMessage":
            return 404, {"ok": False, "error": "unknown_method"}
        if record["headers"].get("Authorization") != f"Bearer {self.BOT_TOKEN}":
            return 200, {"ok": False, "error": "invalid_auth"}
        record["json"] = json.loads(record["body"])
        return 200, {"ok": True, "channel": record["json"].get("channel"), "ts": f"{time.time():.6f}"}

    def posts(self, channel: str) -> List[Dict[str, Any]]:
        return [r["json"] for r in list(self.requests) if r.get("json", {}).get("channel") == channel]

    def wait_for_posts(self, channel: str, after: int, settle: float = 1.5) -> List[Dict[str, Any]]:
        """The posts to ``channel`` after the first ``after``, once the bot has stopped posting."""
        self.wait_for(lambda: len(self.posts(channel)) > after)
        count = -1
        while count != len(self.posts(channel)):  # a turn may post several messages
            count = len(self.posts(channel))
            time.sleep(settle)
        return self.posts(channel)[after:]


def slack_signature(body: bytes, timestamp: int, secret: str = FakeSlackApi.SIGNING_SECRET) -> str:
    basestring = f"v0:{timestamp}:".encode() + body
    return "v0=" + hmac.new(secret.encode(), basestring, hashlib.sha256).hexdigest()


# ---- Microsoft: OpenID metadata + keys, token endpoint, Bot Connector -----------------------

ISSUER = "https://api.botframework.com"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class FakeMicrosoft(FakeService):
    """Bot Framework's OpenID metadata and keys, the Entra token endpoint and a Teams connector."""

    APP_ID = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
    APP_PASSWORD = "test-app-secret"
    TENANT_ID = "8d2e1f3a-4b5c-4d6e-9f70-1a2b3c4d5e6f"

    def __init__(self) -> None:
        self.signing_keys: Dict[str, rsa.RSAPrivateKey] = {"key-1": new_rsa_key()}
        self.published: List[str] = ["key-1"]
        self.token_lifetimes: List[int] = []  # expires_in per token fetch; 3600 when empty
        self.issued_tokens: List[str] = []
        self.keys_status = 200  # another status: the key endpoint fails (an outage)
        super().__init__()

    @property
    def service_url(self) -> str:
        return f"{self.url}/teams/"

    def handle(self, record: Dict[str, Any]) -> Answer:
        path = record["path"]
        if path == "/openid":
            return 200, {
                "issuer": ISSUER,
                "jwks_uri": f"{self.url}/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        if path == "/keys" and self.keys_status != 200:
            return self.keys_status, {"error": "unavailable"}
        if path == "/keys":
            keys = []
            for kid in self.published:
                jwk = json.loads(RSAAlgorithm.to_jwk(self.signing_keys[kid].public_key()))
                keys.append({**jwk, "kid": kid, "use": "sig", "endorsements": ["msteams", "emulator"]})
            return 200, {"keys": keys}
        if path == f"/{self.TENANT_ID}/oauth2/v2.0/token":
            record["form"] = {k: v[0] for k, v in parse_qs(record["body"].decode()).items()}
            form = record["form"]
            if form.get("client_id") != self.APP_ID or form.get("client_secret") != self.APP_PASSWORD:
                return 401, {"error": "invalid_client"}
            token = f"bot-token-{len(self.issued_tokens) + 1}"
            self.issued_tokens.append(token)
            lifetime = self.token_lifetimes.pop(0) if self.token_lifetimes else 3600
            return 200, {"token_type": "Bearer", "expires_in": lifetime, "access_token": token}
        if path.startswith("/teams/v3/conversations/"):
            record["json"] = json.loads(record["body"])
            return 200, {"id": uuid.uuid4().hex}
        return 404, {"error": "not found"}

    def requests_to(self, prefix: str) -> List[Dict[str, Any]]:
        return [r for r in list(self.requests) if r["path"].startswith(prefix)]

    def activities(self, conversation_id: str) -> List[Dict[str, Any]]:
        return [
            r["json"]
            for r in self.requests_to("/teams/v3/conversations/")
            if r["json"]["conversation"]["id"] == conversation_id
        ]

    def wait_for_activities(
        self, conversation_id: str, after: int, settle: float = 1.5
    ) -> List[Dict[str, Any]]:
        self.wait_for(lambda: len(self.activities(conversation_id)) > after)
        count = -1
        while count != len(self.activities(conversation_id)):
            count = len(self.activities(conversation_id))
            time.sleep(settle)
        return self.activities(conversation_id)[after:]

    def token(
        self,
        service_url: Optional[str] = None,
        *,
        kid: str = "key-1",
        key: Optional[rsa.RSAPrivateKey] = None,
        algorithm: str = "RS256",
        secret: Optional[str] = None,
        **claims: Any,
    ) -> str:
        """A Bot Connector token as Microsoft signs it; keyword arguments change or drop (None) claims."""
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": self.APP_ID,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "serviceUrl": service_url or self.service_url,
        }
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        if algorithm == "HS256":
            return jwt.encode(body, secret or self.APP_PASSWORD, algorithm="HS256", headers={"kid": kid})
        return jwt.encode(body, key or self.signing_keys[kid], algorithm=algorithm, headers={"kid": kid})
