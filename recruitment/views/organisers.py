"""The organisers' pages: signing in, setting a password, their drives, a drive's dashboard,
editing its draft, and the actions on it (submit, invite, message, cancel, finish).

Every page of a drive finds it through `Drive.objects.of_organiser(request.user)`: a drive the
user does not organise (or no longer does) is a 404, exactly like one that does not exist.
Staff are no exception unless they organise that drive themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView, PasswordResetConfirmView
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import _split_rate, is_ratelimited

from recruitment.forms_organisers import (
    DriveForm,
    InviteForm,
    MessageForm,
    PasswordResetForm,
    SignInForm,
    WindowForm,
    is_organiser,
)
from recruitment.models import Drive, DriveWindow, OutboxEmail, normalize_email
from recruitment.models.drives import drive_code_clean
from recruitment.services.drive_desk import (
    EDITABLE,
    NotEditable,
    TooManyMessages,
    drive_cancel,
    drive_edit,
    drive_finish,
    drive_message,
    window_add,
    window_remove,
)
from recruitment.services.drive_stats import drive_stats
from recruitment.services.drives import DriveClosed
from recruitment.services.organisers import NotReady, drive_submit, organiser_invite
from recruitment.services.outbox import outbox_enqueue
from recruitment.views.base import DONE_COOKIE, done_get, done_set, language

DriveView = Callable[..., HttpResponseBase]

# Rates of the organisers' forms. The reset form is public: per address and per email. The
# rest count per organiser, never per address: one phone at the desk registers a whole hall.
RESET_RATE_ADDRESS = "10/h"
RESET_RATE_EMAIL = "3/h"
INVITE_RATE = "30/h"

# How drive_missing names a field, as the organiser reads it in "please add …".
MISSING = {
    "title": gettext_lazy("a title"),
    "description": gettext_lazy("a description or story"),
    "venue": gettext_lazy("the venue and its address"),
    "city": gettext_lazy("the city"),
    "starts_at": gettext_lazy("a day and hours still to come"),
    "ends_at": gettext_lazy("the end time"),
    "capacity": gettext_lazy("the number of places"),
    "partner": gettext_lazy("the typing partner"),
}

STATUS_ORDER = (
    Drive.Status.PUBLISHED,
    Drive.Status.SUBMITTED,
    Drive.Status.DRAFT,
    Drive.Status.FINISHED,
    Drive.Status.CANCELLED,
)


def limited_for(request: HttpRequest, group: str, rate: str, key: Any = "user") -> int:
    """Seconds to wait when `rate` is used up for this key (0 to go on); fails open."""
    if not settings.RATELIMIT_ENABLE:
        return 0
    if key == "user":
        user_id = str(request.user.pk)
        key = lambda group, request: user_id  # noqa: E731
    if is_ratelimited(request, group=group, key=key, rate=rate, increment=True):
        return _split_rate(rate)[1]
    return 0


def too_many(request: HttpRequest, wait_seconds: int, back: str) -> TemplateResponse:
    context = {"wait_minutes": max(1, -(-wait_seconds // 60)), "back": back}
    response = TemplateResponse(request, "recruitment/organisers/limited.html", context, status=429)
    response["Retry-After"] = str(wait_seconds)
    return response


def drive_for(request: HttpRequest, code: str) -> Drive:
    """The drive with this code if the signed-in user organises it; else the same 404 as for
    a code that does not exist."""
    drive = Drive.objects.of_organiser(request.user).filter(code=drive_code_clean(code)).first()
    if drive is None:
        raise Http404
    return drive


def organiser_drive(methods: Sequence[str] = ("GET", "HEAD")) -> Callable[[DriveView], Any]:
    """Signed in (else to the organisers' sign-in), then the drive (else 404), then the method
    (else 405): a wrong method on someone else's drive is a 404 too, like everything of theirs.
    The view receives the drive instead of its code."""

    def decorate(view: DriveView) -> Any:
        @login_required(login_url="organiser-sign-in")
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, code: str, **kwargs: Any) -> HttpResponseBase:
            drive = drive_for(request, code)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, drive, **kwargs)

        return wrapper

    return decorate


def to_drive(drive: Drive) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("organiser-drive", kwargs={"code": drive.code}))


# Signing in and out, and the password


sign_in = LoginView.as_view(
    template_name="recruitment/organisers/sign_in.html",
    authentication_form=SignInForm,
    next_page=reverse_lazy("organiser-home"),
)
sign_out = LogoutView.as_view(next_page=reverse_lazy("organiser-sign-in"))


class _SetPassword(PasswordResetConfirmView):
    template_name = "recruitment/organisers/password_set.html"
    success_url = reverse_lazy("organiser-password-done")

    def get_user(self, uidb64: str) -> Any:
        user = super().get_user(uidb64)
        return user if user is not None and is_organiser(user) else None


password_set = _SetPassword.as_view()


@require_safe
def password_done(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "recruitment/organisers/password_done.html", {})


@require_http_methods(["GET", "POST"])
@never_cache
def password_reset(request: HttpRequest) -> HttpResponse:
    """A new set-password link by email. The answer is the same whether or not the address
    has an account; only an active organiser's account is sent one."""
    if request.method == "POST":
        form = PasswordResetForm(request.POST)
        valid = form.is_valid()
        email = normalize_email(form.cleaned_data["email"]) if valid else ""
        wait = limited_for(request, "organiser-reset", RESET_RATE_ADDRESS, key="ip")
        if valid and not wait:
            wait = limited_for(
                request,
                "organiser-reset-email",
                RESET_RATE_EMAIL,
                key=lambda group, request: email,
            )
        if wait:
            return too_many(request, wait, reverse("organiser-password-reset"))
        if valid:
            user = get_user_model().objects.filter(username=email, is_active=True).first()
            if user is not None and is_organiser(user):
                outbox_enqueue(
                    kind="organiser-password-reset",
                    to=user.email,
                    language=language(),
                    user=user,
                    link=OutboxEmail.Link.PASSWORD,
                )
            sent = HttpResponseRedirect(reverse("organiser-password-reset"))
            return done_set(sent, reset_email=form.cleaned_data["email"])
    else:
        form = PasswordResetForm()
    context = {"form": form, "sent_to": done_get(request).get("reset_email", "")}
    response = TemplateResponse(request, "recruitment/organisers/password_reset.html", context)
    if context["sent_to"]:
        response.delete_cookie(DONE_COOKIE)
    return response


# My drives


@require_safe
@login_required(login_url="organiser-sign-in")
@never_cache
def home(request: HttpRequest) -> TemplateResponse:
    drives = list(Drive.objects.of_organiser(request.user).order_by("starts_at", "pk"))
    groups = [
        (Drive.Status(status).label, [d for d in drives if d.status == status])
        for status in STATUS_ORDER
    ]
    context = {"groups": [(label, items) for label, items in groups if items]}
    return TemplateResponse(request, "recruitment/organisers/home.html", context)


@organiser_drive()
def dashboard(request: HttpRequest, drive: Drive) -> TemplateResponse:
    now = timezone.now()
    context = {
        "drive": drive,
        "stats": drive_stats(drive, now),
        "can_edit": drive.status in EDITABLE,
        "can_submit": drive.status == Drive.Status.DRAFT,
        "can_finish": drive.status == Drive.Status.PUBLISHED
        and not drive.is_appeal
        and drive.ends_at is not None
        and now >= drive.ends_at,
        "can_cancel": drive.status not in (Drive.Status.FINISHED, Drive.Status.CANCELLED),
        "can_message": drive.status == Drive.Status.PUBLISHED,
        "organisers": drive.organisers.filter(active=True).select_related("user"),
        "now": now,
    }
    return TemplateResponse(request, "recruitment/organisers/drive.html", context)


# Editing the draft


@organiser_drive(("GET", "HEAD", "POST"))
def edit(request: HttpRequest, drive: Drive) -> HttpResponse:
    """The draft's texts, day, places and partner, and its time windows. A drive waiting for
    approval goes back to draft when changed; a published one is not edited here."""
    windows = list(DriveWindow.objects.filter(drive=drive))
    context: dict[str, Any] = {"drive": drive, "windows": windows}
    if drive.status not in EDITABLE:
        if request.method == "POST":
            messages.error(request, _("A published drive cannot be changed here."))
            return to_drive(drive)
        return TemplateResponse(request, "recruitment/organisers/edit.html", context)
    form = DriveForm(initial=DriveForm.initial_of(drive), drive=drive)
    window_form = WindowForm(drive=drive)
    status = 200
    try:
        if request.method == "POST":
            action = request.POST.get("action", "save")
            if action == "save":
                form = DriveForm(request.POST, drive=drive)
                if form.is_valid():
                    drive_edit(drive_id=drive.pk, values=form.values(), now=timezone.now())
                    messages.success(request, _("Your changes are saved."))
                    return to_drive(drive)
                status = 400
            elif action == "add-window":
                window_form = WindowForm(request.POST, drive=drive)
                if window_form.is_valid():
                    data = window_form.cleaned_data
                    window_add(
                        drive_id=drive.pk,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        capacity=data["window_capacity"],
                    )
                    messages.success(request, _("The time window is added."))
                    return HttpResponseRedirect(request.path + "#windows")
                status = 400
            elif action == "remove-window":
                try:
                    window_id = int(request.POST.get("window", ""))
                except ValueError:
                    window_id = 0
                if window_remove(drive_id=drive.pk, window_id=window_id):
                    messages.success(request, _("The time window is removed."))
                else:
                    messages.error(request, _("That window has people signed up in it and stays."))
                return HttpResponseRedirect(request.path + "#windows")
            else:
                return HttpResponseRedirect(request.path)
    except NotEditable:
        messages.error(request, _("A published drive cannot be changed here."))
        return to_drive(drive)
    context.update(form=form, window_form=window_form, editable=True)
    return TemplateResponse(request, "recruitment/organisers/edit.html", context, status=status)


# Actions on a drive


@organiser_drive(("POST",))
def submit(request: HttpRequest, drive: Drive) -> HttpResponse:
    if drive.status != Drive.Status.DRAFT:
        messages.info(request, _("This drive is not a draft: there is nothing to send."))
        return to_drive(drive)
    try:
        drive_submit(drive=drive, now=timezone.now())
    except NotReady as missing:
        names = [str(MISSING.get(name, name)) for name in dict.fromkeys(missing.missing)]
        messages.error(
            request,
            _("Almost there. Before the registry can approve it, please add: %(missing)s.")
            % {"missing": ", ".join(names)},
        )
        return to_drive(drive)
    messages.success(
        request,
        _(
            "Sent for approval. The registry will look at it soon and you will get an email "
            "when it is published."
        ),
    )
    return to_drive(drive)


@organiser_drive(("GET", "HEAD", "POST"))
def invite(request: HttpRequest, drive: Drive) -> HttpResponse:
    form = InviteForm(initial={"language": drive.language})
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            wait = limited_for(request, "organiser-invite", INVITE_RATE)
            if wait:
                return too_many(request, wait, request.path)
            data = form.cleaned_data
            organiser_invite(
                drive=drive,
                email=data["email"],
                name=data["name"],
                language=data["language"],
                by=request.user,
            )
            messages.success(
                request,
                _("%(name)s is invited. They get an email with a link to this drive.")
                % {"name": data["name"]},
            )
            return HttpResponseRedirect(request.path)
    context = {
        "drive": drive,
        "form": form,
        "organisers": drive.organisers.filter(active=True).select_related("user"),
    }
    status = 400 if form.errors else 200
    return TemplateResponse(request, "recruitment/organisers/invite.html", context, status=status)


@organiser_drive(("GET", "HEAD", "POST"))
def message(request: HttpRequest, drive: Drive) -> HttpResponse:
    """A short note to everyone signed up (three a day at most), and the ones sent before."""
    form = MessageForm()
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST)
        if drive.status != Drive.Status.PUBLISHED:
            messages.error(request, _("Messages can be sent once the drive is published."))
            return HttpResponseRedirect(request.path)
        if form.is_valid():
            try:
                sent = drive_message(
                    drive=drive, by=request.user, text=form.cleaned_data["text"], now=timezone.now()
                )
            except TooManyMessages:
                form.add_error(
                    None,
                    _(
                        "This drive has sent three messages in the last 24 hours, the most we "
                        "allow so that people keep reading them. Please try again tomorrow."
                    ),
                )
                status = 429
            except DriveClosed:
                raise Http404 from None
            else:
                messages.success(
                    request,
                    _("Your message is on its way to %(count)d people.")
                    % {"count": sent.recipients},
                )
                return HttpResponseRedirect(request.path)
        else:
            status = 400
    context = {
        "drive": drive,
        "form": form,
        "sent": drive.messages.select_related("by")[:20],
        "can_message": drive.status == Drive.Status.PUBLISHED,
    }
    return TemplateResponse(request, "recruitment/organisers/message.html", context, status=status)


