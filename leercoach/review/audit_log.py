"""The review app's entries in the project's one audit log (leercoach.privacy.audit, table
leercoach_audit in the tracker store's database): who did what, when, to which conversation."""

from __future__ import annotations

from typing import Optional

from leercoach.privacy import audit
from leercoach.review import tracker

# What the Audit page calls each action.
ACTIONS = {
    "login": "ingelogd",
    "logout": "uitgelogd",
    "login_failed": "inloggen mislukt",
    "lockout": "geblokkeerd",
    "transcript_view": "gesprek bekeken",
    "export": "export",
    "erasure": "gesprek gewist",
    "purge": "bewaartermijn",
    "handoff_done": "hulpvraag afgehandeld",
    "user_added": "gebruiker toegevoegd",
    "role_changed": "rol gewijzigd",
    "user_disabled": "toegang ingetrokken",
    "user_enabled": "toegang hersteld",
}


def record(
    action: str, *, actor: str, conversation: Optional[str] = None, count: int = 0, detail: str = ""
) -> None:
    audit.record(tracker.engine(), action, actor=actor, conversation=conversation, count=count, detail=detail)


def entries(action: Optional[str] = None, limit: int = 100, offset: int = 0):
    return audit.entries(tracker.engine(), action=action or None, limit=limit, offset=offset)
