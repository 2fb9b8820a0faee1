"""Hulpvragen: the questions employees asked to pass on to HR, with the contact they chose."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from leercoach.review import audit_log, summary
from leercoach.review.models import HandoffRequest
from leercoach.review.permissions import READS_CONVERSATIONS, role_required
from leercoach.review.queries import seek_page
from leercoach.review.texts import text

PAGE_SIZE = 50
ORDER = ("created_at", "id")  # oldest first: the longest waiting on top


@require_GET
@role_required(*READS_CONVERSATIONS)
def queue(request):
    summary.forget_gone()  # past the retention period: gone before anyone sees it
    shown = seek_page(HandoffRequest.objects.all(), ORDER, request.GET, PAGE_SIZE)
    count = HandoffRequest.objects.count()
    return render(
        request,
        "review/handoffs.html",
        {"page": shown, "requests": shown.object_list, "count_text": f"{count:,}".replace(",", ".")},
    )


@require_POST
@role_required(*READS_CONVERSATIONS)
def done(request, number: int):
    handoff = get_object_or_404(HandoffRequest, pk=number)
    handoff.delete()
    audit_log.record("handoff_done", actor=request.user.username, count=1)
    messages.success(request, text("handoff_done"))
    return redirect("review:handoffs")
