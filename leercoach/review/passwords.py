"""Django's password checks (settings.AUTH_PASSWORD_VALIDATORS) with the reasons in Dutch."""

from __future__ import annotations

from typing import List

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from leercoach.review.texts import text

_KNOWN = {"password_too_short", "password_too_common", "password_entirely_numeric", "password_too_similar"}


def problems(password: str, user) -> List[str]:
    """Why this password is refused (empty when it is fine)."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as refused:
        return list(
            dict.fromkeys(
                text(e.code if e.code in _KNOWN else "password_invalid") for e in refused.error_list
            )
        )
    return []
