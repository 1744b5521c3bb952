"""What every view of the app shares: the htmx request type, the language, reading a day from
a query, the rate limits of public forms, and the short-lived "what just happened" cookie that
lets a POST end in a redirect."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.middleware import HtmxDetails
from django_ratelimit.core import _split_rate, is_ratelimited

from recruitment import eligibility
from recruitment.forms import DetailsForm
from recruitment.models import normalize_email
from recruitment.models.base import current_language

DONE_COOKIE = "done"
DONE_SALT = "recruitment.views.done"
DONE_SECONDS = 30 * 60


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


language = current_language


def parse_day(raw: str | None) -> dt.date | None:
    """A day as YYYY-MM-DD, or None for anything else (ISO week dates and the like included)."""
    if not raw or len(raw) != 10:
        return None
    try:
        return dt.datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        return None


def limited(request: HttpRequest, *, email: str = "", group: str = "book") -> int:
    """The public forms' limits, per client and per email address, counted apart for each
    `group` of forms (booking, proposing a drive): 0 when the request may go on, else how many
    seconds to wait (the period of the limit it hit). The view passes the email only for a
    valid form, so junk posts never lock a person out. Fails open: with Redis down or hung the
    cache answers nothing and the request goes through."""
    if not settings.RATELIMIT_ENABLE:
        return 0
    wait = 0
    if is_ratelimited(
        request, group=group, key="ip", rate=settings.RATELIMIT_BOOKING, increment=True
    ):
        wait = _split_rate(settings.RATELIMIT_BOOKING)[1]
    if email and is_ratelimited(
        request,
        group=f"{group}-email",
        key=lambda group, request: normalize_email(email),
        rate=settings.RATELIMIT_BOOKING_EMAIL,
        increment=True,
    ):
        wait = max(wait, _split_rate(settings.RATELIMIT_BOOKING_EMAIL)[1])
    return wait


def limited_page(
    request: HttpRequest, context: dict[str, Any], wait_seconds: int
) -> TemplateResponse:
    """429, saying how long to wait, in minutes rounded up."""
    context["wait_minutes"] = max(1, -(-wait_seconds // 60))
    response = TemplateResponse(
        request, "recruitment/appointments/book_limited.html", context, status=429
    )
    response["Retry-After"] = str(wait_seconds)
    return response


def done_set(response: HttpResponse, **what: Any) -> HttpResponse:
    """Remember, for the page a POST redirects to, what the POST did (signed, in the browser,
    never in the address: it may hold an email address)."""
    response.set_signed_cookie(
        DONE_COOKIE,
        signing.dumps(what, compress=True),
        salt=DONE_SALT,
        max_age=DONE_SECONDS,
        secure=settings.HTTPS,
        httponly=True,
        samesite="Lax",
    )
    return response


def done_get(request: HttpRequest) -> dict[str, Any]:
    try:
        raw = request.get_signed_cookie(DONE_COOKIE, salt=DONE_SALT, max_age=DONE_SECONDS)
        value = signing.loads(raw or "")
    except (KeyError, signing.BadSignature, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def to_checker(request: HttpRequest, back: str | None = None) -> HttpResponseRedirect:
    """To the eligibility check, and back here after it is passed."""
    query = urlencode({"next": back or request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('checker')}?{query}")


def blank_details(proof: eligibility.Proof) -> DetailsForm:
    """The details form as it first appears: date of birth from the check, a fresh key."""
    return DetailsForm(
        born_on=proof.born_on,
        initial={"born": proof.born_on, "language": language(), "request_key": uuid.uuid4()},
    )


def details_posted(
    request: HttpRequest, *, proof: eligibility.Proof, context: dict[str, Any], template: str
) -> dict[str, Any] | HttpResponse:
    """The details of a booking-like form, cleaned; or the response to give instead: the form
    again with its errors, or 429. Only well-formed attempts count against an address, so junk
    posts with someone's email never lock that person out."""
    form = DetailsForm(request.POST, born_on=proof.born_on)
    context["form"] = form
    valid = form.is_valid()
    wait = limited(request, email=form.cleaned_data["email"] if valid else "")
    if wait:
        return limited_page(request, context, wait)
    if not valid:
        return TemplateResponse(request, template, context)
    return form.cleaned_data
