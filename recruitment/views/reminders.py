"""The links that reminders and SMS carry, and what the SMS gateway posts back.

- Stop reminders: the link in every reminder email (and its List-Unsubscribe header, which mail
  apps post to on their own, RFC 8058).
- Book again: the link in the "we missed you" email.
- The short link an SMS carries (/s/<code>): on to the booking's manage page.
- "Yes, I'm coming" on the manage pages.
- The gateway's webhook: replies to our SMS and delivery reports.

The stop and book-again links carry a signed reference (recruitment.signed_links): a forged or
altered one opens nothing, and the same 404 as a wrong manage link answers it.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import _split_rate, is_ratelimited

from recruitment import eligibility
from recruitment.models import Appointment, DriveSignup, RulesVersion
from recruitment.services.eligibility import PROOF_COOKIE, proof_current
from recruitment.services.messages import starts_of
from recruitment.services.reminders import booking_confirm, reminders_stop
from recruitment.services.sms_replies import sms_reply_handle, sms_report_handle
from recruitment.signed_links import AGAIN_DAYS, AGAIN_SALT, STOP_SALT, read_booking
from recruitment.sms import get_backend
from recruitment.tokens import SHORT_ALPHABET, SHORT_LENGTH
from recruitment.views.appointments import appointment_for_token
from recruitment.views.base import limited, to_checker
from recruitment.views.drives import signup_for_token

Booked = Appointment | DriveSignup

# Someone guessing short codes: 54 bits each, at this many tries a minute per address.
SHORT_LINK_RATE = "30/m"
# A gateway's callback is a few replies or reports; anything much larger is not one.
CALLBACK_MAX_BYTES = 64 * 1024


def _booked(value: str, *, salt: str, max_age: dt.timedelta | None = None) -> Booked | None:
    """The booking a signed link names; Http404 for a forged, altered or expired link. None
    when the link is genuine but its booking is no longer kept."""
    try:
        kind, pk = read_booking(value, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    if kind == "a":
        return Appointment.objects.select_related("slot__site").filter(pk=pk).first()
    return DriveSignup.objects.select_related("drive", "window").filter(pk=pk).first()


def _limited_page(request: HttpRequest, wait: int) -> TemplateResponse:
    context = {"wait_minutes": max(1, -(-wait // 60))}
    response = TemplateResponse(request, "recruitment/reminders/limited.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


# --- stop reminders -----------------------------------------------------------------------


def _booking_context(booked: Booked) -> dict[str, Any]:
    """What the stop pages say of the booking: when (local time and zone) and where."""
    if isinstance(booked, Appointment):
        site = booked.slot.site
        return {
            "booked": booked,
            "drive": None,
            "starts": booked.slot.starts_at,
            "zone": site.time_zone,
            "place": f"{site.name}, {site.address}",
        }
    drive = booked.drive
    return {
        "booked": booked,
        "drive": drive,
        "starts": starts_of(booked),
        "zone": drive.time_zone,
        "place": ", ".join(part for part in (drive.venue, drive.city) if part),
    }


@csrf_exempt  # the signed link is the authentication; the action is benign and idempotent
@require_http_methods(["GET", "POST"])
@never_cache
def stop(request: HttpRequest, value: str) -> HttpResponse:
    """GET asks (a link scanner that opens it stops nothing); POST stops: the page's button,
    or a mail app's one-click "unsubscribe" (RFC 8058), which comes without cookies or CSRF
    token, from the mail provider's servers."""
    one_click = request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"
    # Not a one-click post: those come from a few mail providers' servers on behalf of many
    # people, and a limit per address would refuse them. A forged value costs a signature check.
    if not one_click:
        wait = limited(request, group="links")
        if wait:
            return _limited_page(request, wait)
    now = timezone.now()
    booked = _booked(value, salt=STOP_SALT)
    if booked is None or not booked.manageable(now):
        # An appointment may name a drive too (the appeal that brought the person): not this.
        drive = booked.drive if isinstance(booked, DriveSignup) else None
        return TemplateResponse(request, "recruitment/reminders/stop_over.html", {"drive": drive})
    context = _booking_context(booked)
    if request.method == "POST":
        reminders_stop(booked, now)
        return TemplateResponse(request, "recruitment/reminders/stopped.html", context)
    if booked.reminders_stopped_at is not None:  # nothing left to ask
        return TemplateResponse(request, "recruitment/reminders/stopped.html", context)
    context["value"] = value
    return TemplateResponse(request, "recruitment/reminders/stop.html", context)


# --- book again ---------------------------------------------------------------------------


