"""The public side of drives and appeals: the list, a drive's page and poster, signing up,
the manage link of a sign-up, and remembering the appeal that brought someone to book."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import _split_rate, is_ratelimited

from recruitment import eligibility
from recruitment.calendar import CalendarEvent, google_calendar_url, ics_bytes, outlook_calendar_url
from recruitment.forms_drives import DriveCodeForm, DriveSignupForm
from recruitment.models import ConsentText, Drive, DriveSignup, DriveWindow, LinkToken, RulesVersion
from recruitment.models.drives import drive_code_clean
from recruitment.services.drives import (
    DriveClosed,
    DriveFull,
    NotEligibleOnThatDay,
    RulesChanged,
    signup_cancel,
    signup_change_window,
    signup_create,
)
from recruitment.services.eligibility import proof_current, proof_from_cookies
from recruitment.services.people import Details
from recruitment.views.base import done_get, done_set, language, limited, to_checker
from registry.http_cache import live_page

# The appeal someone followed, for the appointment they book afterwards (its organisers see
# how many people it brought). Signed, so only our own "join" link credits a drive; HttpOnly,
# as no script needs it; Lax, so it survives arriving from a link on another site.
APPEAL_COOKIE = "appeal"
APPEAL_SALT = "recruitment.views.drives.appeal"
APPEAL_SECONDS = 30 * 24 * 60 * 60

OSM_SEARCH_URL = "https://www.openstreetmap.org/search"


def appeal_drive(request: HttpRequest) -> Drive | None:
    """The published drive or appeal whose "join" link this browser followed, if any."""
    code = request.get_signed_cookie(
        APPEAL_COOKIE, default=None, salt=APPEAL_SALT, max_age=APPEAL_SECONDS
    )
    if not code:
        return None
    return Drive.objects.filter(code=code, status=Drive.Status.PUBLISHED).first()


def _public_drive(code: str) -> Drive:
    """A drive a visitor may open by its link or code (listed or not): published or finished."""
    drive = Drive.objects.public().select_related("partner").filter(code=code).first()
    if drive is None:
        raise Http404
    return drive


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _drive_event(drive: Drive, url: str) -> CalendarEvent | None:
    """The drive in a calendar: its whole day (a sign-up's own event has its window)."""
    if drive.is_appeal or drive.starts_at is None or drive.ends_at is None:
        return None
    return CalendarEvent(
        uid=f"drive-{drive.code}@registry",
        title=gettext("Blood test at the drive: %(title)s") % {"title": drive.title},
        description=f"{gettext('Bring your passport or another photo ID.')}\n{url}",
        location=", ".join(part for part in (drive.venue, drive.city) if part),
        starts_at=drive.starts_at,
        ends_at=drive.ends_at,
        time_zone=drive.time_zone,
    )


def _share_links(url: str, title: str) -> dict[str, str]:
    """Plain links to share the page: no third party's script runs on ours."""
    text = gettext("Join me at “%(title)s”: one small blood sample could save a life.") % {
        "title": title
    }
    body = f"{text}\n\n{url}"
    return {
        "telegram": "https://t.me/share/url?" + urlencode({"url": url, "text": text}),
        "vk": "https://vk.com/share.php?" + urlencode({"url": url, "title": title}),
        "whatsapp": "https://wa.me/?" + urlencode({"text": f"{text} {url}"}),
        # mailto wants %20, not "+", for spaces.
        "email": f"mailto:?subject={quote(title)}&body={quote(body)}",
    }


def _is_full(drive: Drive, windows: list[DriveWindow]) -> bool:
    """No place left for anyone: the drive's own, or in every one of its windows."""
    return drive.places_left == 0 or (bool(windows) and all(w.places_left == 0 for w in windows))


# --- the list and a drive's page ----------------------------------------------------------


def _code_lookup(request: HttpRequest, context: dict[str, Any]) -> HttpResponse | None:
    """The "find a drive by its code" form: the drive's page, or a message on the list (the
    same for every code that opens no page)."""
    form = DriveCodeForm(request.GET)
    context["code_form"] = form
    if not form.is_valid():
        return None
    if settings.RATELIMIT_ENABLE and is_ratelimited(
        request, group="drive-code", key="ip", rate=settings.RATELIMIT_BOOKING, increment=True
    ):
        context["code_wait_minutes"] = max(1, _split_rate(settings.RATELIMIT_BOOKING)[1] // 60)
        return None
    drive = Drive.objects.public().filter(code=form.cleaned_data["code"]).only("code").first()
    if drive is not None:
        return HttpResponseRedirect(reverse("drive", kwargs={"code": drive.code}))
    context["code_not_found"] = form.cleaned_data["code"]
    return None


def _list_shows(request: HttpRequest) -> tuple[str, ...] | None:
    """The list is the same for everyone (per address, so per city) until a drive changes; a
    code looked up is this visitor's own answer."""
    return None if "code" in request.GET else ("drives",)


def _drive_shows(request: HttpRequest, code: str) -> tuple[str, ...]:
    return (f"drive:{code}",)


@require_safe
@live_page(_list_shows)
def drives(request: HttpRequest) -> HttpResponse:
    """Upcoming listed drives by city and date, listed appeals, and a drive found by its code."""
    now = timezone.now()
    context: dict[str, Any] = {"code_form": DriveCodeForm()}
    if "code" in request.GET:
        found = _code_lookup(request, context)
        if found is not None:
            return found
    listed = Drive.objects.listed(now).select_related("partner")
    venues = listed.filter(kind=Drive.Kind.VENUE, starts_at__isnull=False)
    # Cities by their name in this language (the other language's where a drive has none).
    here = language()
    other = "en" if here == "ru" else "ru"
    names = venues.values_list(f"city_{here}", f"city_{other}").order_by().distinct()
    cities = sorted({mine or theirs for mine, theirs in names if mine or theirs})
    city = request.GET.get("city", "")
    if city:
        venues = venues.filter(
            Q(**{f"city_{here}": city}) | Q(**{f"city_{here}": "", f"city_{other}": city})
        )
    context.update(
        drives=list(venues.order_by("starts_at", "pk")),
        appeals=list(listed.filter(kind=Drive.Kind.APPEAL).order_by("-published_at", "pk")),
        cities=cities,
        city=city,
    )
    if "code_wait_minutes" in context:
        response = TemplateResponse(request, "recruitment/drives/list.html", context, status=429)
        add_never_cache_headers(response)
        return response
    return TemplateResponse(request, "recruitment/drives/list.html", context)


@require_safe
@live_page(_drive_shows)
def drive(request: HttpRequest, code: str) -> HttpResponse:
    """A drive's or an appeal's page, listed or not, with its places left (kept rendered until
    the drive or its sign-ups change, see registry.http_cache)."""
    now = timezone.now()
    clean = drive_code_clean(code)
    if clean and clean != code:  # a code typed into the address as people type it
        return HttpResponseRedirect(reverse("drive", kwargs={"code": clean}))
    found = Drive.objects.select_related("partner").filter(code=code).first()
    if found is None:
        raise Http404
    if found.status == Drive.Status.CANCELLED and found.published_at is not None:
        # People still hold its poster or link: tell them, and where else to go.
        return TemplateResponse(
            request, "recruitment/drives/cancelled_drive.html", {"drive": found}, status=410
        )
    if found.status not in (Drive.Status.PUBLISHED, Drive.Status.FINISHED):
        raise Http404
    url = _absolute(reverse("drive", kwargs={"code": found.code}))
    windows = [] if found.is_appeal else list(found.windows.all())
    context: dict[str, Any] = {
        "drive": found,
        "url": url,
        "windows": windows,
        "open": found.open_for_signup(now),
        "full": _is_full(found, windows),
        "share": _share_links(url, found.title),
    }
    if found.venue:
        place = ", ".join(part for part in (found.venue, found.city) if part)
        context["map_url"] = f"{OSM_SEARCH_URL}?{urlencode({'query': place})}"
    event = _drive_event(found, url)
    if event is not None:
        context.update(
            google_url=google_calendar_url(event), outlook_url=outlook_calendar_url(event)
        )
    return TemplateResponse(request, "recruitment/drives/detail.html", context)


@require_safe
def drive_calendar(request: HttpRequest, code: str) -> HttpResponse:
    found = _public_drive(code)
    event = _drive_event(found, _absolute(reverse("drive", kwargs={"code": found.code})))
    if event is None:
        raise Http404
    response = HttpResponse(ics_bytes(event, now=timezone.now()), content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="drive.ics"'
    return response


@require_safe
def poster(request: HttpRequest, code: str) -> TemplateResponse:
    """A printable A4 poster: what, when, where, the code to type and a QR code to scan."""
    found = _public_drive(code)
    url = _absolute(reverse("drive", kwargs={"code": found.code}))
    qr = segno.make(url, error="m").svg_inline(
        scale=4, border=2, omitsize=True, title=gettext("QR code: the drive's page")
    )
    context = {
        "drive": found,
        "drives_url": _absolute(reverse("drives")),
        "qr": mark_safe(qr),  # noqa: S308 - segno's own SVG, nothing of the visitor's in it
    }
    return TemplateResponse(request, "recruitment/drives/poster.html", context)


@require_safe
def join(request: HttpRequest, code: str) -> HttpResponse:
    """ "Join the registry" from an appeal: remember it for the booking, then the eligibility
    check (skipped when passed already) and the typing sites."""
    found = _public_drive(code)
    if found.status != Drive.Status.PUBLISHED:
        return HttpResponseRedirect(reverse("drive", kwargs={"code": found.code}))
    sites = reverse("sites")
    proof = proof_from_cookies(request.COOKIES)
    rules = RulesVersion.objects.current().rules()
    if proof is not None and proof_current(proof, rules):
        response: HttpResponse = HttpResponseRedirect(sites)
    else:
        response = to_checker(request, sites)
    response.set_signed_cookie(
        APPEAL_COOKIE,
        found.code,
        salt=APPEAL_SALT,
        max_age=APPEAL_SECONDS,
        secure=settings.HTTPS,
        httponly=True,
        samesite="Lax",
    )
    return response


# --- signing up -------------------------------------------------------------------------


def _signup_form(
    request: HttpRequest, proof: eligibility.Proof, windows: list[DriveWindow]
) -> DriveSignupForm:
    if request.method == "POST":
        form = DriveSignupForm(request.POST, born_on=proof.born_on, windows=windows)
        form.is_valid()
        return form
    initial = {"born": proof.born_on, "language": language(), "request_key": uuid.uuid4()}
    chosen = request.GET.get("window", "")
    if chosen.isdigit() and any(str(w.pk) == chosen for w in windows):
        initial["window"] = int(chosen)
    return DriveSignupForm(born_on=proof.born_on, windows=windows, initial=initial)


@require_http_methods(["GET", "POST"])
@never_cache
def signup(request: HttpRequest, code: str) -> HttpResponse:
    now = timezone.now()
    found = _public_drive(code)
    if not found.open_for_signup(now) or found.day is None:
        return HttpResponseRedirect(reverse("drive", kwargs={"code": found.code}))
    proof = proof_from_cookies(request.COOKIES)
    rules = RulesVersion.objects.current().rules()
    if proof is None or not proof_current(proof, rules):
        return to_checker(request, request.path)
    windows = list(found.windows.all())
    context: dict[str, Any] = {
        "drive": found,
        "consent": ConsentText.objects.current(),
        "windows": windows,
        "full": _is_full(found, windows),
    }
    # Age counts on the drive's day, not the day of the check.
    if not eligibility.proof_holds_on(proof, rules, found.day):
        return _too_young_or_old(request, context, rules, proof, found.day)
    form = _signup_form(request, proof, windows)
    context["form"] = form
    template = "recruitment/drives/signup.html"
    if request.method == "GET":
        return TemplateResponse(request, template, context)

    valid = not form.errors
    wait = limited(request, email=form.cleaned_data["email"] if valid else "", group="drive")
    if wait:
        context["wait_minutes"] = max(1, -(-wait // 60))
        response = TemplateResponse(request, "recruitment/drives/limited.html", context, status=429)
        response["Retry-After"] = str(wait)
        return response
    if not valid:
        return TemplateResponse(request, template, context)
    data = form.cleaned_data
    # What the next page says depends only on what was asked, never on who is known.
    done = done_set(
        HttpResponseRedirect(reverse("drive-signed-up", kwargs={"code": found.code})),
        drive=found.code,
        email=data["email"],
        waiting=data["waiting_list"],
    )
    if data["website"]:
        return done  # a bot filled the honeypot: the usual page, nothing made or sent
    try:
        signup_create(
            drive_id=found.pk,
            details=Details.from_form(data, context["consent"]),
            proof=proof,
            request_key=data["request_key"],
            now=now,
            window_id=data["window"],
            waiting_list=data["waiting_list"],
        )
    except DriveFull:
        # Taken while they typed: the same details, offered the waiting list (or another time).
        found.refresh_from_db(fields=["signed_up", "capacity"])
        windows = list(found.windows.all())
        context.update(
            windows=windows,
            full=_is_full(found, windows),
            taken=True,
            form=_signup_form(request, proof, windows),
        )
        return TemplateResponse(request, template, context, status=409)
    except DriveClosed:
        return HttpResponseRedirect(reverse("drive", kwargs={"code": found.code}))
    except NotEligibleOnThatDay:
        return _too_young_or_old(request, context, rules, proof, found.day)
    except RulesChanged:
        return to_checker(request, request.path)
    return done


def _too_young_or_old(
    request: HttpRequest,
    context: dict[str, Any],
    rules: eligibility.Rules,
    proof: eligibility.Proof,
    day: dt.date,
) -> TemplateResponse:
    context.update(
        day=day,
        coming_of_age=eligibility.coming_of_age(rules, proof.born_on, day),
        min_age=rules.min_age,
        max_age=rules.max_age,
    )
    return TemplateResponse(request, "recruitment/drives/signup_age.html", context)


@require_safe
@never_cache
def signed_up(request: HttpRequest, code: str) -> HttpResponse:
    """ "Check your email": the same page whether the person was new or already signed up."""
    done = done_get(request)
    if done.get("drive") != code:
        return HttpResponseRedirect(reverse("drive", kwargs={"code": code}))
    found = _public_drive(code)
    context = {"drive": found, "email": done.get("email", ""), "waiting": done.get("waiting")}
    return TemplateResponse(request, "recruitment/drives/signed_up.html", context)


# --- the manage link ----------------------------------------------------------------------


def signup_for_token(token: str, now: dt.datetime) -> DriveSignup:
    """The sign-up a manage link is for. Unknown, wrong, expired or over: the same 404."""
    link = (
        LinkToken.objects.live(token, LinkToken.Purpose.SIGNUP, now)
        .select_related("drive_signup__drive__partner", "drive_signup__window")
        .first()
    )
    if link is None or link.drive_signup is None or not link.drive_signup.manageable(now):
        raise Http404
    return link.drive_signup


def _manage_context(signup_: DriveSignup, token: str) -> dict[str, Any]:
    context: dict[str, Any] = {"signup": signup_, "drive": signup_.drive, "token": token}
    if signup_.status == DriveSignup.Status.SIGNED_UP:
        event = signup_.calendar_event()
        context.update(
            google_url=google_calendar_url(event),
            outlook_url=outlook_calendar_url(event),
            other_windows=[
                w
                for w in DriveWindow.objects.filter(drive=signup_.drive)
                if w.pk != signup_.window_id
            ],
        )
    return context


@require_safe
@never_cache
def manage(request: HttpRequest, token: str) -> TemplateResponse:
    signup_ = signup_for_token(token, timezone.now())
    context = _manage_context(signup_, token)
    context["changed"] = done_get(request).get("window_changed") == signup_.pk
    return TemplateResponse(request, "recruitment/drives/manage.html", context)


@require_http_methods(["POST"])
@never_cache
def manage_window(request: HttpRequest, token: str) -> HttpResponse:
    """Another time window of the same drive; the old one is kept unless the new one is had."""
    now = timezone.now()
    signup_ = signup_for_token(token, now)
    raw = request.POST.get("window", "")
    # A window's id fits PostgreSQL's integer; anything longer is no window (and no 500).
    window_id = int(raw) if raw.isdecimal() and len(raw) <= 9 else 0
    if signup_change_window(signup_id=signup_.pk, window_id=window_id, now=now):
        response = HttpResponseRedirect(reverse("drive-signup-manage", kwargs={"token": token}))
        return done_set(response, window_changed=signup_.pk)
    signup_ = signup_for_token(token, now)
    context = _manage_context(signup_, token)
    context["window_taken"] = True
    return TemplateResponse(request, "recruitment/drives/manage.html", context, status=409)


@require_http_methods(["GET", "POST"])
@never_cache
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Cancelling takes a second, explicit step: this page asks, its POST cancels."""
    now = timezone.now()
    signup_ = signup_for_token(token, now)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return HttpResponseRedirect(request.path)
        signup_cancel(signup_id=signup_.pk, now=now)
        response = HttpResponseRedirect(reverse("drive-signup-cancelled"))
        return done_set(
            response,
            drive=signup_.drive.code,
            waiting=signup_.status == DriveSignup.Status.WAITING,
        )
    context = {"signup": signup_, "drive": signup_.drive, "token": token}
    return TemplateResponse(request, "recruitment/drives/manage_cancel.html", context)


@require_safe
@never_cache
def manage_cancelled(request: HttpRequest) -> HttpResponse:
    """After a cancellation (the link no longer opens the sign-up, so this page has none)."""
    done = done_get(request)
    found = Drive.objects.public().filter(code=done.get("drive") or "").first()
    if found is None:
        return HttpResponseRedirect(reverse("drives"))
    context = {"drive": found, "waiting": bool(done.get("waiting"))}
    return TemplateResponse(request, "recruitment/drives/signup_cancelled.html", context)


@require_safe
@never_cache
def manage_calendar(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    signup_ = signup_for_token(token, now)
    if signup_.status != DriveSignup.Status.SIGNED_UP:
        raise Http404  # a place on the waiting list is not a time to keep free
    response = HttpResponse(
        ics_bytes(signup_.calendar_event(), now=now), content_type="text/calendar"
    )
    response["Content-Disposition"] = 'attachment; filename="drive.ics"'
    return response
