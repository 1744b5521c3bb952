from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recruitment import eligibility
from recruitment.models.base import in_language
from registry.http_cache import versions_bump


class AgePolicy(models.Model):
    """The age bounds of the eligibility rules; a single row, edited in the admin."""

    min_age = models.PositiveSmallIntegerField(
        _("youngest age"), default=18, help_text=_("Inclusive, on the day of the test.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("oldest age"), default=45, help_text=_("Inclusive, on the day of the test.")
    )

    class Meta:
        verbose_name = _("age policy")
        verbose_name_plural = _("age policy")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__lte=models.F("max_age")),
                name="age_policy_min_not_above_max",
            ),
            models.CheckConstraint(condition=models.Q(pk=1), name="age_policy_single_row"),
        ]

    def __str__(self) -> str:
        return f"{self.min_age}–{self.max_age}"

    @classmethod
    def get(cls) -> AgePolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class Condition(models.Model):
    class Outcome(models.TextChoices):
        EXCLUDE = eligibility.Outcome.EXCLUDE.value, _("permanent exclusion")
        DEFER = eligibility.Outcome.DEFER.value, _("temporary deferral")
        ASK = eligibility.Outcome.ASK.value, _("ask the registry")

    key = models.SlugField(_("key"), unique=True, help_text=_("A short fixed name, in English."))
    question_ru = models.CharField(_("question (Russian)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300)
    help_ru = models.TextField(_("help text (Russian)"), blank=True)
    help_en = models.TextField(_("help text (English)"), blank=True)
    reason_ru = models.TextField(
        _("reason (Russian)"), help_text=_("Shown when this answer decides the result.")
    )
    reason_en = models.TextField(
        _("reason (English)"), help_text=_("Shown when this answer decides the result.")
    )
    outcome = models.CharField(_("outcome of a “yes”"), max_length=10, choices=Outcome.choices)
    deferral_months = models.PositiveSmallIntegerField(
        _("deferral (months)"), null=True, blank=True, help_text=_("Only for a deferral.")
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("eligibility condition")
        verbose_name_plural = _("eligibility conditions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(outcome="defer", deferral_months__isnull=False, deferral_months__gte=1)
                    | (~models.Q(outcome="defer") & models.Q(deferral_months__isnull=True))
                ),
                name="condition_deferral_months_only_for_deferrals",
            )
        ]

    def __str__(self) -> str:
        return in_language(self, "question")


class RulesVersionQuerySet(models.QuerySet["RulesVersion"]):
    def current(self) -> RulesVersion:
        return self.order_by("-number")[:1].get()


class RulesVersion(models.Model):
    """A frozen copy of the whole rule set. Each change in the admin makes a new one."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    snapshot = models.JSONField(_("rules"))

    objects = RulesVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        verbose_name = _("rules version")
        verbose_name_plural = _("rules versions")

    def __str__(self) -> str:
        return _("Rules version %(number)s") % {"number": self.number}

    def rules(self) -> eligibility.Rules:
        return eligibility.Rules.from_snapshot(self.number, self.snapshot)


@receiver([post_save, post_delete], sender=RulesVersion)
def _rules_changed(**kwargs: object) -> None:
    """The checker's kept first page (registry.http_cache) asks the new questions."""
    versions_bump("rules")
