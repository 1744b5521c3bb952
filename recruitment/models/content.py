from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from recruitment.models.base import in_language


class Entry(models.Model):
    """A myth answered or a common question, shown on the "Myths and questions" page."""

    class Kind(models.TextChoices):
        MYTH = "myth", _("myth")
        QUESTION = "question", _("question")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    question_ru = models.CharField(_("question or myth (Russian)"), max_length=300)
    question_en = models.CharField(_("question or myth (English)"), max_length=300)
    answer_ru = models.TextField(_("answer (Russian)"))
    answer_en = models.TextField(_("answer (English)"))
    order = models.PositiveIntegerField(_("order"), default=0)
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        ordering = ["kind", "order", "pk"]
        verbose_name = _("myth or question")
        verbose_name_plural = _("myths and questions")

    def __str__(self) -> str:
        return in_language(self, "question")

    @property
    def question(self) -> str:
        return in_language(self, "question")

    @property
    def answer(self) -> str:
        return in_language(self, "answer")
