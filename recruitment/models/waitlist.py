from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from recruitment.models.appointments import Appointment
from recruitment.models.people import Person
from recruitment.models.sites import Slot, TypingSite


class WaitlistEntry(Person):
    """Someone waiting for a place at a site on a day that was full."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("offered a place")
        BOOKED = "booked", _("booked")
        EXPIRED = "expired", _("offer expired")
        LEFT = "left", _("left the list")

    site = models.ForeignKey(
        TypingSite, on_delete=models.CASCADE, related_name="waitlist", verbose_name=_("typing site")
    )
    day = models.DateField(_("day at the site"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    email_normalized = models.CharField(_("email, normalised"), max_length=254, editable=False)
    offered_slot = models.ForeignKey(
        Slot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
        verbose_name=_("time offered"),
    )
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    appointment = models.OneToOneField(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("appointment"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("waiting-list entry")
        verbose_name_plural = _("waiting list")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "email_normalized"],
                condition=Q(status__in=["waiting", "offered"]),
                name="one_waitlist_place_per_person_and_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.site} {self.day:%Y-%m-%d}"

    def offer_open(self, now: dt.datetime) -> bool:
        return (
            self.status == self.Status.OFFERED
            and self.offer_expires_at is not None
            and now < self.offer_expires_at
        )