@organiser_drive(("GET", "HEAD", "POST"))
def cancel(request: HttpRequest, drive: Drive) -> HttpResponse:
    """Cancelling takes a second, explicit step: this page asks, its POST cancels."""
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            return HttpResponseRedirect(request.path)
        if drive.status in (Drive.Status.CANCELLED, Drive.Status.FINISHED):
            messages.info(request, _("This drive was already cancelled or finished."))
            return to_drive(drive)
        told = drive_cancel(drive_id=drive.pk, now=timezone.now())
        messages.success(
            request,
            _("The drive is cancelled. %(count)d people signed up or waiting are being told.")
            % {"count": told},
        )
        return to_drive(drive)
    context = {"drive": drive, "stats": drive_stats(drive, timezone.now())}
    return TemplateResponse(request, "recruitment/organisers/cancel.html", context)


@organiser_drive(("POST",))
def finish(request: HttpRequest, drive: Drive) -> HttpResponse:
    now = timezone.now()
    if (
        drive.status != Drive.Status.PUBLISHED
        or drive.is_appeal
        or drive.ends_at is None
        or now < drive.ends_at
    ):
        messages.error(request, _("A drive can be finished once it is over."))
        return to_drive(drive)
    samples = drive_finish(drive_id=drive.pk, now=now)
    messages.success(
        request,
        _(
            "The drive is finished: %(count)d samples are recorded for the registry. Thank you "
            "for everything you did."
        )
        % {"count": samples},
    )
    return to_drive(drive)
