"""Who Leercoach talks with: an employee or a manager, from what they say."""

from __future__ import annotations

from typing import Optional

from leercoach import content
from leercoach.answering.words import has_phrase

EMPLOYEE = "employee"
MANAGER = "manager"


def audience_in(text: str) -> Optional[str]:
    """ "manager" or "employee" when the message says so (content/signals.yml), else None."""
    phrases = content.signals()["audience"]
    # "ik ben geen leidinggevende" contains "leidinggevende": the employee phrases go first.
    if has_phrase(text, phrases["employee"]):
        return EMPLOYEE
    if has_phrase(text, phrases["manager"]):
        return MANAGER
    return None


def has_manager_version(key: Optional[str]) -> bool:
    """Whether the answer to this topic differs for managers (answers.yml ``manager:``)."""
    answers = content.load_answers()["answers"]
    return bool(key) and "manager" in answers.get(key, {})
