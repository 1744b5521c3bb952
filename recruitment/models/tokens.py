"""Working links sent to people (manage an appointment, accept a waiting-list offer).

A token is minted when the email that carries it is sent, and only its SHA-256 hash is kept
here: no working token is stored anywhere in clear (DESIGN.md invariants 6 and 13). An
appointment may have several live tokens (the confirmation, a later "you already have a
booking" email); each works until it expires or its appointment or offer is over.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from recruitment.models.appointments import Appointment
from recruitment.models.drives import DriveSignup
from recruitment.models.waitlist import WaitlistEntry
from recruitment.tokens import token_hash, token_new, token_short

# A manage link outlives no appointment (it dies when the appointment ends); this bounds a
# token whose appointment is moved far ahead again and again.
MANAGE_LINK_DAYS = 180


class LinkTokenQuerySet(models.QuerySet["LinkToken"]):
    def live(self, token: str, purpose: str, now: dt.datetime) -> LinkTokenQuerySet:
        return self.filter(token_hash=token_hash(token), purpose=purpose, expires_at__gt=now)


class LinkToken(models.Model):
    class Purpose(models.TextChoices):
        MANAGE = "manage", _("manage an appointment")
        OFFER = "offer", _("waiting-list offer")
        SIGNUP = "signup", _("manage a drive sign-up")

    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    token_hash = models.CharField(_("link key, hashed"), max_length=64, unique=True, editable=False)
    appointment = models.ForeignKey(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="links",
        verbose_name=_("appointment"),
    )
    waitlist_entry = models.ForeignKey(
        WaitlistEntry,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="links",
        verbose_name=_("waiting-list place"),
    )
    drive_signup = models.ForeignKey(
        DriveSignup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="links",
        verbose_name=_("drive sign-up"),
    )
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))

    objects = LinkTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        purpose="manage",
                        appointment__isnull=False,
                        waitlist_entry__isnull=True,
                        drive_signup__isnull=True,
                    )
                    | Q(
                        purpose="offer",
                        appointment__isnull=True,
                        waitlist_entry__isnull=False,
                        drive_signup__isnull=True,
                    )
                    | Q(
                        purpose="signup",
                        appointment__isnull=True,
                        waitlist_entry__isnull=True,
                        drive_signup__isnull=False,
                    )
                ),
                name="link_token_opens_one_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} · {self.expires_at:%Y-%m-%d %H:%M}"

    @classmethod
    def mint(
        cls,
        *,
        now: dt.datetime,
        appointment: Appointment | None = None,
        waitlist_entry: WaitlistEntry | None = None,
        drive_signup: DriveSignup | None = None,
        short: bool = False,
    ) -> str:
        """A new working token for an appointment's manage link, an entry's offer or a
        sign-up's link; only its hash is saved. Returns the token, to be put in one message and
        nowhere else (`short`: the shorter kind an SMS carries)."""
        token, link = cls.build(
            now=now,
            appointment=appointment,
            waitlist_entry=waitlist_entry,
            drive_signup=drive_signup,
            short=short,
        )
        link.save()
        return token

    @classmethod
    def build(
        cls,
        *,
        now: dt.datetime,
        appointment: Appointment | None = None,
        waitlist_entry: WaitlistEntry | None = None,
        drive_signup: DriveSignup | None = None,
        short: bool = False,
    ) -> tuple[str, LinkToken]:
        """As `mint`, unsaved: a batch of messages saves its links in one query."""
        token, hashed = token_short() if short else token_new()
        if appointment is not None:
            return token, cls(
                purpose=cls.Purpose.MANAGE,
                token_hash=hashed,
                appointment=appointment,
                created_at=now,
                expires_at=now + dt.timedelta(days=MANAGE_LINK_DAYS),
            )
        if waitlist_entry is not None:
            return token, cls(
                purpose=cls.Purpose.OFFER,
                token_hash=hashed,
                waitlist_entry=waitlist_entry,
                created_at=now,
                expires_at=waitlist_entry.offer_expires_at or now,
            )
        if drive_signup is not None:
            ends = drive_signup.drive.ends_at or now
            return token, cls(
                purpose=cls.Purpose.SIGNUP,
                token_hash=hashed,
                drive_signup=drive_signup,
                created_at=now,
                expires_at=max(ends, now) + dt.timedelta(days=1),
            )
        raise ValueError("a link opens an appointment, an offer or a drive sign-up")
