from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recruitment.models.base import in_language
from recruitment.models.sites import Slot, TypingSite


class ConsentTextQuerySet(models.QuerySet["ConsentText"]):
    def current(self) -> ConsentText:
        return self.order_by("-version")[:1].get()


class ConsentText(models.Model):
    """The consent to the processing of personal data. A booking records which version it
    accepted; a new wording is a new version, never an edit of an old one."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_ru = models.TextField(_("text (Russian)"))
    text_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)

    objects = ConsentTextQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")

    def __str__(self) -> str:
        return _("Consent, version %(version)s") % {"version": self.version}

    @property
    def text(self) -> str:
        return in_language(self, "text")


class Person(models.Model):
    """Who a booking or a waiting-list place is for. The normalised email and phone are what
    "one active appointment per person" is judged by."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=20, help_text=_("In international format."))
    born_on = models.DateField(_("date of birth"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    consent = models.ForeignKey(ConsentText, on_delete=models.PROTECT, verbose_name=_("consent"))
    consented_at = models.DateTimeField(_("consent given"), default=timezone.now)
    rules_version = models.PositiveIntegerField(_("eligibility rules version"))
    rules_checked_on = models.DateField(_("eligibility checked on"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        abstract = True

    @property
    def email_key(self) -> str:
        return self.email.strip().lower()


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
    email_normalized = models.CharField(max_length=254, editable=False)
    # A random key sent with the form: the same form submitted twice makes one booking.
    request_key = models.UUIDField(unique=True, editable=False)
    manage_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    manage_token_expires_at = models.DateTimeField(editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Bumped on every change so calendar apps replace the event they imported.
    calendar_sequence = models.PositiveSmallIntegerField(default=0, editable=False)
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
        return self.active and now < self.manage_token_expires_at


class WaitlistEntry(Person):
    """Someone waiting for a place at a site on a day that was full."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("offered a place")
        BOOKED = "booked", _("booked")
        EXPIRED = "expired", _("offer expired")
        LEFT = "left", _("left the list")

    site = models.ForeignKey(TypingSite, on_delete=models.CASCADE, related_name="waitlist")
    day = models.DateField(_("day at the site"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    email_normalized = models.CharField(max_length=254, editable=False)
    offered_slot = models.ForeignKey(
        Slot, null=True, blank=True, on_delete=models.SET_NULL, related_name="offers"
    )
    offer_token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    appointment = models.OneToOneField(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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
