"""The one way rows are locked: in a transaction, in key order, with a time limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from recruitment.models import Slot
from registry.locks import NotInTransaction, lock_rows
from tests.factories import slot as make_slot
from tests.factories import typing_site

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)  # no test-wide transaction around this one
def test_a_lock_outside_a_transaction_is_refused_rather_than_silently_useless() -> None:
    with pytest.raises(NotInTransaction):
        lock_rows(Slot.objects.all())


def test_rows_are_locked_in_key_order_with_a_time_limit() -> None:
    site = typing_site()
    start = timezone.now() + dt.timedelta(days=1)
    made = [make_slot(site, start + dt.timedelta(minutes=15 * i)) for i in range(3)]
    with transaction.atomic():
        locked = lock_rows(Slot.objects.order_by("-starts_at"), [s.pk for s in reversed(made)])
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            (limit,) = cursor.fetchone()
    assert [s.pk for s in locked] == sorted(s.pk for s in made)
    assert limit == "5s"
