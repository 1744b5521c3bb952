"""Staff pages outside the admin: a site's day sheet and booking for a caller on the phone."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from recruitment import eligibility
from recruitment.forms import AssistedBookingForm
from recruitment.models import Appointment, ConsentText, ConsentVia, RulesVersion, Slot, TypingSite
from recruitment.services.appointments import (
    CannotMark,
    NotEligibleOnThatDay,
    RulesChanged,
    SlotTaken,
    appointment_book,
    appointment_mark,
)
from recruitment.services.people import Details
from recruitment.views.base import DONE_COOKIE, HtmxHttpRequest, done_get, done_set, parse_day
from registry.auth import staff_verified_required


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _day(request: HttpRequest, site: TypingSite | None) -> dt.date:
    return parse_day(request.GET.get("day")) or (
        site.local_today(timezone.now()) if site else timezone.localdate()
    )


def _with_marks(appointment: Appointment, now: dt.datetime) -> Appointment:
    appointment.can_mark = appointment.markable(now)  # type: ignore[attr-defined]
    appointment.can_undo = appointment.unmarkable(now)  # type: ignore[attr-defined]
    return appointment


@require_safe
@staff_verified_required
def day_sheet(request: HtmxHttpRequest) -> TemplateResponse:
    _require(request, "recruitment.change_appointment")
    sites = list(TypingSite.objects.filter(active=True))
    site = next((s for s in sites if s.slug == request.GET.get("site")), None)
    site = site or (sites[0] if sites else None)
    day = _day(request, site)
    now = timezone.now()
    appointments = [
        _with_marks(appointment, now)
        for appointment in (
            Appointment.objects.filter(slot__site=site, slot__day=day)
            .exclude(status=Appointment.Status.CANCELLED)
            .select_related("slot__site")
            .order_by("slot__starts_at", "name")
            if site
            else Appointment.objects.none()
        )
    ]
    context = {"sites": sites, "site": site, "day": day, "appointments": appointments}
    return TemplateResponse(request, "recruitment/staff/day_sheet.html", context)


@require_POST
@staff_verified_required
def mark(request: HtmxHttpRequest, pk: int) -> Any:
    _require(request, "recruitment.change_appointment")
    now = timezone.now()
    try:
        appointment = appointment_mark(
            appointment_id=pk, status=request.POST.get("status", ""), now=now
        )
    except CannotMark:
        raise Http404 from None
    if request.htmx:
        context = {"appointment": _with_marks(appointment, now)}
        return TemplateResponse(request, "recruitment/staff/day_sheet.html#sheet-row", context)
    query = urlencode({"site": appointment.slot.site.slug, "day": appointment.slot.day.isoformat()})
    return HttpResponseRedirect(f"{reverse('day-sheet')}?{query}#appointment-{pk}")


@require_http_methods(["GET", "POST"])
@staff_verified_required
def assisted_booking(request: HttpRequest) -> HttpResponse:
    """Book for a caller: choose the site and the time, read out the questions, type the
    details. The same rules, checks and emails as a volunteer's own booking."""
    _require(request, "recruitment.add_appointment")
    now = timezone.now()
    sites = list(TypingSite.objects.filter(active=True))
    site = next((s for s in sites if s.slug == request.GET.get("site")), None)
    rules = RulesVersion.objects.current().rules()
    consent = ConsentText.objects.current()
    context: dict[str, Any] = {"sites": sites, "site": site, "rules": rules, "consent": consent}
    done = done_get(request) if request.method == "GET" else {}
    if done.get("assisted"):  # shown once, after the redirect that follows a booking
        context["booked"] = {
            "appointment": Appointment.objects.filter(pk=done.get("appointment") or 0).first()
        }
        context["slot"] = Slot.objects.select_related("site").filter(pk=done["slot"]).first()
        response = TemplateResponse(request, "recruitment/staff/assisted.html", context)
        response.delete_cookie(DONE_COOKIE)
        return response
    if site is not None:
        day = _day(request, site)
        context.update(
            day=day,
            times=list(Slot.objects.bookable(now).at(site).filter(day=day).order_by("starts_at")),
        )
    form = AssistedBookingForm(
        request.POST or None,
        born_on=None,
        initial={"language": "ru", "request_key": uuid.uuid4()},
    )
    context["form"] = form
    if request.method == "GET" or not form.is_valid():
        return TemplateResponse(request, "recruitment/staff/assisted.html", context)
    data = form.cleaned_data
    slot = get_object_or_404(Slot.objects.select_related("site"), pk=data["slot"])
    proof = eligibility.Proof(version=rules.version, checked_on=now.date(), born_on=data["born"])
    details = Details.from_form(data, consent, via=ConsentVia.PHONE)
    try:
        booked = appointment_book(
            slot_id=slot.pk,
            details=details,
            proof=proof,
            request_key=data["request_key"],
            now=now,
            booked_by=request.user,  # type: ignore[arg-type]
        )
    except (SlotTaken, RulesChanged):
        context["error"] = "taken"
    except NotEligibleOnThatDay:
        context["error"] = "age"
    else:
        query = urlencode({"site": booked.slot.site.slug, "day": booked.slot.day.isoformat()})
        redirect = HttpResponseRedirect(f"{reverse('assisted-booking')}?{query}")
        appointment = booked.appointment.pk if booked.appointment else None
        return done_set(redirect, assisted=True, appointment=appointment, slot=booked.slot.pk)
    return TemplateResponse(request, "recruitment/staff/assisted.html", context)
