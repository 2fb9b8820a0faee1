"""Content-Security-Policy on every response (Django 5.2 has no built-in CSP yet), and the idle timeout."""

from __future__ import annotations

import time

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("image/svg+xml"):
            response["Content-Security-Policy"] = settings.CHART_CONTENT_SECURITY_POLICY
        else:
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class IdleSessionMiddleware:
    """A logged-in session expires SESSION_COOKIE_AGE after the last request: every
    SESSION_REFRESH_SECONDS a request marks the session changed, so Django saves it with a new expiry."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get("refreshed_at", 0) >= settings.SESSION_REFRESH_SECONDS:
                request.session["refreshed_at"] = now
        return self.get_response(request)
