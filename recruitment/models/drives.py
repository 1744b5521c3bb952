"""Recruitment drives (a day at a university, an office, a square) and online appeals, the
volunteers who organise them, and the people who sign up.

A drive's texts are written in its organiser's language (`language`), with an optional
translation in the other one; pages show the visitor's language and fall back to the other.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from recruitment.calendar import CalendarEvent
from recruitment.models.base import in_language
from recruitment.models.people import Person
from recruitment.models.sites import TypingSite, validate_time_zone
from registry.http_cache import versions_bump

# Drive codes are read off posters and typed on phones: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def drive_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def drive_code_clean(raw: str) -> str:
    """A code as people type it ("ab-3 xk9", "ab3xk9 ") in the form it is stored."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())[: CODE_LENGTH + 2]


class DriveQuerySet(models.QuerySet["Drive"]):
    def public(self) -> DriveQuerySet:
        """Drives a visitor may open: published (and finished ones, whose page says so)."""
        return self.filter(status__in=[Drive.Status.PUBLISHED, Drive.Status.FINISHED])

    def listed(self, now: dt.datetime) -> DriveQuerySet:
        """Upcoming published drives that their organisers chose to list publicly."""
        return self.filter(
            status=Drive.Status.PUBLISHED, visibility=Drive.Visibility.LISTED
        ).filter(Q(ends_at__gt=now) | Q(ends_at__isnull=True))

    def of_organiser(self, user: object) -> DriveQuerySet:
        """Only the drives this user organises: anything else is not there for them."""
        user_id = getattr(user, "pk", None)
        if user_id is None or not getattr(user, "is_active", False):
            return self.none()
        return self.filter(organisers__user_id=user_id, organisers__active=True)


class Drive(models.Model):
    class Kind(models.TextChoices):
        VENUE = "venue", _("a drive at a place")
        APPEAL = "appeal", _("an online appeal")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for approval")
        PUBLISHED = "published", _("approved and published")
        FINISHED = "finished", _("finished")
        CANCELLED = "cancelled", _("cancelled")

    class Visibility(models.TextChoices):
        LISTED = "listed", _("listed publicly")
        UNLISTED = "unlisted", _("unlisted: by its link or code only")

    code = models.CharField(
        _("drive code"), max_length=8, unique=True, default=drive_code_new, editable=False
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.VENUE)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.LISTED
    )
    language = models.CharField(
        _("organiser's language"), max_length=2, choices=settings.LANGUAGES, default="ru"
    )
    title_ru = models.CharField(_("title (Russian)"), max_length=150, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=150, blank=True)
    description_ru = models.TextField(_("description or story (Russian)"), blank=True)
    description_en = models.TextField(_("description or story (English)"), blank=True)
    venue_ru = models.CharField(_("venue and address (Russian)"), max_length=300, blank=True)
    venue_en = models.CharField(_("venue and address (English)"), max_length=300, blank=True)
    city_ru = models.CharField(_("city (Russian)"), max_length=100, blank=True)
    city_en = models.CharField(_("city (English)"), max_length=100, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_time_zone], default="Europe/Moscow"
    )
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), default=0, help_text=_("How many people the partner can sample that day.")
    )
    signed_up = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    target = models.PositiveIntegerField(_("target number of sign-ups"), default=0)
    partner = models.ForeignKey(
        TypingSite,
        verbose_name=_("typing partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drives",
        help_text=_("The lab that takes the samples at the drive."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = DriveQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("drive")
        verbose_name_plural = _("drives")
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_up__lte=F("capacity")) | Q(kind="appeal"),
                name="drive_never_overbooked",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="drive_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["status", "visibility", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def title(self) -> str:
        return in_language(self, "title")

    @property
    def description(self) -> str:
        return in_language(self, "description")

    @property
    def venue(self) -> str:
        return in_language(self, "venue")

    @property
    def city(self) -> str:
        return in_language(self, "city")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_appeal(self) -> bool:
        return self.kind == self.Kind.APPEAL

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.signed_up)

    @property
    def day(self) -> dt.date | None:
        """The drive's date where it happens (the day age is judged on)."""
        return self.starts_at.astimezone(self.zone).date() if self.starts_at else None

    def open_for_signup(self, now: dt.datetime) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and not self.is_appeal
            and self.starts_at is not None
            and self.ends_at is not None
            and now < self.ends_at
        )


