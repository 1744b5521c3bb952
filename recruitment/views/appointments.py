"""Booking the blood test, and the manage link: calendar, another time, cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from recruitment import eligibility
from recruitment.calendar import google_calendar_url, ics_bytes, outlook_calendar_url
from recruitment.models import Appointment, ConsentText, LinkToken, RulesVersion, Slot, TypingSite
from recruitment.services.appointments import (
    NotEligibleOnThatDay,
    RulesChanged,
    SlotTaken,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from recruitment.services.eligibility import proof_current, proof_from_cookies
from recruitment.services.people import Details
from recruitment.services.sites import first_free_day, site_days, site_times, slots_next_free
from recruitment.views.base import (
    HtmxHttpRequest,
    blank_details,
    details_posted,
    done_get,
    done_set,
    parse_day,
    to_checker,
)
from recruitment.views.drives import appeal_drive


@require_http_methods(["GET", "POST"])
@never_cache
def book(request: HtmxHttpRequest, slug: str, slot_id: int) -> HttpResponse:
    now = timezone.now()
    slot = get_object_or_404(
        Slot.objects.select_related("site"), pk=slot_id, site__slug=slug, site__active=True
    )
    proof = proof_from_cookies(request.COOKIES)
    rules = RulesVersion.objects.current().rules()
    if proof is None or not proof_current(proof, rules):
        return to_checker(request, request.path)
    consent = ConsentText.objects.current()
    context: dict[str, Any] = {"slot": slot, "site": slot.site, "consent": consent}
    # Too young on that day: book_age.html says from which day they can book.
    context["coming_of_age"] = eligibility.coming_of_age(rules, proof.born_on, slot.day)
    if not eligibility.proof_holds_on(proof, rules, slot.day):
        return TemplateResponse(request, "recruitment/appointments/book_age.html", context)

    if request.method == "GET":
        if slot.starts_at <= now or slot.free == 0 or slot.closed:
            context.update(taken=True, alternatives=slots_next_free(slot, now))
        context["form"] = blank_details(proof)
        return TemplateResponse(request, "recruitment/appointments/book.html", context)

    data = details_posted(
        request, proof=proof, context=context, template="recruitment/appointments/book.html"
    )
    if isinstance(data, HttpResponse):
        return data
    done = HttpResponseRedirect(reverse("booked", kwargs={"slug": slug}))
    if data["website"]:
        # A bot filled the honeypot: it sees the usual page, nothing is booked or sent.
        return done_set(done, slot=slot.pk, email=data["email"])
    try:
        booked = appointment_book(
            slot_id=slot.pk,
            details=Details.from_form(data, consent),
            proof=proof,
            request_key=data["request_key"],
            now=now,
            # A code typed into the form, else the appeal this browser followed to get here.
            drive=data["drive_code"] or appeal_drive(request),
        )
    except SlotTaken:
        context.update(taken=True, alternatives=slots_next_free(slot, now))
        return TemplateResponse(request, "recruitment/appointments/book.html", context, status=409)
    except NotEligibleOnThatDay:
        return TemplateResponse(request, "recruitment/appointments/book_age.html", context)
    except RulesChanged:
        return to_checker(request, request.path)
    return done_set(done, slot=booked.slot.pk, email=data["email"])


@require_safe
@never_cache
def booked(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Check your email", after a booking or an accepted offer (a refresh shows it again)."""
    done = done_get(request)
    slot = Slot.objects.select_related("site").filter(pk=done.get("slot") or 0).first()
    if slot is None or slot.site.slug != slug:
        return HttpResponseRedirect(reverse("site", kwargs={"slug": slug}))
    context = {"slot": slot, "site": slot.site, "email": done.get("email", "")}
    return TemplateResponse(request, "recruitment/appointments/booked.html", context)


def appointment_for_token(token: str, now: dt.datetime) -> Appointment:
    """The appointment a manage link is for. Unknown, wrong, expired or used: the same 404."""
    link = (
        LinkToken.objects.live(token, LinkToken.Purpose.MANAGE, now)
        .select_related("appointment__slot__site")
        .first()
    )
    if link is None or link.appointment is None or not link.appointment.manageable(now):
        raise Http404
    return link.appointment


