"""Finding a typing site and booking the blood test."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Any

from django.conf import settings
from django.db.models import F, OuterRef, Subquery, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from recruitment import eligibility
from recruitment.calendar import google_calendar_url, ics_bytes, outlook_calendar_url
from recruitment.forms import DetailsForm
from recruitment.models import Appointment, ConsentText, RulesVersion, Slot, TypingSite
from recruitment.services.booking import (
    Details,
    NotEligibleOnThatDay,
    SlotTaken,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    calendar_event,
)
from recruitment.services.waitlist import (
    offer_for_token,
    waitlist_accept,
    waitlist_join,
    waitlist_offer,
)
from recruitment.tokens import token_hash
from recruitment.views.base import HtmxHttpRequest
from recruitment.views.pages import PROOF_COOKIE

EARTH_RADIUS_KM = 6371.0


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


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
    now = timezone.now()
    next_free = Slot.objects.bookable(now).filter(site=OuterRef("pk")).order_by("starts_at")
    all_sites = list(
        TypingSite.objects.filter(active=True).annotate(
            next_free=Subquery(next_free.values("starts_at")[:1]),
            next_free_zone=F("time_zone"),
        )
    )
    cities = sorted({site.city for site in all_sites})
    city = request.GET.get("city", "")
    shown = [site for site in all_sites if not city or site.city == city]
    lat = _coordinate(request.GET.get("lat"), 90)
    lon = _coordinate(request.GET.get("lon"), 180)
    near = lat is not None and lon is not None
    for site in shown:
        site.distance_km = (  # type: ignore[attr-defined]
            _distance_km(lat, lon, float(site.latitude), float(site.longitude))
            if lat is not None and lon is not None
            else None
        )
    if near:
        shown.sort(key=lambda site: site.distance_km)  # type: ignore[attr-defined]
    else:
        shown.sort(key=lambda site: (site.city, site.name))
    context = {"sites": shown, "cities": cities, "city": city, "near": near}
    return TemplateResponse(request, "recruitment/sites.html", context)


def _days(site: TypingSite, now: dt.datetime) -> list[dict[str, Any]]:
    rows = (
        Slot.objects.filter(site=site, starts_at__gt=now, closed=False)
        .values("day")
        .annotate(places=Sum("capacity"), booked=Sum("booked"))
        .order_by("day")
    )
    return [{"day": r["day"], "free": r["places"] - r["booked"]} for r in rows]


@require_safe
def site_detail(request: HtmxHttpRequest, slug: str) -> TemplateResponse:
    site = get_object_or_404(TypingSite, slug=slug, active=True)
    now = timezone.now()
    days = _days(site, now)
    chosen = None
    try:
        chosen = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        chosen = next((d["day"] for d in days if d["free"] > 0), None)
    times = list(
        Slot.objects.bookable(now).at(site).filter(day=chosen).order_by("starts_at")
        if chosen
        else []
    )
    context = {"site": site, "days": days, "chosen": chosen, "times": times}
    template = "recruitment/site.html"
    if request.htmx and "day" in request.GET:
        template += "#times"
    return TemplateResponse(request, template, context)


def _proof(request: HttpRequest) -> eligibility.Proof | None:
    token = request.COOKIES.get(PROOF_COOKIE)
    return eligibility.proof_read(token) if token else None


def _next_free(slot: Slot, now: dt.datetime, count: int = 6) -> list[Slot]:
    return list(
        Slot.objects.bookable(now)
        .at(slot.site)
        .filter(starts_at__gte=slot.starts_at)
        .exclude(pk=slot.pk)
        .order_by("starts_at")[:count]
    )


def _blank_details(proof: eligibility.Proof) -> DetailsForm:
    """The details form as it first appears: date of birth from the check, a fresh key."""
    return DetailsForm(
        born_on=proof.born_on,
        initial={
            "born": proof.born_on,
            "language": (get_language() or settings.LANGUAGE_CODE)[:2],
            "request_key": uuid.uuid4(),
        },
    )


def _limited(request: HttpRequest, email: str) -> bool:
    if not settings.RATELIMIT_ENABLE:
        return False
    by_client = is_ratelimited(
        request, group="book", key="ip", rate=settings.RATELIMIT_BOOKING, increment=True
    )
    by_email = bool(email) and is_ratelimited(
        request,
        group="book-email",
        key=lambda group, request: email.strip().lower(),
        rate=settings.RATELIMIT_BOOKING_EMAIL,
        increment=True,
    )
    return by_client or by_email


@require_http_methods(["GET", "POST"])
@never_cache
def book(request: HtmxHttpRequest, slug: str, slot_id: int) -> Any:
    now = timezone.now()
    slot = get_object_or_404(
        Slot.objects.select_related("site"), pk=slot_id, site__slug=slug, site__active=True
    )
    proof = _proof(request)
    rules = RulesVersion.objects.current().rules()
    if proof is None:
        checker = reverse("checker") + "?" + urlencode({"next": request.path})
        return HttpResponseRedirect(checker)
    consent = ConsentText.objects.current()
    context: dict[str, Any] = {"slot": slot, "site": slot.site, "consent": consent}
    if not eligibility.proof_holds_on(proof, rules, slot.day):
        return TemplateResponse(request, "recruitment/book_age.html", context, status=200)

    if request.method == "GET":
        if slot.starts_at <= now or slot.free == 0 or slot.closed:
            context.update(taken=True, alternatives=_next_free(slot, now))
        context["form"] = _blank_details(proof)
        return TemplateResponse(request, "recruitment/book.html", context)

    form = DetailsForm(request.POST, born_on=proof.born_on)
    context["form"] = form
    if _limited(request, request.POST.get("email", "")):
        return TemplateResponse(request, "recruitment/book_limited.html", context, status=429)
    if not form.is_valid():
        return TemplateResponse(request, "recruitment/book.html", context)
    data = form.cleaned_data
    if data["website"]:
        # A bot filled the honeypot: it sees the usual page, nothing is booked or sent.
        context["email"] = data["email"]
        return TemplateResponse(request, "recruitment/booked.html", context)
    details = Details.from_form(data, consent)
    try:
        booked = appointment_book(
            slot_id=slot.pk,
            details=details,
            proof=proof,
            request_key=data["request_key"],
            now=now,
        )
    except SlotTaken:
        context.update(taken=True, alternatives=_next_free(slot, now))
        return TemplateResponse(request, "recruitment/book.html", context, status=409)
    except NotEligibleOnThatDay:
        return TemplateResponse(request, "recruitment/book_age.html", context)
    context.update(slot=booked.slot, site=booked.slot.site, email=data["email"])
    return TemplateResponse(request, "recruitment/booked.html", context)


def _appointment_for_token(token: str, now: dt.datetime) -> Appointment:
    """The appointment a manage link is for. Unknown, wrong, expired or used: the same 404."""
    appointment = (
        Appointment.objects.select_related("slot__site")
        .filter(manage_token_hash=token_hash(token))
        .first()
    )
    if appointment is None or not appointment.manageable(now):
        raise Http404
    return appointment


@require_http_methods(["GET", "POST"])
@never_cache
def manage(request: HttpRequest, token: str) -> TemplateResponse:
    now = timezone.now()
    appointment = _appointment_for_token(token, now)
    event = calendar_event(appointment)
    context: dict[str, Any] = {
        "appointment": appointment,
        "slot": appointment.slot,
        "site": appointment.slot.site,
        "token": token,
        "google_url": google_calendar_url(event),
        "outlook_url": outlook_calendar_url(event),
    }
    if request.method == "POST" and request.POST.get("action") == "cancel":
        if request.POST.get("confirm") == "yes":
            appointment_cancel(appointment_id=appointment.pk, now=now)
            return TemplateResponse(request, "recruitment/cancelled.html", context)
        return TemplateResponse(request, "recruitment/manage_cancel.html", context)
    return TemplateResponse(request, "recruitment/manage.html", context)


@require_safe
@never_cache
def manage_calendar(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    appointment = _appointment_for_token(token, now)
    response = HttpResponse(
        ics_bytes(calendar_event(appointment), now=now), content_type="text/calendar"
    )
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@require_http_methods(["GET", "POST"])
@never_cache
def manage_change(request: HtmxHttpRequest, token: str) -> TemplateResponse:
    """Another time at the same site or another one; the old place is kept until the new one
    is taken."""
    now = timezone.now()
    appointment = _appointment_for_token(token, now)
    current = appointment.slot.site
    site = current
    wanted = request.GET.get("site") or request.POST.get("site")
    if wanted and wanted != current.slug:
        site = get_object_or_404(TypingSite, slug=wanted, active=True)
    context: dict[str, Any] = {
        "appointment": appointment,
        "slot": appointment.slot,
        "site": current,
        "target": site,
        "token": token,
        "sites": TypingSite.objects.filter(active=True),
    }
    if request.method == "POST":
        try:
            new_slot_id = int(request.POST.get("slot", ""))
        except ValueError:
            new_slot_id = 0
        try:
            moved = appointment_reschedule(
                appointment_id=appointment.pk, new_slot_id=new_slot_id, now=now
            )
        except SlotTaken:
            context["taken"] = True
        except NotEligibleOnThatDay:
            context["too_old"] = True
        else:
            context.update(appointment=moved, slot=moved.slot, site=moved.slot.site)
            return TemplateResponse(request, "recruitment/changed.html", context)
    days = _days(site, now)
    chosen = None
    try:
        chosen = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        chosen = next((d["day"] for d in days if d["free"] > 0), None)
    context.update(
        days=days,
        chosen=chosen,
        times=list(
            Slot.objects.bookable(now)
            .at(site)
            .filter(day=chosen)
            .exclude(pk=appointment.slot_id)
            .order_by("starts_at")
        )
        if chosen
        else [],
    )
    template = "recruitment/change.html"
    if request.htmx and "day" in request.GET:
        template += "#change-times"
    return TemplateResponse(request, template, context)


@require_http_methods(["GET", "POST"])
@never_cache
def waitlist(request: HttpRequest, slug: str) -> Any:
    """Join the waiting list for a full day at a site."""
    site = get_object_or_404(TypingSite, slug=slug, active=True)
    now = timezone.now()
    try:
        day = dt.date.fromisoformat(request.GET.get("day") or request.POST.get("day", ""))
    except ValueError:
        raise Http404 from None
    if day < site.local_today(now):
        raise Http404
    proof = _proof(request)
    if proof is None:
        query = urlencode({"day": day.isoformat()})
        back = f"{request.path}?{query}"
        return HttpResponseRedirect(reverse("checker") + "?" + urlencode({"next": back}))
    rules = RulesVersion.objects.current().rules()
    consent = ConsentText.objects.current()
    context: dict[str, Any] = {
        "site": site,
        "day": day,
        "consent": consent,
        "offer_minutes": settings.WAITLIST_OFFER_MINUTES,
    }
    if not eligibility.proof_holds_on(proof, rules, day):
        return TemplateResponse(request, "recruitment/waitlist_age.html", context)
    if request.method == "GET":
        context["form"] = _blank_details(proof)
        return TemplateResponse(request, "recruitment/waitlist.html", context)
    form = DetailsForm(request.POST, born_on=proof.born_on)
    context["form"] = form
    if _limited(request, request.POST.get("email", "")):
        return TemplateResponse(request, "recruitment/book_limited.html", context, status=429)
    if not form.is_valid():
        return TemplateResponse(request, "recruitment/waitlist.html", context)
    data = form.cleaned_data
    context["email"] = data["email"]
    if not data["website"]:
        waitlist_join(
            site=site,
            day=day,
            details=Details.from_form(data, consent),
            rules_version=proof.version,
            checked_on=proof.checked_on,
            now=now,
        )
        # A place may already be free again (a cancellation a moment ago): offer it at once.
        waitlist_offer(site_id=site.pk, day=day, now=now)
    return TemplateResponse(request, "recruitment/waitlist_joined.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
def offer(request: HttpRequest, token: str) -> TemplateResponse:
    """A waiting-list offer: see the held place and accept it. Unknown, used or expired offers
    get the same 404."""
    now = timezone.now()
    entry = offer_for_token(token, now)
    if entry is None or entry.offered_slot is None:
        raise Http404
    slot = entry.offered_slot
    context: dict[str, Any] = {"entry": entry, "slot": slot, "site": slot.site, "token": token}
    if request.method == "POST":
        booked = waitlist_accept(token=token, now=now)
        if booked is None:
            raise Http404
        context["email"] = entry.email
        return TemplateResponse(request, "recruitment/booked.html", context)
    return TemplateResponse(request, "recruitment/offer.html", context)
