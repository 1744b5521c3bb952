"""Finding a typing site and its free times."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from recruitment.models import TypingSite
from recruitment.services.sites import first_free_day, site_days, site_times, sites_listed
from recruitment.views.base import HtmxHttpRequest, parse_day


def _coordinate(raw: str | None, bound: float) -> float | None:
    try:
        value = float(raw or "")
    except ValueError:
        return None
    return value if -bound <= value <= bound else None


@require_safe
def sites(request: HttpRequest) -> TemplateResponse:
    """Typing sites by city, each with its next free time; sorted by distance when the browser
    shared its position (the coordinates stay in this request)."""
    lat = _coordinate(request.GET.get("lat"), 90)
    lon = _coordinate(request.GET.get("lon"), 180)
    near = (lat, lon) if lat is not None and lon is not None else None
    city = request.GET.get("city", "")
    shown, cities = sites_listed(now=timezone.now(), city=city, near=near)
    context = {"sites": shown, "cities": cities, "city": city, "near": near is not None}
    return TemplateResponse(request, "recruitment/sites/list.html", context)


@require_safe
def site_detail(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    site = get_object_or_404(TypingSite, slug=slug, active=True)
    now = timezone.now()
    days = site_days(site, now)
    chosen = parse_day(request.GET.get("day")) or first_free_day(days)
    context = {"site": site, "days": days, "chosen": chosen, "times": site_times(site, chosen, now)}
    template = "recruitment/sites/detail.html"
    if request.htmx and "day" in request.GET:
        template += "#times"
    return TemplateResponse(request, template, context)
