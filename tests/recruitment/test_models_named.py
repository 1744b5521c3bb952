"""Every field the admin shows is named in both languages: a Russian-speaking member of staff
never meets an English label (or a bare field name) in the admin."""

from __future__ import annotations

import re

from django.apps import apps
from django.utils import translation

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def test_every_field_of_every_model_has_a_russian_name() -> None:
    unnamed = []
    for app in ("recruitment", "registry"):
        if not apps.is_installed(app):
            continue
        for model in apps.get_app_config(app).get_models():
            with translation.override("ru"):
                names = [str(model._meta.verbose_name), str(model._meta.verbose_name_plural)]
                fields = [f for f in model._meta.get_fields() if f.concrete and not f.auto_created]
                names += [str(f.verbose_name) for f in fields]
                labels = [f"{model.__name__}.{f.name}" for f in fields]
            for label, name in zip(
                [f"{model.__name__} (name)", f"{model.__name__} (plural)", *labels],
                names,
                strict=True,
            ):
                if not CYRILLIC.search(name):
                    unnamed.append(f"{label}: {name!r}")
    assert not unnamed, "\n".join(unnamed)
