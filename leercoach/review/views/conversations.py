"""Gesprekken (the filtered list), Transcript (with tags, status and note) and Export."""

from __future__ import annotations

import csv
import io
import json

from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from leercoach.review import audit_log, reading, summary, tracker
from leercoach.review.forms import ConversationFilter, ReviewForm
from leercoach.review.models import Conversation, Tag
from leercoach.review.permissions import role_required
from leercoach.review.queries import EXACT_UP_TO, listing, neighbours, page
from leercoach.review.roles import READS_CONVERSATIONS
from leercoach.review.texts import text

PAGE_SIZE = 25


@require_GET
@role_required(*READS_CONVERSATIONS)
def conversation_list(request):
    found = listing(request.GET)
    shown = page(found, request.GET, PAGE_SIZE)
    keep = request.GET.copy()
    for key in ("pagina", "na", "voor"):
        keep.pop(key, None)
    return render(
        request,
        "review/conversations.html",
        {
            "form": found.form,
            "page": shown,
            "filters": keep.urlencode(),
            "count": shown.count.value,
            "count_exact": shown.count.exact,
            "count_text": f"{shown.count.value:,}".replace(",", "."),
            "pages_text": f"{shown.num_pages:,}".replace(",", "."),
            "exact_up_to": f"{EXACT_UP_TO:,}".replace(",", "."),
            "synced_at": summary.last_synced(),
        },
    )


@require_GET
@role_required(*READS_CONVERSATIONS)
def transcript(request, number: int):
    conversation = get_object_or_404(Conversation.objects.defer("search_text", "pending"), pk=number)
    stored = tracker.conversation_events(conversation.sender_id)
    if not stored:  # purged since the last sync (the purge removes the summary too; no write on a GET)
        raise Http404
    audit_log.record("transcript_view", actor=request.user.username, conversation=conversation.sender_id)
    previous, following = neighbours(listing(request.GET), conversation)
    form = ReviewForm(
        initial={
            "status": conversation.status,
            "note": conversation.note,
            "labels": ", ".join(t.name for t in conversation.tags.all()),
        }
    )
    return render(
        request,
        "review/transcript.html",
        {
            "conversation": conversation,
            "turns": reading.turns(stored),
            "form": form,
            "previous": previous,
            "following": following,
            "filters": request.GET.urlencode(),
        },
    )


@require_POST
@role_required(*READS_CONVERSATIONS)
def save_review(request, number: int):
    conversation = get_object_or_404(Conversation, pk=number)
    form = ReviewForm(request.POST)
    back = reverse("review:transcript", args=[number]) + _query(request.POST.get("filters", ""))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    conversation.status = form.cleaned_data["status"]
    conversation.note = form.cleaned_data["note"]
    conversation.save(update_fields=["status", "note"])
    conversation.tags.set([Tag.objects.get_or_create(name=n)[0] for n in form.cleaned_data["labels"]])
    messages.success(request, text("saved"))
    return redirect(back)


def _query(filters: str) -> str:
    """The list's filter, passed back as a query string (only our own parameters survive)."""
    from django.http import QueryDict

    kept = QueryDict(filters, mutable=True)
    for key in list(kept):
        if key not in _FILTER_KEYS:
            del kept[key]
    return "?" + kept.urlencode() if kept else ""


_FILTER_KEYS = set(ConversationFilter.base_fields)


def _rows(queryset):
    for conversation in queryset.prefetch_related("tags", "topic_hits").iterator(chunk_size=2000):
        yield {
            "pk": conversation.pk,
            "started_at": conversation.started_at.isoformat(),
            "last_at": conversation.last_at.isoformat(),
            "channel": conversation.channel,
            "user_messages": conversation.user_messages,
            "topics": sorted(h.topic for h in conversation.topic_hits.all()),
            "fallbacks": conversation.fallbacks,
            "clarifications": conversation.clarifications,
            "coaching_started": conversation.coaching_started,
            "questions_done": conversation.questions_done,
            "route_chosen": conversation.route_chosen,
            "plan_made": conversation.plan_made,
            "feedback_up": conversation.feedback_up,
            "feedback_down": conversation.feedback_down,
            "status": conversation.status,
            "labels": sorted(t.name for t in conversation.tags.all()),
        }


@require_GET
@role_required(*READS_CONVERSATIONS)
def export(request, kind: str):
    """The filtered list as CSV or JSONL: the summary per conversation, no ids, no free text."""
    if kind not in ("csv", "jsonl"):
        raise Http404
    found = listing(request.GET)
    count = found.queryset.count()
    audit_log.record(
        "export",
        actor=request.user.username,
        count=count,
        detail=f"{kind}: {_filter_for_audit(request.GET)}"[:500],
    )
    if kind == "jsonl":
        lines = (json.dumps(row, ensure_ascii=False) + "\n" for row in _rows(found.queryset))
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    else:
        response = StreamingHttpResponse(_csv_lines(found.queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leercoach-gesprekken.{kind}"'
    return response


SEARCH_TERM_IN_AUDIT = "(zoekterm)"


def _filter_for_audit(params) -> str:
    """The export's filter as the audit log keeps it: the search term is text HR typed (it may
    quote a conversation) and would outlive every conversation, so only its presence is kept."""
    kept = params.copy()
    if kept.get("q"):
        kept["q"] = SEARCH_TERM_IN_AUDIT
    return kept.urlencode()


def _csv_lines(queryset):
    yield text("csv_header") + "\r\n"
    for row in _rows(queryset):
        buffer = io.StringIO()
        values = [" ".join(v) if isinstance(v, list) else v for v in row.values()]
        # A cell starting with = + - @ would be a formula in a spreadsheet; none of ours is free text,
        # but labels are typed by HR: quote them all.
        csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC).writerow(values)
        yield buffer.getvalue()
