"""Sending SMS, in the manner of Django's email backends.

    from recruitment.sms import SmsMessage, get_backend

    sent = get_backend().send(SmsMessage(to="+79161234567", text="…", client_id="outbox-1"))

settings.SMS_BACKEND names the backend (default: the console one, which prints):

- ``recruitment.sms.backends.console.SmsBackend`` prints each SMS (the demo, development);
- ``recruitment.sms.backends.locmem.SmsBackend`` keeps them in a list (tests);
- ``recruitment.sms.backends.smsru.SmsBackend`` sends through SMS.ru; it reads SMS_API_URL,
  SMS_API_KEY, SMS_SENDER and SMS_TIMEOUT.

A backend raises SmsError (``permanent`` or not) when a message is not taken, and turns what
its gateway POSTs to our webhook into InboundSms and DeliveryReport values.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from recruitment.sms.backends.base import (
    BaseSmsBackend,
    DeliveryReport,
    InboundSms,
    SmsError,
    SmsMessage,
    SmsSent,
)
from recruitment.sms.segments import Segments, segments

__all__ = [
    "BaseSmsBackend",
    "DeliveryReport",
    "InboundSms",
    "Segments",
    "SmsError",
    "SmsMessage",
    "SmsSent",
    "get_backend",
    "segments",
]

DEFAULT_BACKEND = "recruitment.sms.backends.console.SmsBackend"


def get_backend(path: str | None = None) -> BaseSmsBackend:
    """A new instance of the backend at ``path`` (default settings.SMS_BACKEND)."""
    backend_class = import_string(path or getattr(settings, "SMS_BACKEND", "") or DEFAULT_BACKEND)
    backend: BaseSmsBackend = backend_class()
    return backend
