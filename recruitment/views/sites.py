"""Finding a typing site and its free times."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from recruitment.eligibility import ComingOfAge
from recruitment.models import TypingSite
from recruitment.services.eligibility import proof_coming_of_age, proof_from_cookies
from recruitment.services.sites import first_free_day, site_days, site_times, sites_listed
from recruitment.views.base import HtmxHttpRequest, parse_day
from registry.http_cache import live_page


def _coordinate(raw: str | None, bound: float) -> float | None:
    try:
        value = float(raw or "")
    except ValueError:
        return None
    return value if -bound <= value <= bound else None


def _coming_of_age(request: HttpRequest) -> ComingOfAge | None:
    """When a visitor whose proof says they are too young today reaches the minimum age,
    judged on the earliest date any site may have today, so that no one too young somewhere
    is given the pages kept for everyone. Read once per request."""
    if not hasattr(request, "coming_of_age"):
        earliest_today = (timezone.now() - dt.timedelta(hours=12)).date()
        proof = proof_from_cookies(request.COOKIES)
        request.coming_of_age = proof_coming_of_age(proof=proof, today=earliest_today)  # type: ignore[attr-defined]
    return request.coming_of_age  # type: ignore[attr-defined]


def _list_shows(request: HttpRequest) -> tuple[str, ...] | None:
    """A list sorted by a position shared in the address, or with times from a birthday, is
    this visitor's own."""
    if "lat" in request.GET or "lon" in request.GET or _coming_of_age(request) is not None:
        return None
    return ("sites",)


def _site_shows(request: HttpRequest, slug: str) -> tuple[str, ...] | None:
    """A site's page is this visitor's own when they come of age within the booking window
    (the days start from that birthday)."""
    return None if _coming_of_age(request) is not None else (f"site:{slug}",)


@require_safe
@live_page(_list_shows)
def sites(request: HttpRequest) -> TemplateResponse:
    """Typing sites by city, each with its next free time; sorted by distance when the browser
    shared its position (the coordinates stay in this request)."""
    lat = _coordinate(request.GET.get("lat"), 90)
    lon = _coordinate(request.GET.get("lon"), 180)
    near = (lat, lon) if lat is not None and lon is not None else None
    city = request.GET.get("city", "")
    # Someone coming of age is shown each site's next free time from their birthday on.
    of_age = _coming_of_age(request)
    from_day = of_age.day if of_age is not None else None
    shown, cities = sites_listed(now=timezone.now(), city=city, near=near, from_day=from_day)
    cards: list[Any] = shown  # with next_free and distance_km from sites_listed
    context = {
        "sites": shown,
        # Everything a card shows, to name the cached rendering of the list: fresh data is
        # another name, so the list is always as live as the query above.
        "sites_key": [
            (
                s.slug,
                s.name_ru,
                s.name_en,
                s.city_ru,
                s.city_en,
                s.address_ru,
                s.address_en,
                s.time_zone,
                s.next_free,
                s.distance_km,
            )
            for s in cards
        ],
        "cities": cities,
        "city": city,
        "near": near is not None,
        "coming_of_age": of_age,
    }
    response = TemplateResponse(request, "recruitment/sites/list.html", context)
    if near is not None or of_age is not None:  # this visitor's own: no shared cache keeps it
        add_never_cache_headers(response)
    return response


@require_safe
@live_page(_site_shows)
def site_detail(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    site = get_object_or_404(TypingSite, slug=slug, active=True)
    now = timezone.now()
    # Someone who passed the check but is too young today is offered days from the birthday
    # on which they reach the minimum age (age counts on the day of the blood test).
    of_age = proof_coming_of_age(
        proof=proof_from_cookies(request.COOKIES), today=site.local_today(now)
    )
    from_day = of_age.day if of_age is not None else None
    days = site_days(site, now, from_day=from_day)
    chosen = parse_day(request.GET.get("day"))
    if chosen is None or (from_day is not None and chosen < from_day):
        chosen = first_free_day(days)
    times = site_times(site, chosen, now)
    context = {
        "site": site,
        "days": days,
        "chosen": chosen,
        "times": times,
        "times_key": [slot.pk for slot in times],  # names the cached rendering of the times
        "coming_of_age": of_age,
    }
    template = "recruitment/sites/detail.html"
    if request.htmx and "day" in request.GET:
        template += "#times"
    response = TemplateResponse(request, template, context)
    if of_age is not None:
        # Days from a birthday are this visitor's own: nobody else's cache may keep them.
        # Everyone else gets the page a shared cache may keep (registry.http_cache.live_page),
        # without Vary: Cookie, which would make every visitor's copy different; a too-young
        # visitor served such a copy is still told at the booking form (book_age).
        add_never_cache_headers(response)
    return response
