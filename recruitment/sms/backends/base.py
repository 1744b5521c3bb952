"""What every SMS backend speaks: the values that go in and come out, and the interface.

Like Django's email backends: the outbox asks ``recruitment.sms.get_backend()`` for the one in
settings.SMS_BACKEND and never knows which gateway is behind it. The values live here, a layer
below ``recruitment.sms`` (which re-exports them), so that backends and the package never
import each other in a circle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import phonenumbers
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class SmsMessage:
    """One SMS to send. ``to`` is E.164 ("+79161234567"); ``client_id`` is ours and the same
    for every attempt at one outbox row ("outbox-123"), for gateways that can use it."""

    to: str
    text: str
    client_id: str


@dataclass(frozen=True)
class SmsSent:
    """The gateway took the message: its id for it (delivery reports name it), the parts it is
    billed as, and the cost as the gateway reports it ("" when it does not)."""

    provider_id: str
    segments: int
    cost: str = ""


class SmsError(Exception):
    """The gateway did not take a message. ``permanent`` means it never will (a number that
    does not exist, a blocked number, a refused text); anything that may pass later (a
    timeout, a 5xx, no balance, a configuration to fix) is not permanent and is retried."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class InboundSms:
    """A text someone sent us (a reply to a reminder): the number in E.164."""

    phone: str
    text: str
    provider_id: str


@dataclass(frozen=True)
class DeliveryReport:
    """What became of a message we sent: ``delivered`` is None while the gateway does not know
    yet; ``status`` is the gateway's own word or code, for staff."""

    provider_id: str
    delivered: bool | None
    status: str


class BaseSmsBackend:
    """Subclasses implement ``send`` and ``parse_callback``; ``send_many`` may be overridden
    to reuse one connection. One instance serves one batch: ``get_backend()`` makes a new one
    per call, so an instance may keep a connection open between its own calls."""

    def send(self, message: SmsMessage) -> SmsSent:
        raise NotImplementedError

    def send_many(self, messages: Sequence[SmsMessage]) -> list[SmsSent | SmsError]:
        """Each message's outcome, in the order given; one failure does not stop the rest."""
        results: list[SmsSent | SmsError] = []
        for message in messages:
            try:
                results.append(self.send(message))
            except SmsError as error:
                results.append(error)
        return results

    def parse_callback(self, request: HttpRequest) -> tuple[list[InboundSms], list[DeliveryReport]]:
        """What the gateway POSTed to our webhook; ValueError when it is not something this
        gateway sends (or not from it)."""
        raise NotImplementedError

    def callback_ok(self) -> HttpResponse:
        """The answer the gateway expects once a callback is taken in."""
        return HttpResponse("OK", content_type="text/plain")


# The words the simple callback form takes (below) for a report's status.
SIMPLE_STATUSES: dict[str, bool | None] = {
    "delivered": True,
    "undelivered": False,
    "failed": False,
    "pending": None,
    "sent": None,
}


def parse_simple_form(request: HttpRequest) -> tuple[list[InboundSms], list[DeliveryReport]]:
    """The callback of the console and locmem backends, for the demo, manual tries and tests:
    a form POST of a reply (``phone=…&text=…``, optional ``id=…``) or of a delivery report
    (``id=…&status=delivered``, ``undelivered``, ``failed``, ``pending`` or ``sent``)::

        curl -d phone=89161234567 -d text=YES http://localhost:8000/sms/callback/<secret>
    """
    form = request.POST
    if "status" in form:
        provider_id, status = form.get("id", "").strip(), form["status"].strip().lower()
        if not provider_id or status not in SIMPLE_STATUSES:
            raise ValueError(f"A report needs an id and a known status, got {dict(form)!r}.")
        return [], [DeliveryReport(provider_id, SIMPLE_STATUSES[status], status)]
    if "phone" in form and "text" in form:
        text = form["text"]
        return [InboundSms(e164(form["phone"]), text, form.get("id", "").strip())], []
    raise ValueError(f"Neither a reply (phone, text) nor a report (id, status): {dict(form)!r}.")


def e164(raw: str, region: str = "RU") -> str:
    """A number as a gateway may write it ("79161234567", "8 916 123-45-67") in E.164;
    ValueError when it is not a possible phone number. A number of digits only is read as
    international first, since that is how gateways write them."""
    digits = raw.strip()
    candidates = [f"+{digits}", digits] if digits.isdigit() else [digits]
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    raise ValueError(f"{raw!r} is not a phone number.")
