"""A drive's people: the sign-up list and its CSV, the check-in desk on the day (made for a
phone in a noisy hall on poor Wi-Fi), and walk-ins registered there."""

from __future__ import annotations

import csv
import re
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from recruitment import eligibility
from recruitment.forms import QuestionsForm
from recruitment.forms_organisers import WalkInForm
from recruitment.models import (
    ConsentText,
    ConsentVia,
    Drive,
    DriveExport,
    DriveSignup,
    DriveWindow,
    RulesVersion,
)
from recruitment.services.drive_desk import checkin
from recruitment.services.drives import (
    DriveClosed,
    DriveFull,
    NotEligibleOnThatDay,
    RulesChanged,
    signup_create,
)
from recruitment.services.people import Details
from recruitment.views.base import HtmxHttpRequest, language
from recruitment.views.organisers import limited_for, organiser_drive, too_many
from registry.http_cache import kept

PER_PAGE = 50
# The check-in list shows this many people at most: the desk types a few letters, not scrolls.
CHECKIN_SHOWN = 25
QUERY_MAX = 100
# One phone at the desk may register a queue of walk-ins; this only stops a runaway script.
WALKIN_RATE = "300/h"
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def matching(drive: Drive, query: str) -> QuerySet[DriveSignup]:
    """The drive's sign-ups whose name, email or phone holds what was typed: digits find a
    phone ("912 444" finds +7912444…), words must each be in the name or the email."""
    people = DriveSignup.objects.filter(drive=drive).select_related("window")
    query = query.strip()[:QUERY_MAX]
    if not query:
        return people
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 3 and not any(ch.isalpha() for ch in query):
        return people.filter(phone__contains=digits)
    for word in query.split():
        people = people.filter(Q(name__icontains=word) | Q(email_normalized__icontains=word))
    return people


def arrived(drive: Drive) -> int:
    return DriveSignup.objects.filter(drive=drive, status=DriveSignup.Status.CHECKED_IN).count()


# The sign-up list and its CSV


@organiser_drive()
def signups(request: HtmxHttpRequest, drive: Drive) -> TemplateResponse:
    query = request.GET.get("q", "")[:QUERY_MAX]
    status = request.GET.get("status", "")
    people = matching(drive, query).order_by("created_at", "pk")
    if status in DriveSignup.Status.values:
        people = people.filter(status=status)
    else:
        status = ""
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    keep = urlencode({k: v for k, v in (("q", query), ("status", status)) if v})
    context = {
        "drive": drive,
        "page": page,
        "query": query,
        "status": status,
        "statuses": DriveSignup.Status.choices,
        "keep": keep,
        "total": DriveSignup.objects.filter(drive=drive).count(),
        "has_windows": DriveWindow.objects.filter(drive=drive).exists(),
    }
    return TemplateResponse(request, "recruitment/organisers/signups.html", context)


def cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: one that would start a formula gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@organiser_drive()
def signups_csv(request: HtmxHttpRequest, drive: Drive) -> HttpResponse:
    """Everyone who signed up for this drive (only this one), for the organiser's own
    spreadsheet; each download is recorded with who made it and when."""
    zone = drive.zone
    people = list(
        DriveSignup.objects.filter(drive=drive).select_related("window").order_by("created_at")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="drive-{drive.code}-sign-ups.csv"'
    response.write("\ufeff")  # so that a spreadsheet opens Cyrillic names as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("Email"),
            _("Phone"),
            _("Language"),
            _("Time window"),
            _("Status"),
            _("Walk-in"),
            _("Signed up"),
            _("Checked in"),
        ]
    )
    for person in people:
        checked_in = person.checked_in_at.astimezone(zone) if person.checked_in_at else None
        writer.writerow(
            [
                cell(person.name),
                cell(person.email),
                cell(person.phone),
                cell(person.language),
                cell(person.window or ""),
                cell(person.get_status_display()),
                cell(_("yes") if person.walk_in else ""),
                cell(f"{person.created_at.astimezone(zone):%Y-%m-%d %H:%M}"),
                cell(f"{checked_in:%Y-%m-%d %H:%M}" if checked_in else ""),
            ]
        )
    DriveExport.objects.create(
        drive=drive, by_id=request.user.pk, at=timezone.now(), rows=len(people)
    )
    return response


# The check-in desk


def _desk_row(person: DriveSignup) -> DriveSignup:
    """A fresh key for the person's button: a tap sent twice (a dropped connection, a double
    press) repeats the key and counts once."""
    person.key = uuid.uuid4()  # type: ignore[attr-defined]
    return person


def _desk(request: HtmxHttpRequest, drive: Drive, partial: bool) -> TemplateResponse:
    query = request.GET.get("q", "")[:QUERY_MAX]
    people = matching(drive, query).exclude(status=DriveSignup.Status.CANCELLED)
    found = list(people.order_by("name", "pk")[: CHECKIN_SHOWN + 1])
    context = {
        "drive": drive,
        "query": query,
        "people": [_desk_row(p) for p in found[:CHECKIN_SHOWN]],
        "more": len(found) > CHECKIN_SHOWN,
        "arrived": arrived(drive),
        "open": drive.status == Drive.Status.PUBLISHED and not drive.is_appeal,
        "oob": partial,
    }
    template = "recruitment/organisers/checkin.html"
    if partial:
        template += "#checkin-found"
    return TemplateResponse(request, template, context)


@organiser_drive()
def checkin_page(request: HtmxHttpRequest, drive: Drive) -> TemplateResponse:
    return _desk(request, drive, partial=False)


