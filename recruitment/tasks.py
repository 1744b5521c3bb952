from celery import shared_task
from django.utils import timezone

from recruitment.services.outbox import outbox_send, outbox_sweep
from recruitment.services.sites import slots_generate
from recruitment.services.waitlist import waitlist_expire


@shared_task(ignore_result=True)
def send_email(email_id: int) -> str:
    return outbox_send(email_id=email_id, now=timezone.now())


# A sweep may send a few hundred emails: it has longer than the default limits.
@shared_task(ignore_result=True, soft_time_limit=240, time_limit=300)
def sweep_outbox() -> int:
    return outbox_sweep(now=timezone.now())


@shared_task(ignore_result=True)
def generate_slots() -> int:
    return slots_generate(now=timezone.now())


@shared_task(ignore_result=True)
def expire_offers() -> int:
    return waitlist_expire(now=timezone.now())
