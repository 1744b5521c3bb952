from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import get_language


def in_language(obj: Any, name: str, language: str | None = None) -> str:
    """`obj.<name>_<lang>` for the active language, falling back to the other one."""
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    for lang in (language, "ru", "en"):
        value = getattr(obj, f"{name}_{lang}", "")
        if value:
            return str(value)
    return ""
