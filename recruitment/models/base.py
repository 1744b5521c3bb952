from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language


def current_language() -> str:
    """The two-letter code of the language this request (or email) is in."""
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def in_language(obj: Any, name: str, language: str | None = None) -> str:
    """`obj.<name>_<lang>` for the active language, falling back to the other one."""
    language = (language or current_language())[:2]
    for lang in (language, "ru", "en"):
        value = getattr(obj, f"{name}_{lang}", "")
        if value:
            return str(value)
    return ""
