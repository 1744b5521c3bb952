"""Who a booking or a waiting-list place is for, and the consent they gave."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recruitment.models.base import in_language


def normalize_email(email: str) -> str:
    """The form of an address that "one booking per person" is judged by."""
    return email.strip().lower()


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


class ConsentVia(models.TextChoices):
    """How the consent was given: proof of it is kept with the text's version and the time."""

    WEB = "web", _("on the website, by the volunteer")
    PHONE = "phone", _("by phone, read out and recorded by staff")
    DRIVE = "drive", _("at a drive, on the organiser's device")


# The opt-in to SMS reminders, as the forms show it; kept word for word with each booking that
# ticks it (Person.sms_consent_text), in the language it was shown in.
SMS_CONSENT = _(
    "Also remind me by SMS to the number above (never at night). I can stop SMS at any time by "
    "replying STOP or with the link in any reminder."
)


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
    consent_via = models.CharField(
        _("consent given how"), max_length=8, choices=ConsentVia.choices, default=ConsentVia.WEB
    )
    # SMS reminders are opt-in: the law on mailings asks the sender to prove the consent, so
    # when, how and the very words agreed to are kept with it.
    sms_reminders = models.BooleanField(_("SMS reminders"), default=False)
    sms_consent_at = models.DateTimeField(_("SMS consent given"), null=True, blank=True)
    sms_consent_via = models.CharField(
        _("SMS consent given how"), max_length=8, choices=ConsentVia.choices, blank=True
    )
    sms_consent_text = models.TextField(_("SMS consent, as worded"), blank=True)
    # The one-click link in a reminder (or its List-Unsubscribe header) stops further reminders
    # for this booking; confirmations and cancellations still go out.
    reminders_stopped_at = models.DateTimeField(_("reminders stopped"), null=True, blank=True)
    # "Yes, I'm coming": a reply to an SMS, or the button on the manage page.
    confirmed_at = models.DateTimeField(_("confirmed coming"), null=True, blank=True)
    rules_version = models.PositiveIntegerField(_("eligibility rules version"))
    rules_checked_on = models.DateField(_("eligibility checked on"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        abstract = True

    @property
    def email_key(self) -> str:
        return normalize_email(self.email)
