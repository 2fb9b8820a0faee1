"""The REST channel of the intranet widget, at Rasa's own path ``/webhooks/rest/webhook``.

Rasa's ``RestInput`` stores the browser's sender id and the message as they arrive and logs
the text when a turn fails; this one passes both through the privacy boundary first, ignores
channel names and metadata sent by the client, and never logs message text. The one exception
to "ignores metadata": the widget's hulpvraag form sends the contact the employee chose to give HR
with the payload ``/handoff_contact`` as metadata (``handoff_metadata``), so that it bypasses
redaction on purpose; the action reads it in memory and the tracker store drops it unwritten. Replies are
collected and returned in the HTTP response, so they reach the right browser whatever id is
stored.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from leercoach import content, rasa_overrides
from leercoach.channels import guard
from leercoach.handoff.contact import METADATA_CONSENT, METADATA_CONTACT
from leercoach.privacy import boundary
from leercoach.privacy.pseudonym import check_key
from leercoach.widget import protocol

logger = logging.getLogger(__name__)

HANDOFF_PAYLOAD = protocol.HANDOFF_PAYLOAD
# Longer than any contact the store accepts (leercoach.handoff.contact checks the rest).
_METADATA_MAX_CHARS = protocol.HANDOFF_METADATA_MAX_CHARS
JSON = "application/json"


def handoff_metadata(text: Any, metadata: Any) -> Dict[str, Any]:
    """Of the client's metadata only the hulpvraag form's two keys, and only with its payload."""
    if text != HANDOFF_PAYLOAD or not isinstance(metadata, dict):
        return {}
    contact, consent = metadata.get(METADATA_CONTACT), metadata.get(METADATA_CONSENT)
    if not isinstance(contact, str) or len(contact) > _METADATA_MAX_CHARS or not isinstance(consent, bool):
        return {}
    return {METADATA_CONTACT: contact, METADATA_CONSENT: consent}


class RestInput(RasaRestInput):
    @classmethod
    def name(cls) -> str:
        return protocol.WIDGET_CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any]) -> RestInput:
        rasa_overrides.require_installed()  # the guard of the tracker store among them
        check_key()  # no pseudonym key: refuse to start, rather than fail at the first message
        boundary.warm_up()
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("leercoach_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if guard.media_type(request.headers.get("Content-Type")) != JSON:
                # A "simple" cross-site POST (text/plain, no-cors) skips the browser's CORS
                # pre-flight; JSON needs one, and only the allowed origins (--cors) pass it.
                return response.json({"error": f"Content-Type moet {JSON} zijn"}, status=415)
            body = guard.read_body(request.body)  # any bytes: invalid UTF-8 is no reason to fail
            sender = body.get("sender")
            if not isinstance(sender, str) or not sender.strip():
                return response.json({"error": "sender (een tekst) ontbreekt"}, status=400)
            admitted = guard.admit(self.name(), sender, body.get("message"))
            if admitted.incoming is None:
                return response.json([{"recipient_id": sender, "text": admitted.reply}])
            incoming = admitted.incoming
            collector = CollectingOutputChannel()
            metadata = handoff_metadata(incoming.text, body.get("metadata")) or None
            try:
                await on_new_message(
                    UserMessage(
                        incoming.text,
                        collector,
                        incoming.sender_id,
                        input_channel=self.name(),
                        metadata=metadata,
                    )
                )
            except Exception as problem:
                # Frames and type only: an exception's message could quote the text.
                logger.error(
                    "REST turn failed: %s\n%s",
                    type(problem).__name__,
                    "".join(traceback.format_tb(problem.__traceback__)),
                )
                collector.messages.append(
                    {"recipient_id": incoming.sender_id, "text": content.message("server_error")}
                )
            if not collector.messages:  # a failed action or lock: never an empty reply
                collector.messages.append({"recipient_id": incoming.sender_id, "text": guard.failure_text()})
            return response.json(_with_notice(incoming, collector.messages))

        return webhook


def _with_notice(incoming: boundary.Incoming, messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    if incoming.notice is None:
        return messages
    return [{"recipient_id": incoming.sender_id, "text": incoming.notice}, *messages]
