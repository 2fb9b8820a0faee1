"""Who may see what: reviewer (HR) reads conversations; analyst sees aggregates only; admin everything."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

REVIEWER, ANALYST, ADMIN = "reviewer", "analyst", "admin"
READS_CONVERSATIONS = (REVIEWER, ADMIN)
SEES_INSIGHTS = (REVIEWER, ANALYST, ADMIN)


def role_required(*roles: str):
    """Anonymous → the login page; logged in with another role → 403."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(checked)

    return decorator
