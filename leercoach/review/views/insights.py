"""Inzichten: figures as tables beside their SVG charts; open to analysts (aggregates only)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from leercoach.review import charts, insights, summary
from leercoach.review.permissions import SEES_INSIGHTS, role_required


@require_GET
@role_required(*SEES_INSIGHTS)
def insights_page(request):
    summary.sync_if_due()
    return render(request, "review/insights.html", {"figures": insights.figures(), "k": insights.K})


@require_GET
@role_required(*SEES_INSIGHTS)
def chart(request, name: str):
    figure = insights.figure(name)
    if figure is None:
        raise Http404
    key = f"review-chart-{name}-{hash(repr(figure))}"
    drawn = cache.get(key)
    if drawn is None:
        drawn = charts.svg(figure)
        cache.set(key, drawn, insights.CACHE_SECONDS)
    response = HttpResponse(drawn, content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=60"
    return response
