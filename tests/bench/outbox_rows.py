"""What the two outbox benchmarks share: 10,000 reminders written as the booking service plans
them, and one in-process sweep under cProfile."""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import pstats
import time
import uuid
from collections.abc import Callable

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recruitment.models import Appointment, ConsentText, OutboxEmail, Slot
from recruitment.models.people import SMS_CONSENT, ConsentVia
from recruitment.services.outbox import outbox_sweep
from recruitment.services.reminders import appointment_reminders_plan
from tests.factories import reseed, typing_site


def reminders_due(count: int, *, sms: bool = False) -> float:
    """`count` appointment reminders (`sms`: SMS reminders of people who opted in, their email
    twins cancelled), as the booking service plans them, all due now; returns the seconds it
    took to write them."""
    started = time.monotonic()
    reseed()
    site = typing_site()
    consent = ConsentText.objects.current()
    starts = timezone.now() + dt.timedelta(days=3)
    per_slot = 100
    people = -(-count // 2) + 500  # two reminders each (24 h and 2 h before); room for 500 more
    opted_in = (
        {
            "sms_reminders": True,
            "sms_consent_at": timezone.now(),
            "sms_consent_via": ConsentVia.WEB,
            "sms_consent_text": str(SMS_CONSENT),
        }
        if sms
        else {}
    )
    channel = OutboxEmail.Channel.SMS if sms else OutboxEmail.Channel.EMAIL
    with transaction.atomic():
        slots = Slot.objects.bulk_create(
            Slot(
                site=site,
                starts_at=starts + dt.timedelta(minutes=15 * i),
                ends_at=starts + dt.timedelta(minutes=15 * i + 15),
                day=(starts + dt.timedelta(minutes=15 * i)).astimezone(site.zone).date(),
                capacity=per_slot,
                booked=per_slot,
            )
            for i in range(people // per_slot + 1)
        )
        planned = 0
        i = 0
        while planned < count:
            batch = Appointment.objects.bulk_create(
                Appointment(
                    slot=slots[(i + n) // per_slot],
                    name=f"Person {i + n}",
                    email=f"p{i + n}@example.org",
                    email_normalized=f"p{i + n}@example.org",
                    phone=f"+7912{i + n:07d}",
                    born_on=dt.date(1990, 1, 1),
                    language="ru" if (i + n) % 2 else "en",
                    consent=consent,
                    rules_version=1,
                    rules_checked_on=timezone.localdate(),
                    request_key=uuid.uuid4(),
                    **opted_in,
                )
                for n in range(500)
            )
            i += len(batch)
            for person in batch:
                if planned < count:
                    plan = appointment_reminders_plan(person, timezone.now())
                    planned += sum(1 for row in plan if row.channel == channel)
        # Their time has come, all at once (the rest are cancelled: one channel is measured).
        rows = OutboxEmail.objects.filter(channel=channel)
        due = list(rows.order_by("pk").values_list("pk", flat=True)[:count])
        OutboxEmail.objects.exclude(pk__in=due).update(status=OutboxEmail.Status.CANCELLED)
        OutboxEmail.objects.filter(pk__in=due).update(send_after=timezone.now())
    return time.monotonic() - started


def profile_sweep(count: int, received: Callable[[], int], top: int = 15) -> tuple[float, int, str]:
    """One sweep of `count` sent reminders made due again, in this process under cProfile, to
    whatever server the settings name: its wall time (profiled), its queries and the top costs."""
    ids = list(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    OutboxEmail.objects.filter(pk__in=ids).update(
        status=OutboxEmail.Status.QUEUED, send_after=timezone.now(), sent_at=None, attempts=0
    )
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.monotonic()
        profiler.enable()
        outbox_sweep(now=timezone.now(), limit=count)
        profiler.disable()
        took = time.monotonic() - started
    assert received() == count, list(
        OutboxEmail.objects.filter(pk__in=ids).values_list("status", "last_error")[:5]
    )
    report = io.StringIO()
    stats = pstats.Stats(profiler, stream=report).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return took, len(queries), report.getvalue()