def _proof_again(booked: Booked, today: dt.date) -> tuple[str, int] | None:
    """The proof the person's check left, issued again, and for how many more seconds it holds
    (a proof lasts settings.ELIGIBILITY_PROOF_MAX_AGE_DAYS from the check); None when it
    would no longer be valid: too old, or questions added or changed since."""
    lasts = dt.timedelta(days=settings.ELIGIBILITY_PROOF_MAX_AGE_DAYS)
    left = booked.rules_checked_on + lasts - today
    if left <= dt.timedelta(0):
        return None
    token = eligibility.proof_issue(
        version=booked.rules_version, checked_on=booked.rules_checked_on, born_on=booked.born_on
    )
    proof = eligibility.proof_read(token)
    rules = RulesVersion.objects.current().rules()
    if proof is None or not proof_current(proof, rules):
        return None
    return token, int(left.total_seconds())


@require_safe
@never_cache
def book_again(request: HttpRequest, value: str) -> HttpResponse:
    """From "we missed you": the same site's times (a drive sign-up: the list of drives), in
    the person's language, without the check again while their last one still holds."""
    booked = _booked(value, salt=AGAIN_SALT, max_age=dt.timedelta(days=AGAIN_DAYS))
    if booked is None:
        raise Http404
    with translation.override(booked.language):
        if isinstance(booked, DriveSignup):
            target = reverse("drives")
        elif booked.slot.site.active:
            target = reverse("site", kwargs={"slug": booked.slot.site.slug})
        else:
            target = reverse("sites")
        again = _proof_again(booked, timezone.localdate())
        if again is None:
            return to_checker(request, target)
    response = HttpResponseRedirect(target)
    token, seconds = again
    response.set_cookie(
        PROOF_COOKIE,
        token,
        max_age=seconds,
        secure=settings.HTTPS,
        httponly=True,
        samesite="Lax",
    )
    return response


# --- the short link of an SMS -------------------------------------------------------------


@require_safe
@never_cache
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """/s/<code>: on to the manage page of the appointment or drive sign-up, in the booking's
    language. Unknown, expired or over: the same 404 as a wrong manage link."""
    if is_ratelimited(request, group="short-link", key="ip", rate=SHORT_LINK_RATE, increment=True):
        return _limited_page(request, _split_rate(SHORT_LINK_RATE)[1])
    # Typed back from a phone's screen, it may come capitalised.
    code = code.lower()
    if len(code) != SHORT_LENGTH or not set(code) <= set(SHORT_ALPHABET):
        raise Http404
    now = timezone.now()
    booked: Booked
    try:
        booked = appointment_for_token(code, now)
        name = "manage"
    except Http404:
        booked = signup_for_token(code, now)
        name = "drive-signup-manage"
    with translation.override(booked.language):
        return HttpResponseRedirect(reverse(name, kwargs={"token": code}))


# --- "Yes, I'm coming" --------------------------------------------------------------------


@require_POST
@never_cache
def manage_confirm(request: HttpRequest, token: str) -> HttpResponseRedirect:
    now = timezone.now()
    booking_confirm(appointment_for_token(token, now), now)
    return HttpResponseRedirect(reverse("manage", kwargs={"token": token}))


@require_POST
@never_cache
def signup_confirm(request: HttpRequest, token: str) -> HttpResponseRedirect:
    now = timezone.now()
    signup_ = signup_for_token(token, now)
    if signup_.status == DriveSignup.Status.SIGNED_UP:  # a place on the waiting list: not yet
        booking_confirm(signup_, now)
    return HttpResponseRedirect(reverse("drive-signup-manage", kwargs={"token": token}))


# --- the SMS gateway's webhook ------------------------------------------------------------


@csrf_exempt  # the gateway's server posts; the secret in the address is the authentication
@require_POST
@never_cache
def sms_callback(request: HttpRequest, secret: str) -> HttpResponse:
    """Replies to our SMS and delivery reports. The answer is the same whatever a reply did, so
    it never tells whether a number has a booking."""
    expected = settings.SMS_WEBHOOK_SECRET
    if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
        return HttpResponseForbidden(b"")
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = CALLBACK_MAX_BYTES + 1
    if size > CALLBACK_MAX_BYTES:
        return HttpResponseBadRequest(b"")
    backend = get_backend()
    try:
        replies, reports = backend.parse_callback(request)
    except ValueError:
        return HttpResponseBadRequest(b"")
    for reply in replies:
        sms_reply_handle(phone=reply.phone, text=reply.text, provider_id=reply.provider_id)
    for report in reports:
        sms_report_handle(
            provider_id=report.provider_id, delivered=report.delivered, status=report.status
        )
    return backend.callback_ok()