@require_http_methods(["GET", "POST"])
@never_cache
def manage(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    appointment = appointment_for_token(token, now)
    event = appointment.calendar_event()
    context: dict[str, Any] = {
        "appointment": appointment,
        "slot": appointment.slot,
        "site": appointment.slot.site,
        "token": token,
        "google_url": google_calendar_url(event),
        "outlook_url": outlook_calendar_url(event),
    }
    if request.method == "POST":  # the old two-step form: ask first, on a page of its own
        return HttpResponseRedirect(reverse("manage-cancel", kwargs={"token": token}))
    return TemplateResponse(request, "recruitment/appointments/manage.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Cancelling takes a second, explicit step: this page asks, its POST cancels."""
    now = timezone.now()
    appointment = appointment_for_token(token, now)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return HttpResponseRedirect(request.path)
        appointment_cancel(appointment_id=appointment.pk, now=now)
        response = HttpResponseRedirect(reverse("manage-cancelled"))
        return done_set(response, slot=appointment.slot_id)
    context = {
        "appointment": appointment,
        "slot": appointment.slot,
        "site": appointment.slot.site,
        "token": token,
    }
    return TemplateResponse(request, "recruitment/appointments/manage_cancel.html", context)


@require_safe
@never_cache
def manage_cancelled(request: HttpRequest) -> HttpResponse:
    """After a cancellation (the link no longer opens the appointment, so this page has none)."""
    slot = Slot.objects.select_related("site").filter(pk=done_get(request).get("slot") or 0).first()
    if slot is None:
        return HttpResponseRedirect(reverse("sites"))
    context = {"slot": slot, "site": slot.site}
    return TemplateResponse(request, "recruitment/appointments/cancelled.html", context)


@require_safe
@never_cache
def manage_calendar(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    appointment = appointment_for_token(token, now)
    response = HttpResponse(
        ics_bytes(appointment.calendar_event(), now=now), content_type="text/calendar"
    )
    response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
    return response


@require_http_methods(["GET", "POST"])
@never_cache
def manage_change(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """Another time at the same site or another one; the old place is kept until the new one
    is taken."""
    now = timezone.now()
    appointment = appointment_for_token(token, now)
    current = appointment.slot.site
    site = current
    wanted = request.GET.get("site") or request.POST.get("site")
    if wanted and wanted != current.slug:
        if not slug_re.fullmatch(wanted):
            raise Http404
        site = get_object_or_404(TypingSite, slug=wanted, active=True)
    context: dict[str, Any] = {
        "appointment": appointment,
        "slot": appointment.slot,
        "site": current,
        "target": site,
        "token": token,
        "sites": TypingSite.objects.filter(active=True),
    }
    status = 200
    if request.method == "POST":
        try:
            new_slot_id = int(request.POST.get("slot", ""))
        except ValueError:
            new_slot_id = 0
        try:
            appointment_reschedule(appointment_id=appointment.pk, new_slot_id=new_slot_id, now=now)
        except SlotTaken:
            context["taken"], status = True, 409
        except NotEligibleOnThatDay:
            context["too_old"] = True
        else:
            return HttpResponseRedirect(reverse("manage-changed", kwargs={"token": token}))
    days = site_days(site, now)
    chosen = parse_day(request.GET.get("day")) or first_free_day(days)
    context.update(
        days=days, chosen=chosen, times=site_times(site, chosen, now, exclude=appointment.slot_id)
    )
    template = "recruitment/appointments/change.html"
    if request.htmx and "day" in request.GET:
        template += "#change-times"
    return TemplateResponse(request, template, context, status=status)


@require_safe
@never_cache
def manage_changed(request: HttpRequest, token: str) -> TemplateResponse:
    appointment = appointment_for_token(token, timezone.now())
    context = {
        "appointment": appointment,
        "slot": appointment.slot,
        "site": appointment.slot.site,
        "token": token,
    }
    return TemplateResponse(request, "recruitment/appointments/changed.html", context)
