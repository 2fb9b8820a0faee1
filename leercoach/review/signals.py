"""Logins, failed logins and lockouts go to the audit log (leercoach.privacy.audit)."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from leercoach.review import audit_log


def _known_name(username) -> str:
    """The account name if it exists; never what a person typed otherwise (it may be a password)."""
    name = str(username or "")[:150]
    return name if get_user_model().objects.filter(username=name).exists() else "onbekend"


@receiver(user_logged_in)
def _login(sender, request, user, **kwargs) -> None:
    audit_log.record("login", actor=user.username)


@receiver(user_logged_out)
def _logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_log.record("logout", actor=user.username)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    audit_log.record("login_failed", actor=_known_name(credentials.get("username")))


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    audit_log.record("lockout", actor=_known_name(username))
