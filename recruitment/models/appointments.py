from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from recruitment.calendar import CalendarEvent
from recruitment.models.people import Person
from recruitment.models.sites import Slot


class Appointment(Person):
    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("did not come")

    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("slot")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.BOOKED
    )
    email_normalized = models.CharField(_("email, normalised"), max_length=254, editable=False)
    # A random key sent with the form: the same form submitted twice makes one booking.
    request_key = models.UUIDField(_("form key"), unique=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Bumped on every change so calendar apps replace the event they imported.
    calendar_sequence = models.PositiveSmallIntegerField(
        _("calendar version"), default=0, editable=False
    )
    # The drive or appeal this person joined through (its link, or its code typed at booking).
    drive = models.ForeignKey(
        "recruitment.Drive",
        verbose_name=_("joined through drive or appeal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by staff"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["slot__starts_at"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.UniqueConstraint(
                fields=["email_normalized"],
                condition=Q(status="booked"),
                name="one_active_appointment_per_email",
            ),
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(status="booked"),
                name="one_active_appointment_per_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.slot}"

    @property
    def active(self) -> bool:
        return self.status == self.Status.BOOKED

    def manageable(self, now: dt.datetime) -> bool:
        """Whether its manage link still opens: while it is booked and not yet over."""
        return self.active and now < self.slot.ends_at

    def markable(self, now: dt.datetime) -> bool:
        """Attendance is marked from the appointment's own day (in the site's zone) on."""
        return self.status != self.Status.CANCELLED and now >= self.day_starts_at

    def unmarkable(self, now: dt.datetime) -> bool:
        """A mark can be taken back on the appointment's day only."""
        return (
            self.status in (self.Status.ATTENDED, self.Status.NO_SHOW)
            and self.slot.site.local_today(now) == self.slot.day
        )

    @property
    def day_starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.slot.day, dt.time(), tzinfo=self.slot.site.zone)

    def calendar_event(self, *, cancelled: bool = False) -> CalendarEvent:
        site = self.slot.site
        with translation.override(self.language):
            return CalendarEvent(
                uid=f"appointment-{self.pk}@registry",
                title=str(translation.gettext("Blood test for the bone marrow donor registry")),
                # The site's own list usually names the passport already: say it once.
                description=site.what_to_bring
                or translation.gettext("Bring your passport or another photo ID."),
                location=f"{site.name}, {site.address}",
                starts_at=self.slot.starts_at,
                ends_at=self.slot.ends_at,
                time_zone=site.time_zone,
                sequence=self.calendar_sequence,
                cancelled=cancelled,
            )
