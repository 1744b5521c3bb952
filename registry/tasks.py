import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "worker-heartbeat"


@shared_task
def heartbeat() -> str:
    """Beat schedules this every minute; /healthz reports when a worker last ran it."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    log.info("worker heartbeat at %s", now)
    return now
