"""Joining the waiting list for a full day, and accepting a place it offers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from recruitment import eligibility
from recruitment.models import ConsentText, RulesVersion, TypingSite
from recruitment.services.eligibility import proof_current, proof_from_cookies
from recruitment.services.people import Details
from recruitment.services.sites import WINDOW_DAYS
from recruitment.services.waitlist import (
    offer_for_token,
    waitlist_accept,
    waitlist_days,
    waitlist_join,
)
from recruitment.views.base import (
    blank_details,
    details_posted,
    done_get,
    done_set,
    parse_day,
    to_checker,
)


@require_http_methods(["GET", "POST"])
@never_cache
def waitlist(request: HttpRequest, slug: str) -> HttpResponse:
    """Join the waiting list for a full day at a site (a day inside the booking window with no
    free place; any other day is a 404)."""
    site = get_object_or_404(TypingSite, slug=slug, active=True)
    now = timezone.now()
    day = parse_day(request.GET.get("day") or request.POST.get("day"))
    if day is None or day not in waitlist_days(site, now, WINDOW_DAYS):
        raise Http404
    proof = proof_from_cookies(request.COOKIES)
    rules = RulesVersion.objects.current().rules()
    if proof is None or not proof_current(proof, rules):
        return to_checker(request, f"{request.path}?{urlencode({'day': day.isoformat()})}")
    consent = ConsentText.objects.current()
    context: dict[str, Any] = {
        "site": site,
        "day": day,
        "consent": consent,
        "offer_minutes": settings.WAITLIST_OFFER_MINUTES,
    }
    if not eligibility.proof_holds_on(proof, rules, day):
        return TemplateResponse(request, "recruitment/waitlist/age.html", context)
    if request.method == "GET":
        context["form"] = blank_details(proof)
        return TemplateResponse(request, "recruitment/waitlist/join.html", context)
    data = details_posted(
        request, proof=proof, context=context, template="recruitment/waitlist/join.html"
    )
    if isinstance(data, HttpResponse):
        return data
    if not data["website"]:  # a bot that filled the honeypot sees the usual page
        waitlist_join(
            site=site,
            day=day,
            details=Details.from_form(data, consent),
            rules_version=proof.version,
            checked_on=proof.checked_on,
            now=now,
        )
    response = HttpResponseRedirect(reverse("waitlist-joined", kwargs={"slug": slug}))
    return done_set(response, day=day.isoformat(), email=data["email"])


@require_safe
@never_cache
def waitlist_joined(request: HttpRequest, slug: str) -> HttpResponse:
    site = get_object_or_404(TypingSite, slug=slug, active=True)
    done = done_get(request)
    day = parse_day(done.get("day"))
    if day is None:
        return HttpResponseRedirect(reverse("site", kwargs={"slug": slug}))
    context = {"site": site, "day": day, "email": done.get("email", "")}
    return TemplateResponse(request, "recruitment/waitlist/joined.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
def offer(request: HttpRequest, token: str) -> HttpResponse:
    """A waiting-list offer: see the held place and accept it. Unknown, used or expired offers
    get the same 404."""
    now = timezone.now()
    entry = offer_for_token(token, now)
    if entry is None or entry.offered_slot is None:
        raise Http404
    slot = entry.offered_slot
    if request.method == "POST":
        booked = waitlist_accept(entry_id=entry.pk, now=now)
        if booked is None:
            raise Http404
        response = HttpResponseRedirect(reverse("booked", kwargs={"slug": slot.site.slug}))
        return done_set(response, slot=slot.pk, email=entry.email)
    context: dict[str, Any] = {"entry": entry, "slot": slot, "site": slot.site, "token": token}
    return TemplateResponse(request, "recruitment/waitlist/offer.html", context)
