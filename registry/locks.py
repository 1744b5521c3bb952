"""The one way this project takes row locks.

Every lock goes through `lock_rows`, in the spirit of pretix's `lock_objects()`: rows are locked
in primary-key order (so two transactions that lock overlapping rows never wait on each other
in a circle), only the model's own rows are locked (`of=("self",)`, never a joined row), a
`lock_timeout` turns a stuck wait into an error instead of a hung request, and it refuses to run
outside a transaction, where the lock would be released at once.

The order between models is fixed as well: slots, then appointments, then waiting-list entries;
drives, then their time windows, then their sign-ups. A function that needs rows of several
models locks them in that order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import models, transaction

M = TypeVar("M", bound=models.Model)

LOCK_TIMEOUT_MS = 5000


class NotInTransaction(RuntimeError):
    """A row lock outside `transaction.atomic()` would be released at once."""


def lock_rows(
    queryset: models.QuerySet[M],
    keys: Iterable[int] | None = None,
    *,
    skip_locked: bool = False,
) -> list[M]:
    """Lock the rows of `queryset` (narrowed to `keys` when given) in primary-key order and
    return them. With `skip_locked`, rows another transaction holds are left out instead of
    waited for (for sweeps that several workers run at once)."""
    conn = transaction.get_connection(queryset.db)
    if not conn.in_atomic_block:
        raise NotInTransaction("lock_rows() must run inside transaction.atomic()")
    if keys is not None:
        queryset = queryset.filter(pk__in=sorted(set(keys)))
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            # SET LOCAL lasts until the end of the transaction; a constant, never user input.
            cursor.execute(f"SET LOCAL lock_timeout = {int(LOCK_TIMEOUT_MS)}")
    return list(queryset.select_for_update(of=("self",), skip_locked=skip_locked).order_by("pk"))


def lock_one(queryset: models.QuerySet[M], key: int) -> M | None:
    """Lock one row by primary key; None when it does not exist (or the queryset excludes it)."""
    rows = lock_rows(queryset, [key])
    return rows[0] if rows else None
