"""An SMS backend that prints each message, as Django's console email backend does.

The default and the demo's: a reminder the Celery worker sends shows up in its terminal, so the
whole path (outbox row, task, render, "sent") can be seen without a gateway account.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, TextIO

from django.http import HttpRequest

from recruitment.sms.backends.base import (
    BaseSmsBackend,
    DeliveryReport,
    InboundSms,
    SmsMessage,
    SmsSent,
    parse_simple_form,
)
from recruitment.sms.segments import segments

RULE = "-" * 79


class SmsBackend(BaseSmsBackend):
    def __init__(self, stream: TextIO | None = None, **kwargs: Any) -> None:
        self.stream = stream or sys.stdout
        # Messages from several threads would otherwise interleave line by line.
        self._lock = threading.Lock()

    def send(self, message: SmsMessage) -> SmsSent:
        parts = segments(message.text)
        block = "\n".join(
            [
                f"SMS to: {message.to}",
                f"Client id: {message.client_id}",
                f"Parts: {parts.count} ({parts.encoding}, {parts.length} units)",
                "",
                message.text,
                RULE,
                "",
            ]
        )
        with self._lock:
            self.stream.write(block)
            # A worker's stdout is a pipe, block-buffered: without this the demo shows nothing
            # until the buffer fills.
            self.stream.flush()
        return SmsSent(provider_id=f"console-{message.client_id}", segments=parts.count)

    def parse_callback(self, request: HttpRequest) -> tuple[list[InboundSms], list[DeliveryReport]]:
        return parse_simple_form(request)