class DriveOrganiser(models.Model):
    """A person who runs a drive: the one who proposed it, and co-organisers they invited."""

    drive = models.ForeignKey(
        Drive, on_delete=models.CASCADE, related_name="organisers", verbose_name=_("drive")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="drives_organised",
        verbose_name=_("organiser"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("drive organiser")
        verbose_name_plural = _("drive organisers")
        constraints = [
            models.UniqueConstraint(fields=["drive", "user"], name="one_role_per_drive_and_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.drive.code}"


class DriveWindow(models.Model):
    """A part of a drive's day with places of its own, so people do not all come at noon."""

    drive = models.ForeignKey(
        Drive, on_delete=models.CASCADE, related_name="windows", verbose_name=_("drive")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"))
    signed_up = models.PositiveIntegerField(_("places taken"), default=0, editable=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("time window")
        verbose_name_plural = _("time windows")
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_up__lte=F("capacity")), name="window_never_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="window_ends_after_it_starts"
            ),
        ]

    def __str__(self) -> str:
        zone = self.drive.zone
        return f"{self.starts_at.astimezone(zone):%H:%M}–{self.ends_at.astimezone(zone):%H:%M}"

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.signed_up)


ACTIVE_SIGNUP = ("signed_up", "checked_in")


class DriveSignup(Person):
    """Someone signed up for a drive, waiting for a place at a full one, or registered on the
    day as a walk-in."""

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("signed up")
        WAITING = "waiting", _("on the waiting list")
        CHECKED_IN = "checked_in", _("checked in")
        CANCELLED = "cancelled", _("cancelled")
        NO_SHOW = "no_show", _("did not come")

    drive = models.ForeignKey(
        Drive, on_delete=models.CASCADE, related_name="signups", verbose_name=_("drive")
    )
    window = models.ForeignKey(
        DriveWindow,
        verbose_name=_("time window"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signups",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SIGNED_UP
    )
    email_normalized = models.CharField(_("email, normalised"), max_length=254, editable=False)
    request_key = models.UUIDField(_("form key"), unique=True, editable=False)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    calendar_sequence = models.PositiveSmallIntegerField(
        _("calendar version"), default=0, editable=False
    )

    class Meta:
        ordering = ["drive", "created_at"]
        verbose_name = _("drive sign-up")
        verbose_name_plural = _("drive sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["drive", "email_normalized"],
                condition=Q(status__in=[*ACTIVE_SIGNUP, "waiting"]),
                name="one_signup_per_drive_and_email",
            ),
            models.UniqueConstraint(
                fields=["drive", "phone"],
                condition=Q(status__in=[*ACTIVE_SIGNUP, "waiting"]),
                name="one_signup_per_drive_and_phone",
            ),
        ]
        indexes = [models.Index(fields=["drive", "status"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.drive.code}"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_SIGNUP

    def calendar_event(self, *, cancelled: bool = False) -> CalendarEvent:
        """The sign-up in the volunteer's calendar: their window, or the whole drive."""
        drive = self.drive
        starts = self.window.starts_at if self.window else drive.starts_at
        ends = self.window.ends_at if self.window else drive.ends_at
        if starts is None or ends is None:
            raise ValueError("an appeal has no time to put in a calendar")
        with translation.override(self.language):
            return CalendarEvent(
                uid=f"drive-signup-{self.pk}@registry",
                title=translation.gettext("Blood test at the drive: %(title)s")
                % {"title": in_language(drive, "title", self.language)},
                description=translation.gettext("Bring your passport or another photo ID."),
                location=in_language(drive, "venue", self.language),
                starts_at=starts,
                ends_at=ends,
                time_zone=drive.time_zone,
                sequence=self.calendar_sequence,
                cancelled=cancelled,
            )

    def manageable(self, now: dt.datetime) -> bool:
        """Whether its manage link still opens: signed up or waiting, before the drive ends."""
        ends = self.drive.ends_at
        return (
            self.status in (self.Status.SIGNED_UP, self.Status.WAITING)
            and self.drive.status == Drive.Status.PUBLISHED
            and (ends is None or now < ends)
        )


class CheckinAction(models.Model):
    """One tap at the check-in desk, by the key its page sent: a tap retried after a dropped
    connection finds its key here and counts once."""

    class Action(models.TextChoices):
        CHECK_IN = "in", _("checked in")
        UNDO = "undo", _("check-in undone")

    key = models.UUIDField(_("request key"), unique=True)
    signup = models.ForeignKey(
        DriveSignup, on_delete=models.CASCADE, related_name="+", verbose_name=_("sign-up")
    )
    action = models.CharField(_("action"), max_length=4, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("check-in action")
        verbose_name_plural = _("check-in actions")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class DriveProposal(models.Model):
    """Someone's offer to host a drive, until staff approve or decline it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=Drive.Kind.choices, default=Drive.Kind.VENUE
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=20)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    proposed_on = models.DateField(_("proposed date"), null=True, blank=True)
    place = models.CharField(_("proposed place"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    expected_people = models.PositiveIntegerField(_("expected number of people"))
    partner = models.ForeignKey(
        TypingSite,
        verbose_name=_("typing partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("about the drive"), blank=True)
    # Proof of the proposer's consent to the processing of their details: which text, when.
    consent = models.ForeignKey(
        "recruitment.ConsentText",
        verbose_name=_("consent"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consented_at = models.DateTimeField(_("consent given"), null=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    drive = models.OneToOneField(
        Drive,
        verbose_name=_("drive"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("drive proposal")
        verbose_name_plural = _("drive proposals")

    def __str__(self) -> str:
        return f"{self.name} · {self.organisation or self.place}"


class DriveExport(models.Model):
    """Who downloaded a drive's sign-up list, and when."""

    drive = models.ForeignKey(
        Drive, on_delete=models.CASCADE, related_name="exports", verbose_name=_("drive")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("downloaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"))
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("sign-up list download")
        verbose_name_plural = _("sign-up list downloads")

    def __str__(self) -> str:
        return f"{self.drive.code} · {self.at:%Y-%m-%d %H:%M}"


class DriveMessage(models.Model):
    """A short message an organiser sent to everyone signed up."""

    drive = models.ForeignKey(
        Drive, on_delete=models.CASCADE, related_name="messages", verbose_name=_("drive")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"))
    text = models.TextField(_("message"), max_length=600)
    recipients = models.PositiveIntegerField(_("recipients"))

    class Meta:
        ordering = ["-at"]
        verbose_name = _("message to sign-ups")
        verbose_name_plural = _("messages to sign-ups")

    def __str__(self) -> str:
        return f"{self.drive.code} · {self.at:%Y-%m-%d %H:%M}"


class Sample(models.Model):
    """A blood sample taken for HLA typing, for the registry to turn into a donor record."""

    signup = models.OneToOneField(
        DriveSignup,
        verbose_name=_("drive sign-up"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sample",
    )
    drive = models.ForeignKey(
        Drive,
        verbose_name=_("drive"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="samples",
    )
    taken_on = models.DateField(_("taken on"))
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-taken_on"]
        verbose_name = _("sample taken")
        verbose_name_plural = _("samples taken")

    def __str__(self) -> str:
        source = self.drive.code if self.drive else "—"
        return f"{self.taken_on} · {source}"


def drive_changed(code: str) -> None:
    """Pages that show this drive (its page, the drive list, its check-in desk) are rendered
    anew (registry.http_cache keeps them under these names)."""
    versions_bump("drives", f"drive:{code}", f"desk:{code}")


@receiver([post_save, post_delete], sender=Drive)
def _drive_saved(instance: Drive, **kwargs: object) -> None:
    drive_changed(instance.code)


@receiver([post_save, post_delete], sender=DriveWindow)
def _window_saved(instance: DriveWindow, **kwargs: object) -> None:
    code = Drive.objects.filter(pk=instance.drive_id).values_list("code", flat=True).first()
    if code is not None:
        drive_changed(code)


@receiver([post_save, post_delete], sender=DriveSignup)
def _signup_saved(instance: DriveSignup, **kwargs: object) -> None:
    code = Drive.objects.filter(pk=instance.drive_id).values_list("code", flat=True).first()
    if code is not None:
        drive_changed(code)
