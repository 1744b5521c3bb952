from __future__ import annotations

import datetime as dt

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
    """An email waiting to go out, written in the same transaction as the change that caused
    it. A worker claims a row before sending it, so each goes out once."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("no longer needed")

    kind = models.CharField(_("kind"), max_length=40)
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=2)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"))
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    appointment = models.ForeignKey(
        "recruitment.Appointment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    # Keeps a message that must exist once (a reminder for one appointment) from being queued
    # twice.
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["status", "send_after"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
