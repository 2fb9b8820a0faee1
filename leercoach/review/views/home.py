from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from leercoach.review.roles import READS_CONVERSATIONS


@require_GET
@login_required
def home(request):
    """Reviewers and admins start at the conversations, analysts at the insights."""
    return redirect(
        "review:conversations" if request.user.has_role(*READS_CONVERSATIONS) else "review:insights"
    )
