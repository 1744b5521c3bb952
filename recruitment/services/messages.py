"""What an outbox row says when it goes out: an email (subject, text, HTML, calendar file,
headers) or an SMS (a short text with a short link).

Rendered at sending time, in the recipient's language, from the rows the message names; a
working link is minted at that moment and only its hash is kept (recruitment.models.tokens).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from recruitment.calendar import ics_bytes
from recruitment.models import Appointment, DriveSignup, LinkToken, OutboxEmail
from recruitment.signed_links import AGAIN_SALT, STOP_SALT, sign_booking
from recruitment.sms import segments

REMINDER_SUFFIX = "-reminder"
SPLIT_PART = {"GSM-7": 153, "UCS-2": 67}  # units in each part of a text sent in several


class NoLongerNeeded(Exception):
    """The link the message exists for no longer opens anything (a cancelled appointment, an
    expired offer), or the reminder's moment has passed: sending it would only confuse."""


def _plain(name: str, context: dict[str, Any]) -> str:
    """A plain-text template, not HTML-escaped (O'Brien, not O&#x27;Brien)."""
    return get_template(name).template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]


def starts_of(booked: Appointment | DriveSignup | None) -> dt.datetime | None:
    if isinstance(booked, Appointment):
        return booked.slot.starts_at
    if isinstance(booked, DriveSignup):
        return booked.window.starts_at if booked.window else booked.drive.starts_at
    return None


def _reminder_void(row: OutboxEmail, booked: Appointment | DriveSignup | None, now: Any) -> bool:
    """A reminder is not sent once its appointment or sign-up has begun (a worker was away),
    or after the person stopped reminders for it."""
    if not row.kind.endswith(REMINDER_SUFFIX):
        return False
    starts = starts_of(booked)
    stopped = booked is not None and booked.reminders_stopped_at is not None
    return starts is None or starts <= now or stopped


def _booked_ref(booked: Appointment | DriveSignup) -> tuple[str, int]:
    return ("a" if isinstance(booked, Appointment) else "s", booked.pk)


def stop_url(booked: Appointment | DriveSignup) -> str:
    """The one-click link that stops this booking's reminders (absolute, for the email and
    its List-Unsubscribe header)."""
    value = sign_booking(*_booked_ref(booked), salt=STOP_SALT)
    return settings.SITE_URL + reverse("reminders-stop", kwargs={"value": value})


def again_url(booked: Appointment | DriveSignup) -> str:
    value = sign_booking(*_booked_ref(booked), salt=AGAIN_SALT)
    return settings.SITE_URL + reverse("book-again", kwargs={"value": value})


Links = list[LinkToken] | None


def _minted(links: Links, **what: Any) -> str:
    """A new token: saved now, or added to `links` for the batch to save at once (before any
    message of the batch is sent)."""
    if links is None:
        return LinkToken.mint(**what)
    token, link = LinkToken.build(**what)
    links.append(link)
    return token


def _link(
    row: OutboxEmail, now: dt.datetime, context: dict[str, Any], short: bool, links: Links
) -> str:
    """Mint the working link the message carries into `context`; returns its token."""
    appointment, entry, signup = row.appointment, row.waitlist_entry, row.drive_signup
    token = ""
    if row.link == OutboxEmail.Link.MANAGE:
        if appointment is None or not appointment.manageable(now):
            raise NoLongerNeeded
        token = _minted(links, now=now, appointment=appointment, short=short)
        context["manage_url"] = reverse("manage", kwargs={"token": token})
    elif row.link == OutboxEmail.Link.OFFER:
        if entry is None or not entry.offer_open(now):
            raise NoLongerNeeded
        token = _minted(links, now=now, waitlist_entry=entry)
        context["offer_url"] = reverse("offer", kwargs={"token": token})
    elif row.link == OutboxEmail.Link.SIGNUP:
        if signup is None or not signup.manageable(now):
            raise NoLongerNeeded
        token = _minted(links, now=now, drive_signup=signup, short=short)
        context["manage_url"] = reverse("drive-signup-manage", kwargs={"token": token})
    elif row.link == OutboxEmail.Link.PASSWORD:
        user = row.user
        if user is None or not user.is_active:
            raise NoLongerNeeded
        # Django's own one-time token: it stops working once the password is set.
        token = default_token_generator.make_token(user)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        context["password_url"] = reverse(
            "organiser-password", kwargs={"uidb64": uid, "token": token}
        )
    if token and short:
        # Without "https://": phones make a link of a bare address, and the 8 characters
        # keep what, when and the link in the first part of a Cyrillic text.
        context["short_url"] = f"{settings.SITE_URL.split('://', 1)[-1]}/s/{token}"
    return token


