"""Hulpvragen: the questions employees asked to pass on to HR, with the contact they chose."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from leercoach import settings as leercoach_settings
from leercoach.review import audit_log
from leercoach.review.models import HandoffRequest
from leercoach.review.permissions import role_required
from leercoach.review.queries import seek_page
from leercoach.review.roles import READS_CONVERSATIONS
from leercoach.review.texts import text

PAGE_SIZE = 50
ORDER = ("created_at", "id")  # oldest first: the longest waiting on top


@require_GET
@role_required(*READS_CONVERSATIONS)
def queue(request):
    # Past the retention period: never shown; the purge deletes them (no write on a GET).
    cutoff = timezone.now() - dt.timedelta(days=leercoach_settings.retention_days())
    waiting = HandoffRequest.objects.filter(created_at__gte=cutoff)
    shown = seek_page(waiting, ORDER, request.GET, PAGE_SIZE)
    count = waiting.count()
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
