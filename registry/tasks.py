import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "worker-heartbeat"
# The outbox sweep's last run (recruitment.tasks.sweep_outbox writes it), and when /healthz first
# found none on record.
SWEEP_KEY = "outbox-last-sweep"
SWEEP_MISSING_KEY = "outbox-sweep-missing-since"


@shared_task
def heartbeat() -> str:
    """Beat schedules this every minute; /healthz reports when a worker last ran it."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    log.info("worker heartbeat at %s", now)
    return now
