from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxQuerySet(models.QuerySet["OutboxEmail"]):
    def due(self, now: dt.datetime, stuck_after: dt.timedelta) -> OutboxQuerySet:
        """Queued rows whose time has come, and rows stuck "sending" (a worker died)."""
        return self.filter(
            Q(status=OutboxEmail.Status.QUEUED, send_after__lte=now)
            | Q(status=OutboxEmail.Status.SENDING, claimed_at__lt=now - stuck_after)
        )


class OutboxEmail(models.Model):
    """A message (an email, or an SMS) waiting to go out, written in the same transaction as
    the change that caused it. A worker claims a row before sending it, so each goes out once.

    The message is rendered when it is sent, in the recipient's language, from the rows it names
    (an appointment, a waiting-list entry), with a working link minted at that moment. What is
    kept here afterwards is the text as sent with its link removed: a row never holds a token
    that opens anything."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("no longer needed")

    class Link(models.TextChoices):
        NONE = "", _("no link")
        MANAGE = "manage", _("manage link")
        OFFER = "offer", _("offer link")
        SIGNUP = "signup", _("drive sign-up link")
        PASSWORD = "password", _("set-password link")

    class Calendar(models.TextChoices):
        NONE = "", _("no calendar file")
        EVENT = "event", _("calendar event")
        CANCELLED = "cancelled", _("calendar cancellation")

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        SMS = "sms", _("SMS")

    class Delivery(models.TextChoices):
        UNKNOWN = "", _("not reported")
        DELIVERED = "delivered", _("delivered")
        UNDELIVERED = "undelivered", _("not delivered")

    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(
        _("channel"), max_length=5, choices=Channel.choices, default=Channel.EMAIL
    )
    # An email address, or a phone number in international form for an SMS.
    to = models.CharField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=2)
    link = models.CharField(_("link"), max_length=10, choices=Link.choices, blank=True)
    calendar = models.CharField(
        _("calendar file"), max_length=10, choices=Calendar.choices, blank=True
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("plain text, link removed"), blank=True)
    appointment = models.ForeignKey(
        "recruitment.Appointment",
        verbose_name=_("appointment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    waitlist_entry = models.ForeignKey(
        "recruitment.WaitlistEntry",
        verbose_name=_("waiting-list place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    drive_signup = models.ForeignKey(
        "recruitment.DriveSignup",
        verbose_name=_("drive sign-up"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    drive = models.ForeignKey(
        "recruitment.Drive",
        verbose_name=_("drive"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    proposal = models.ForeignKey(
        "recruitment.DriveProposal",
        verbose_name=_("drive proposal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    # An organiser's own emails (a set-password link, an invitation).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Free text a message carries as it was written (an organiser's note to sign-ups).
    note = models.TextField(_("note"), blank=True)
    # Keeps a message that must exist once (a reminder for one appointment) from being queued
    # twice.
    dedupe_key = models.CharField(
        _("sent once under"), max_length=120, unique=True, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # An SMS's cost in parts (GSM-7: 160 characters, or 153 each when split; one Cyrillic letter
    # makes it UCS-2: 70, or 67 each), the gateway's id for it and what its report said.
    segments = models.PositiveSmallIntegerField(_("SMS parts"), default=0)
    provider_id = models.CharField(_("gateway's message id"), max_length=64, blank=True)
    delivery = models.CharField(
        _("delivery report"), max_length=12, choices=Delivery.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(fields=["status", "send_after"]),
            models.Index(fields=["provider_id"], name="outbox_provider_id"),
            # The admin's counts for the last day and week, per channel.
            models.Index(fields=["channel", "created_at"], name="outbox_channel_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"

    @property
    def client_id(self) -> str:
        """An SMS's id of our own, the same for every attempt (the gateway's duplicate check)."""
        return f"outbox-{self.pk}"

    @property
    def message_id(self) -> str:
        """The same for every attempt at this row, so a receiver can drop a second copy sent
        after a crash between the server's "accepted" and our "sent"."""
        return (
            f"<outbox-{self.pk}-{self.created_at:%Y%m%d%H%M%S}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"
        )
