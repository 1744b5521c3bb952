from django import template

from recruitment.eligibility import Rule
from recruitment.models.base import current_language

register = template.Library()


@register.filter
def rule_text(rule: Rule, name: str) -> str:
    """One of a rule's texts (question, help, reason) in the active language."""
    return rule.text(current_language(), name)
