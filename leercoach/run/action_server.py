"""The action server as every set-up starts it: rasa-sdk's own server with two changes.

- **Only the Rasa servers may call it.** Every request but the health check must carry the shared
  secret (``LEERCOACH_ACTION_SECRET``) in the ``X-Leercoach-Action-Secret`` header, which the Rasa
  servers send with every action call (leercoach.dialogue.action_calls). Anything else is
  refused with 401 before an action runs or the body is read; the refusal is logged without the
  body. Without a secret of at least 32 characters the server does not start.
- **A failed action leaves nothing personal behind.** rasa-sdk answers an exception with 500
  and the whole request in the body (the last turns, the slots, the latest message and its
  metadata), which the Rasa server then logs; here the answer is a bare 500 and the log line
  names the exception's type and where it happened, never its message (it may quote a value).
  The Rasa server gives the user the friendly Dutch line (leercoach.dialogue.action_calls).

``python -m leercoach.run.action_server --actions actions --host 127.0.0.1 --port 5055`` (`make run`
and `make cluster` start it like this; in Kubernetes ``--host 0.0.0.0``). The other options are
rasa-sdk's (``rasa run actions --help``).
"""

from __future__ import annotations

import hmac
import logging
import re
import sys
import traceback
from typing import Any, Optional

from rasa_sdk import endpoint, utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

from leercoach import settings

logger = logging.getLogger(__name__)

# The probes of make run, nginx and Kubernetes; it says "ok" and nothing else.
OPEN_PATHS = frozenset({"/health"})
_ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]{0,79}$")


def authorised(given: Optional[str], secret: str) -> bool:
    """Whether a request's header value is the secret, in constant time. Sanic keeps a header's
    raw bytes (surrogate-escaped), so any bytes compare, none raise."""
    if not given or not secret:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), secret.encode("utf-8"))


def require_secret(app: Sanic, secret: str) -> None:
    """Refuses every request without the secret before any handler (an action) runs."""

    @app.on_request
    async def check_secret(request: Request) -> Optional[response.HTTPResponse]:
        if request.path in OPEN_PATHS or authorised(
            request.headers.get(settings.ACTION_SECRET_HEADER), secret
        ):
            return None
        logger.warning(
            "Refused a call to %s from %s: no or the wrong %s header.",
            request.path,
            request.ip,
            settings.ACTION_SECRET_HEADER,
        )
        return response.json({"error": "unauthorized"}, status=401)


def _action_name(request: Request) -> str:
    """The action the call named, when it looks like one of the domain's names (else '?')."""
    try:
        name = (request.json or {}).get("next_action")
    except Exception:
        return "?"
    return name if isinstance(name, str) and _ACTION_NAME.match(name) else "?"


def answer_failures_plainly(app: Sanic) -> None:
    """Replaces rasa-sdk's exception handler, which returns the request body with the 500."""

    async def failed(request: Request, exception: Exception) -> response.HTTPResponse:
        if isinstance(exception, SanicException):  # no such route or method, unreadable body
            return response.json({"error": exception.__class__.__name__}, status=exception.status_code)
        # Type and frames only: an exception's message can quote the text, a slot or the contact.
        logger.error(
            "Action %s failed: %s\n%s",
            _action_name(request),
            type(exception).__name__,
            "".join(traceback.format_tb(exception.__traceback__)).rstrip(),
        )
        return response.json({"error": "the action failed"}, status=500)

    app.error_handler.add(Exception, failed)


def create_app(actions: Any, secret: str, cors_origins: Any = None, auto_reload: bool = False) -> Sanic:
    """rasa-sdk's app for the ``actions`` package, guarded by ``secret``. No CORS unless asked
    (``--cors``): only the Rasa servers call it, never a browser."""
    app = endpoint.create_app(actions, cors_origins=cors_origins, auto_reload=auto_reload)
    answer_failures_plainly(app)
    require_secret(app, secret)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)  # as rasa-sdk's own run does
    return app


def _parser():
    parser = endpoint.create_argument_parser()
    parser.prog = "python -m leercoach.run.action_server"
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 in a container)",
    )
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        secret = settings.require_action_secret()
    except ValueError as problem:
        print(f"leercoach: {problem}", file=sys.stderr)
        return 1
    # rasa-sdk's own logging set-up (rasa_sdk.__main__.main_from_args).
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    app = create_app(args.actions or "actions", secret, args.cors, args.auto_reload)
    ssl = endpoint.create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    logger.info("Action server on %s://%s:%s", "https" if ssl else "http", args.host, args.port)
    app.run(args.host, args.port, ssl=ssl, workers=utils.number_of_sanic_workers())
    return 0


if __name__ == "__main__":
    sys.exit(main())
