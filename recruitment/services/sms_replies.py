"""What people's answers to our SMS do, and the gateway's delivery reports.

A reply acts on the number's next booking that is still ahead (an appointment, else a drive
sign-up): "yes" confirms it, "no" cancels it (its place goes to the waiting list, as a cancel
on the manage page would), "stop" ends SMS to that number. Each gets one short answer. Anything
else gets one help answer, and a second unknown reply within HELP_AGAIN_AFTER gets none, so two
machines answering each other never loop. The same reply posted twice by the gateway acts once.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import IntegrityError, transaction
from django.utils import timezone

from recruitment.models import Appointment, DriveSignup, OutboxEmail, SmsOptOut, SmsReply
from recruitment.services.appointments import appointment_cancel
from recruitment.services.drives import signup_cancel
from recruitment.services.outbox import outbox_enqueue
from recruitment.services.reminders import KINDS, booking_confirm

HELP_AGAIN_AFTER = dt.timedelta(days=7)

YES = {"yes", "y", "ok", "okay", "confirm", "да", "д", "ок", "ага", "приду", "подтверждаю"}
NO = {"no", "n", "cancel", "нет", "н", "отмена", "отменить", "отменяю", "не приду"}
STOP = {"stop", "stopall", "unsubscribe", "end", "quit", "стоп", "отписаться", "хватит"}

Outcome = SmsReply.Outcome


def reply_intent(text: str) -> str:
    """ "yes", "no", "stop" or "" for a reply's text, in either language, any case, with or
    without punctuation ("Да!", " YES.", "Не приду")."""
    words = re.sub(r"[^\w\s]", " ", text.casefold().replace("ё", "е")).split()
    if not words:
        return ""
    phrase = " ".join(words[:2])
    for intent, vocabulary in (("stop", STOP), ("no", NO), ("yes", YES)):
        if phrase in vocabulary or words[0] in vocabulary:
            return intent
    return ""


def _next_booking(phone: str, now: dt.datetime) -> Appointment | DriveSignup | None:
    appointment = (
        Appointment.objects.filter(
            phone=phone, status=Appointment.Status.BOOKED, slot__starts_at__gt=now
        )
        .select_related("slot__site")
        .order_by("slot__starts_at")
        .first()
    )
    if appointment is not None:
        return appointment
    return (
        DriveSignup.objects.filter(
            phone=phone, status=DriveSignup.Status.SIGNED_UP, drive__ends_at__gt=now
        )
        .select_related("drive", "window")
        .order_by("drive__starts_at")
        .first()
    )


def _answer(phone: str, kind: str, booked: Appointment | DriveSignup | None, lang: str) -> None:
    """One SMS back; only the help answer carries the booking's link."""
    link = OutboxEmail.Link.NONE
    if kind == "sms-help" and booked is not None:
        appointment = isinstance(booked, Appointment)
        link = OutboxEmail.Link.MANAGE if appointment else OutboxEmail.Link.SIGNUP
    outbox_enqueue(
        kind=kind,
        channel=OutboxEmail.Channel.SMS,
        to=phone,
        language=lang,
        appointment=booked if isinstance(booked, Appointment) else None,
        drive_signup=booked if isinstance(booked, DriveSignup) else None,
        link=link,
    )


def _language(text: str, booked: Appointment | DriveSignup | None) -> str:
    if booked is not None:
        return booked.language
    return "ru" if re.search(r"[а-яё]", text, re.IGNORECASE) else "en"


def sms_reply_handle(
    *, phone: str, text: str, provider_id: str = "", now: dt.datetime | None = None
) -> str:
    """Act on one reply; returns its outcome (SmsReply.Outcome)."""
    now = now or timezone.now()
    intent = reply_intent(text)
    try:
        with transaction.atomic():
            booked = _next_booking(phone, now)
            reply = SmsReply.objects.create(
                phone=phone,
                text=text[:1600],
                provider_id=provider_id[:64],
                received_at=now,
                outcome=Outcome.NOTHING,
                appointment=booked if isinstance(booked, Appointment) else None,
                drive_signup=booked if isinstance(booked, DriveSignup) else None,
            )
            reply.outcome = _act(intent, phone, text, booked, now, reply.pk)
            reply.save(update_fields=["outcome"])
    except IntegrityError:
        return Outcome.IGNORED  # the gateway posted this reply before: it has acted already
    return reply.outcome


def _act(
    intent: str,
    phone: str,
    text: str,
    booked: Appointment | DriveSignup | None,
    now: dt.datetime,
    reply_pk: int,
) -> str:
    language = _language(text, booked)
    if intent == "stop":
        SmsOptOut.objects.get_or_create(phone=phone, defaults={"reason": "STOP", "created_at": now})
        # The SMS reminders still waiting are dropped; the email ones stay.
        OutboxEmail.objects.filter(
            channel=OutboxEmail.Channel.SMS,
            to=phone,
            kind__in=KINDS,
            status__in=(OutboxEmail.Status.QUEUED, OutboxEmail.Status.FAILED),
        ).update(status=OutboxEmail.Status.CANCELLED)
        _answer(phone, "sms-stopped", None, language)
        return Outcome.STOPPED
    if intent in ("yes", "no") and booked is not None:
        if intent == "yes":
            booking_confirm(booked, now)
            _answer(phone, "sms-confirmed", booked, language)
            return Outcome.CONFIRMED
        if isinstance(booked, Appointment):
            appointment_cancel(appointment_id=booked.pk, now=now)
        else:
            signup_cancel(signup_id=booked.pk, now=now)
        _answer(phone, "sms-cancelled", booked, language)
        return Outcome.CANCELLED
    helped = (
        SmsReply.objects.filter(
            phone=phone,
            outcome__in=(Outcome.UNKNOWN, Outcome.NOTHING),
            received_at__gt=now - HELP_AGAIN_AFTER,
        )
        .exclude(pk=reply_pk)
        .exists()
    )
    if helped:
        return Outcome.IGNORED
    _answer(phone, "sms-help", booked, language)
    return Outcome.NOTHING if intent else Outcome.UNKNOWN


def sms_report_handle(*, provider_id: str, delivered: bool | None, status: str) -> int:
    """A delivery report: recorded on the message it is about (0 when none is known)."""
    if delivered is None or not provider_id:
        return 0
    return OutboxEmail.objects.filter(
        channel=OutboxEmail.Channel.SMS, provider_id=provider_id
    ).update(
        delivery=OutboxEmail.Delivery.DELIVERED if delivered else OutboxEmail.Delivery.UNDELIVERED,
        last_error="" if delivered else f"gateway: {status}"[:2000],
    )
