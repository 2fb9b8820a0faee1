"""What the chat widget and the server say to each other, defined once.

The Python side (actions, channels, the tracker store) imports these names; the widget gets the
same values from the widget server, which writes ``browser_protocol()`` into the script it serves
(leercoach.widget.server), so leercoach-widget.js holds no copy of them.

Leercoach's own custom payloads carry their kind under ``PAYLOAD_KEY``: a mapping with a ``type``
(the plan, the hulpvraag form, the feedback offer and its receipt) or, for the privacy actions, a
plain mark (the conversation was erased; here is its export).
"""

from __future__ import annotations

# A channel that does not know this key can drop the custom message.
PAYLOAD_KEY = "leercoach"

PLAN = "plan"
HANDOFF_FORM = "handoff_form"
FEEDBACK_OFFER = "feedback_offer"
FEEDBACK_RECEIVED = "feedback_received"
CONVERSATION_ERASED = "conversation_erased"
CONVERSATION_EXPORT = "conversation_export"

# The intranet widget's input channel (leercoach.channels.rest.RestInput.name()): the only one
# that shows buttons for feedback, the hulpvraag form and a download.
WIDGET_CHANNEL = "rest"

# The hulpvraag form sends the contact with this payload, under these two metadata keys (and no
# others); the REST channel drops metadata longer than HANDOFF_METADATA_MAX_CHARS unread.
HANDOFF_PAYLOAD = "/handoff_contact"
HANDOFF_CANCEL_PAYLOAD = "/deny"
HANDOFF_CONTACT_KEY = "handoff_contact"
HANDOFF_CONSENT_KEY = "handoff_consent"
HANDOFF_METADATA_MAX_CHARS = 400


def browser_protocol() -> dict:
    """The values the widget's script needs, as it reads them (the server sends them with it)."""
    from leercoach.handoff.contact import CONTACT_MIN_CHARS
    from leercoach.handoff.store import CONTACT_MAX_CHARS

    return {
        "payloadKey": PAYLOAD_KEY,
        "kinds": {
            "plan": PLAN,
            "handoffForm": HANDOFF_FORM,
            "feedbackOffer": FEEDBACK_OFFER,
            "feedbackReceived": FEEDBACK_RECEIVED,
            "conversationErased": CONVERSATION_ERASED,
            "conversationExport": CONVERSATION_EXPORT,
        },
        "handoff": {
            "contactKey": HANDOFF_CONTACT_KEY,
            "consentKey": HANDOFF_CONSENT_KEY,
            "contactMinChars": CONTACT_MIN_CHARS,
            "contactMaxChars": CONTACT_MAX_CHARS,
            "metadataMaxChars": HANDOFF_METADATA_MAX_CHARS,
        },
    }
