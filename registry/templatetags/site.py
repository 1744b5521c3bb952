from django import template
from django.urls import translate_url as django_translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def translate_url(context: template.Context, language: str) -> str:
    """This page's address in another language (the switcher keeps you where you are)."""
    request = context["request"]
    return django_translate_url(request.get_full_path(), language)
