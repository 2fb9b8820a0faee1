"""What counts as a contact HR can use: an e-mail address or a phone number, perhaps with a name.

The privacy package's own redaction decides whether the text holds an e-mail address or a phone
number (one recogniser for the whole project); this module only adds the limits of the column and
refuses anything that could be markup or a control character.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Optional

from leercoach.handoff.store import CONTACT_MAX_CHARS
from leercoach.privacy.redaction import redact
from leercoach.widget import protocol

# The metadata keys the widget sends with the payload /handoff_contact (and nothing else).
METADATA_CONTACT = protocol.HANDOFF_CONTACT_KEY
METADATA_CONSENT = protocol.HANDOFF_CONSENT_KEY
CONTACT_MIN_CHARS = 5
# Letters (any script), digits, spaces and what e-mail addresses, phone numbers and names use.
_ALLOWED = re.compile(r"^[\w .,@+\-()'/:]+$")
_USABLE_KINDS = {"E-MAIL", "TELEFOON"}


def clean(value: Any) -> Optional[str]:
    """The contact as it will be stored, or None when it is no contact HR could use."""
    if not isinstance(value, str):
        return None
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not CONTACT_MIN_CHARS <= len(text) <= CONTACT_MAX_CHARS:
        return None
    if not _ALLOWED.match(text) or any(unicodedata.category(c).startswith("C") for c in text):
        return None
    if not _USABLE_KINDS & set(redact(text).kinds):
        return None
    return text


def from_metadata(metadata: Any) -> Optional[str]:
    """The cleaned contact from a message's metadata, only when the employee also gave consent."""
    if not isinstance(metadata, dict) or metadata.get(METADATA_CONSENT) is not True:
        return None
    return clean(metadata.get(METADATA_CONTACT))
