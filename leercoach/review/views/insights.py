"""Inzichten: figures as tables beside their SVG charts; open to analysts (aggregates only)."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from leercoach.review import charts, insights, summary
from leercoach.review.permissions import role_required
from leercoach.review.roles import SEES_INSIGHTS

CHART_SECONDS = 24 * 3600


@require_GET
@role_required(*SEES_INSIGHTS)
def insights_page(request):
    return render(
        request,
        "review/insights.html",
        {"figures": insights.figures(), "k": insights.K, "synced_at": summary.last_synced()},
    )


@require_GET
@role_required(*SEES_INSIGHTS)
def chart(request, name: str):
    figure = insights.figure(name)
    if figure is None:
        raise Http404
    # Keyed by what the chart shows (the same in every worker, unlike hash()): drawn again only
    # when its figures changed, not each time the figures are counted again.
    key = f"review-chart-{name}-{hashlib.sha256(repr(figure).encode()).hexdigest()}"
    drawn = cache.get(key)
    if drawn is None:
        drawn = charts.svg(figure)
        cache.set(key, drawn, CHART_SECONDS)
    response = HttpResponse(drawn, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    return response
