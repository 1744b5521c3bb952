from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from recruitment.models.base import in_language
from registry.http_cache import versions_bump


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone name."), params={"value": value}
        )


class TypingSite(models.Model):
    """A lab office where volunteers give the small blood sample for HLA typing."""

    slug = models.SlugField(_("short name"), unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    city_ru = models.CharField(_("city (Russian)"), max_length=100)
    city_en = models.CharField(_("city (English)"), max_length=100)
    region_ru = models.CharField(_("region (Russian)"), max_length=100)
    region_en = models.CharField(_("region (English)"), max_length=100)
    address_ru = models.CharField(_("address (Russian)"), max_length=300)
    address_en = models.CharField(_("address (English)"), max_length=300)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("An IANA name, such as Europe/Moscow or Asia/Vladivostok."),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)
    phone = models.CharField(_("phone"), max_length=32)
    directions_ru = models.TextField(_("how to get there (Russian)"), blank=True)
    directions_en = models.TextField(_("how to get there (English)"), blank=True)
    accessibility_ru = models.TextField(_("accessibility (Russian)"), blank=True)
    accessibility_en = models.TextField(_("accessibility (English)"), blank=True)
    what_to_bring_ru = models.TextField(_("what to bring (Russian)"), blank=True)
    what_to_bring_en = models.TextField(_("what to bring (English)"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["city_en", "name_en"]
        verbose_name = _("typing site")
        verbose_name_plural = _("typing sites")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90)
                & Q(longitude__gte=-180, longitude__lte=180),
                name="typing_site_coordinates_on_earth",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_today(self, now: dt.datetime) -> dt.date:
        return now.astimezone(self.zone).date()

    name = property(lambda self: in_language(self, "name"))
    city = property(lambda self: in_language(self, "city"))
    region = property(lambda self: in_language(self, "region"))
    address = property(lambda self: in_language(self, "address"))
    directions = property(lambda self: in_language(self, "directions"))
    accessibility = property(lambda self: in_language(self, "accessibility"))
    what_to_bring = property(lambda self: in_language(self, "what_to_bring"))


class OpeningPattern(models.Model):
    """A weekly opening: on this weekday, from–to, in slots of N minutes for M people each."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    site = models.ForeignKey(
        TypingSite, on_delete=models.CASCADE, related_name="patterns", verbose_name=_("typing site")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=15)
    places = models.PositiveSmallIntegerField(_("people per slot"), default=2)

    class Meta:
        ordering = ["site", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="pattern_opens_first"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="pattern_slot_5_min"),
            models.CheckConstraint(condition=Q(places__gte=1), name="pattern_at_least_one_place"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """A day a site is closed (a holiday, a day off); no slots are offered that day."""

    site = models.ForeignKey(
        TypingSite, on_delete=models.CASCADE, related_name="closures", verbose_name=_("typing site")
    )
    day = models.DateField(_("day"))
    reason_ru = models.CharField(_("reason (Russian)"), max_length=200, blank=True)
    reason_en = models.CharField(_("reason (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["site", "day"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="one_closure_a_day")]

    def __str__(self) -> str:
        return f"{self.site} {self.day:%Y-%m-%d}"

    reason = property(lambda self: in_language(self, "reason"))


class SlotQuerySet(models.QuerySet["Slot"]):
    def bookable(self, now: dt.datetime) -> SlotQuerySet:
        """Slots in the future with at least one free place, at open sites."""
        return self.filter(
            starts_at__gt=now, closed=False, booked__lt=F("capacity"), site__active=True
        )

    def booked_add(self, delta: int) -> None:
        """Count `delta` more booked places (fewer when negative) in these slots."""
        availability_changed(self.values_list("site_id", flat=True))
        self.update(booked=F("booked") + delta)

    def at(self, site: TypingSite) -> SlotQuerySet:
        return self.filter(site=site)


class Slot(models.Model):
    """A time at a site with a number of places. Times are stored in UTC."""

    site = models.ForeignKey(
        TypingSite, on_delete=models.CASCADE, related_name="slots", verbose_name=_("typing site")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    day = models.DateField(_("day at the site"), help_text=_("The date in the site's time zone."))
    capacity = models.PositiveSmallIntegerField(_("places"))
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)
    closed = models.BooleanField(_("closed"), default=False)
    # Set when staff change the places or close the slot by hand: applying the opening hours
    # again (every hour) then leaves it as staff left it.
    set_by_staff = models.BooleanField(_("set by staff"), default=False, editable=False)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["site", "starts_at"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(fields=["site", "starts_at"], name="one_slot_a_time"),
            # The last line of defence for invariant 1; booking never relies on it alone.
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="slot_never_overbooked"
            ),
        ]
        indexes = [models.Index(fields=["site", "day"]), models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        local = self.starts_at.astimezone(self.site.zone)
        return f"{self.site} {local:%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(self.site.zone)

    @property
    def local_end(self) -> dt.datetime:
        return self.ends_at.astimezone(self.site.zone)


def availability_changed(site_ids: Iterable[int]) -> None:
    """Pages that show these sites' days and free places are rendered anew (the site list and
    each site's page, kept by registry.http_cache under these names)."""
    slugs = TypingSite.objects.filter(pk__in=site_ids).values_list("slug", flat=True)
    versions_bump("sites", *(f"site:{slug}" for slug in slugs))


@receiver([post_save, post_delete], sender=TypingSite)
def _site_changed(instance: TypingSite, **kwargs: object) -> None:
    versions_bump("sites", f"site:{instance.slug}")


@receiver([post_save, post_delete], sender=Slot)
@receiver([post_save, post_delete], sender=Closure)
@receiver([post_save, post_delete], sender=OpeningPattern)
def _times_changed(instance: Slot | Closure | OpeningPattern, **kwargs: object) -> None:
    availability_changed([instance.site_id])