def _context(row: OutboxEmail) -> dict[str, Any]:
    context: dict[str, Any] = {
        "site_url": settings.SITE_URL,
        "contact_email": settings.REGISTRY_CONTACT_EMAIL,
    }
    appointment, entry, signup = row.appointment, row.waitlist_entry, row.drive_signup
    if appointment is not None:
        context.update(appointment=appointment, slot=appointment.slot, site=appointment.slot.site)
    if entry is not None:
        context.update(entry=entry, slot=entry.offered_slot, site=entry.site)
    context.update(
        signup=signup,
        drive=row.drive,
        user=row.user,
        proposal=row.proposal,
        note=row.note,
        person=appointment or signup,
    )
    return context


def outbox_render(
    row: OutboxEmail, now: dt.datetime, links: Links = None
) -> tuple[EmailMultiAlternatives, str]:
    """The email as it goes out, and the token in it ("" when it carries none). With `links`,
    its new link is added there for the caller to save."""
    context = _context(row)
    booked = row.appointment or row.drive_signup
    if _reminder_void(row, booked, now):
        raise NoLongerNeeded
    headers = {"Message-ID": row.message_id}
    with translation.override(row.language):
        token = _link(row, now, context, short=False, links=links)
        if booked is not None and row.kind.endswith(REMINDER_SUFFIX):
            context["stop_url"] = stop_url(booked)
            # RFC 2369 and RFC 8058: mail apps offer their own one-click "unsubscribe".
            headers["List-Unsubscribe"] = f"<{context['stop_url']}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        if booked is not None and row.kind.endswith("-missed"):
            context["again_url"] = again_url(booked)
        subject = " ".join(render_to_string(f"emails/{row.kind}-subject.txt", context).split())
        text = _plain(f"emails/{row.kind}-body.txt", context)
        html = render_to_string(f"emails/{row.kind}-body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[row.to], headers=headers)
    message.attach_alternative(html, "text/html")
    if row.calendar and booked is not None:
        cancelled = row.calendar == OutboxEmail.Calendar.CANCELLED
        event = booked.calendar_event(cancelled=cancelled)
        name = "cancelled.ics" if cancelled else "appointment.ics"
        message.attach(name, ics_bytes(event, now=now).decode(), "text/calendar")
    return message, token


def zone_short(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """A zone as few characters say it: "MSK", "CEST", or "UTC+5" where it has no letters."""
    name = moment.astimezone(zone).tzname() or ""
    if name[:1] in "+-":
        return f"UTC{int(name):+d}" if name[1:].isdigit() else f"UTC{name}"
    return name


def _when_where(row: OutboxEmail) -> tuple[str, str]:
    """The local day and time with its zone, and the place, for an SMS."""
    booked = row.appointment or row.drive_signup
    starts = starts_of(booked)
    if row.appointment is not None:
        zone, place = row.appointment.slot.site.zone, row.appointment.slot.site.address
    else:
        assert row.drive is not None
        zone, place = row.drive.zone, row.drive.venue
    assert starts is not None
    local = starts.astimezone(zone)
    when = f"{formats.date_format(local, 'j.m')} {local:%H:%M} {zone_short(starts, zone)}"
    return when, place


def sms_render(row: OutboxEmail, now: dt.datetime, links: Links = None) -> tuple[str, str]:
    """An SMS's text and the token in it. A reminder's essentials come first (what, when in
    local time, where, the short link), so they are in its first part however it is split."""
    booked = row.appointment or row.drive_signup
    if _reminder_void(row, booked, now):
        raise NoLongerNeeded
    context = _context(row)
    with translation.override(row.language):
        token = _link(row, now, context, short=True, links=links)
        link = context.get("short_url", "")
        when, place = _when_where(row) if booked is not None else ("", "")
        if row.kind.endswith(REMINDER_SUFFIX):
            # What, when and the link first, so they are in the first part; the name of what
            # is shortened when the whole line would not fit it (a long domain). The place
            # follows.
            if row.kind.startswith("drive"):
                what, short = _("Donor drive"), _("Drive")
            else:
                what, short = _("HLA blood test"), _("HLA test")
            first = f"{what} {when} {link}"
            if len(first) + 1 > SPLIT_PART[segments(first + "\n" + place).encoding]:
                first = f"{short} {when} {link}"
            lines = [first, place]
            if settings.SMS_REPLIES:
                lines.append(_("Reply YES if you are coming, NO to cancel."))
            lines.append(_("Can't come? Cancel: your place goes to someone waiting."))
        elif row.kind == "sms-confirmed":
            lines = [_("Thank you! We expect you %(when)s.") % {"when": when}]
        elif row.kind == "sms-cancelled":
            lines = [_("Cancelled: %(when)s. Thank you for freeing the place.") % {"when": when}]
        elif row.kind == "sms-stopped":
            lines = [_("You will get no more SMS from us. Email reminders go on.")]
        elif booked is not None:  # sms-help
            lines = [
                _("Reply YES to confirm %(when)s, NO to cancel, STOP to end SMS.") % {"when": when},
                link,
            ]
        else:
            lines = [
                _("We found no booking ahead for this number. To join: %(url)s")
                % {"url": settings.SITE_URL},
            ]
    return "\n".join(line for line in lines if line), token
