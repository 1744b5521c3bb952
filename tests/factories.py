from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model


def coordinator(**fields: Any) -> Any:
    """A member of staff who edits the rules in the admin."""
    User = get_user_model()
    values = {"username": "coordinator", "is_staff": True, "is_superuser": True, **fields}
    user = User.objects.create(**values)
    user.set_password("a-long-test-password")
    user.save()
    return user
