"""Numbers that asked for no more SMS, and the replies people sent to ours."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SmsOptOut(models.Model):
    """A number that sent STOP (or that staff stopped): no SMS goes to it again, for any
    booking, until the person opts in anew at a booking."""

    phone = models.CharField(_("phone"), max_length=20, unique=True)
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    reason = models.CharField(_("why"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("number that stopped SMS")
        verbose_name_plural = _("numbers that stopped SMS")

    def __str__(self) -> str:
        return self.phone


class SmsReply(models.Model):
    """An SMS someone sent back, and what it did."""

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed they are coming")
        CANCELLED = "cancelled", _("cancelled the booking")
        STOPPED = "stopped", _("stopped SMS to this number")
        UNKNOWN = "unknown", _("not understood; a help answer was sent")
        IGNORED = "ignored", _("not understood; no answer (one was sent already)")
        NOTHING = "nothing", _("no booking to act on")

    phone = models.CharField(_("phone"), max_length=20)
    text = models.CharField(_("text"), max_length=1600)
    provider_id = models.CharField(_("gateway's message id"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    appointment = models.ForeignKey(
        "recruitment.Appointment",
        verbose_name=_("appointment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sms_replies",
    )
    drive_signup = models.ForeignKey(
        "recruitment.DriveSignup",
        verbose_name=_("drive sign-up"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sms_replies",
    )

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("SMS reply")
        verbose_name_plural = _("SMS replies")
        constraints = [
            # A gateway that posts the same reply twice acts once.
            models.UniqueConstraint(
                fields=["provider_id"],
                condition=~models.Q(provider_id=""),
                name="sms_reply_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:40]}"
