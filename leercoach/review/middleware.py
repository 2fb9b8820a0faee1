"""Content-Security-Policy on every response (Django 5.2 has no built-in CSP yet)."""
from __future__ import annotations

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
