"""An SMS backend for tests: messages are kept in ``outbox``, like ``django.core.mail.outbox``.

Nothing clears the list between tests by itself: a test (or a fixture) calls
``locmem.outbox.clear()`` and ``locmem.refuse.clear()`` first.
"""

from __future__ import annotations

from django.http import HttpRequest

from recruitment.sms.backends.base import (
    BaseSmsBackend,
    DeliveryReport,
    InboundSms,
    SmsError,
    SmsMessage,
    SmsSent,
    parse_simple_form,
)
from recruitment.sms.segments import segments

outbox: list[SmsMessage] = []
# Numbers the "gateway" refuses for good, as a real one refuses a number that does not exist.
refuse: set[str] = set()


class SmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> SmsSent:
        if message.to in refuse:
            raise SmsError(f"locmem refuses {message.to}", permanent=True)
        outbox.append(message)
        return SmsSent(provider_id=f"locmem-{len(outbox)}", segments=segments(message.text).count)

    def parse_callback(self, request: HttpRequest) -> tuple[list[InboundSms], list[DeliveryReport]]:
        return parse_simple_form(request)
