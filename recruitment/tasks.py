from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from recruitment.services.outbox import (
    BATCH,
    outbox_drain,
    outbox_due_count,
    outbox_queue_drains,
    outbox_send,
    outbox_sweep,
)
from recruitment.services.sites import slots_generate
from recruitment.services.waitlist import waitlist_expire
from registry.tasks import SWEEP_KEY


@shared_task(ignore_result=True)
def send_email(email_id: int) -> str:
    return outbox_send(email_id=email_id, now=timezone.now())


@shared_task(ignore_result=True)
def drain_outbox() -> int:
    """Send one batch of what is due (several of these run at once without overlap)."""
    _taken, sent = outbox_drain(now=timezone.now(), limit=BATCH)
    return sent


# A sweep that cannot hand out batches sends them itself: it has longer than the default limits.
@shared_task(ignore_result=True, soft_time_limit=240, time_limit=300)
def sweep_outbox() -> int:
    """Beat runs this every 30 s: a batch task for every BATCH rows due, spread over the
    workers; if they cannot be queued, this worker sends what it can itself."""
    now = timezone.now()
    cache.set(SWEEP_KEY, now.isoformat(), timeout=None)
    due = outbox_due_count(now)
    if not due:
        return 0
    if outbox_queue_drains(-(-due // BATCH)):
        return 0
    return outbox_sweep(now=now)


@shared_task(ignore_result=True)
def generate_slots() -> int:
    return slots_generate(now=timezone.now())


@shared_task(ignore_result=True)
def expire_offers() -> int:
    return waitlist_expire(now=timezone.now())
