from django import template
from django.conf import settings
from django.utils.translation import get_language

from recruitment.eligibility import Rule

register = template.Library()


@register.filter
def rule_text(rule: Rule, name: str) -> str:
    """One of a rule's texts (question, help, reason) in the active language."""
    return rule.text((get_language() or settings.LANGUAGE_CODE)[:2], name)