def _desk_shows(request: HttpRequest, drive: Drive) -> tuple[str, ...]:
    """The desk as every organiser of this drive sees it until a sign-up changes: kept by the
    site (registry.http_cache) with each one's CSRF token filled in. A tap's key is then the
    same for everyone looking at the same state, which is what it stands for: that action
    from that state, counted once."""
    return (f"desk:{drive.code}",)


@organiser_drive()
@kept(_desk_shows, seconds=lambda: settings.RENDER_CACHE_SECONDS, form=True)
def checkin_search(request: HtmxHttpRequest, drive: Drive) -> TemplateResponse:
    """What the search box asks as the organiser types: the list and the counter (the whole
    page when asked without htmx)."""
    return _desk(request, drive, partial=bool(request.htmx))


@organiser_drive(("POST",))
def checkin_tap(request: HtmxHttpRequest, drive: Drive, signup_id: int) -> HttpResponse:
    if not DriveSignup.objects.filter(drive=drive, pk=signup_id).exists():
        raise Http404
    undo = request.POST.get("action") == "undo"
    try:
        key: uuid.UUID | None = uuid.UUID(request.POST.get("key", ""))
    except ValueError:
        key = None
    problem = ""
    if drive.status != Drive.Status.PUBLISHED or drive.is_appeal:
        problem = _("Check-in opens once the drive is published.")
    elif key is None:
        problem = _("This page was out of date. Please tap again.")
    elif (
        checkin(
            drive=drive,
            signup_id=signup_id,
            key=key,
            by=request.user,
            now=timezone.now(),
            undo=undo,
        )
        is None
    ):
        problem = (
            _("A walk-in's registration cannot be undone here.")
            if undo
            else _("Only someone signed up can be checked in. Register them as a walk-in.")
        )
    person = DriveSignup.objects.select_related("window").get(pk=signup_id)
    if request.htmx:
        context = {
            "drive": drive,
            "person": _desk_row(person),
            "problem": problem,
            "query": request.POST.get("q", "")[:QUERY_MAX],
            "arrived": arrived(drive),
            "oob": True,
            "open": drive.status == Drive.Status.PUBLISHED,
        }
        return TemplateResponse(
            request, "recruitment/organisers/checkin.html#checkin-tapped", context
        )
    if problem:
        messages.error(request, f"{person.name}: {problem}")
    elif undo:
        messages.info(request, _("Check-in undone: %(name)s") % {"name": person.name})
    else:
        messages.success(request, _("Checked in: %(name)s") % {"name": person.name})
    query = request.POST.get("q", "")[:QUERY_MAX]
    back = reverse("organiser-checkin", kwargs={"code": drive.code})
    back += f"?{urlencode({'q': query})}" if query else ""
    return HttpResponseRedirect(f"{back}#signup-{person.pk}")


# Walk-ins


@organiser_drive(("GET", "HEAD", "POST"))
def walk_in(request: HtmxHttpRequest, drive: Drive) -> HttpResponse:
    """Someone who came without signing up: the registry's questions and their age on the
    drive's day, their details and consent; then they are signed up and checked in at once,
    taking a place like anyone else."""
    now = timezone.now()
    rules = RulesVersion.objects.current().rules()
    consent = ConsentText.objects.current()
    windows = [w for w in DriveWindow.objects.filter(drive=drive) if w.places_left]
    today = timezone.localdate()
    posted = request.POST if request.method == "POST" else None
    questions = QuestionsForm(posted, rules=rules)
    form = WalkInForm(
        posted,
        windows=windows,
        today=today,
        initial={"language": language(), "request_key": uuid.uuid4()},
    )
    context: dict[str, Any] = {
        "drive": drive,
        "rules": rules,
        "consent": consent,
        "questions": questions,
        "form": form,
        "open": drive.open_for_signup(now),
        "arrived": arrived(drive),
    }
    template = "recruitment/organisers/walkin.html"
    if posted is None:
        return TemplateResponse(request, template, context)
    if not context["open"] or drive.day is None:
        context["problem"] = "closed"
        return TemplateResponse(request, template, context, status=409)
    wait = limited_for(request, "organiser-walkin", WALKIN_RATE)
    if wait:
        return too_many(request, wait, request.path)
    valid = questions.is_valid()
    valid = form.is_valid() and valid
    if not valid:
        return TemplateResponse(request, template, context, status=400)
    data = form.cleaned_data
    details = Details.from_form(data, consent, via=ConsentVia.DRIVE)
    already = (
        DriveSignup.objects.filter(details.same_person(), drive=drive)
        .exclude(status=DriveSignup.Status.CANCELLED)
        .first()
    )
    if already is not None:
        context.update(problem="already", already=already)
        return TemplateResponse(request, template, context, status=409)
    result = eligibility.judge(rules, data["born"], questions.answers(), drive.day)
    if not result.eligible:
        context.update(problem="not-eligible", result=result)
        return TemplateResponse(request, template, context)
    proof = eligibility.Proof(version=rules.version, checked_on=today, born_on=data["born"])
    try:
        done = signup_create(
            drive_id=drive.pk,
            details=details,
            proof=proof,
            request_key=data["request_key"],
            now=now,
            window_id=data.get("window"),
            walk_in_by=request.user,
        )
    except DriveFull:
        context["problem"] = "full"
        return TemplateResponse(request, template, context, status=409)
    except DriveClosed:
        context["problem"] = "closed"
        return TemplateResponse(request, template, context, status=409)
    except (NotEligibleOnThatDay, RulesChanged):
        context["problem"] = "rules-changed"
        return TemplateResponse(request, template, context, status=409)
    if done.signup is None:
        context.update(problem="already", already=None)
        return TemplateResponse(request, template, context, status=409)
    messages.success(
        request,
        _("%(name)s is registered and checked in. Thank you!") % {"name": done.signup.name},
    )
    return HttpResponseRedirect(request.path)
