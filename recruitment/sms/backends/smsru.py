"""An SMS backend for SMS.ru (https://sms.ru), over plain HTTP with the standard library.

Settings (read when the backend is made, so tests can override them):

- SMS_API_URL: the gateway's base address, default "https://sms.ru" (tests point it at a local
  stand-in); messages go to <SMS_API_URL>/sms/send.
- SMS_API_KEY: the account's api_id. Without it nothing is sent and every message fails as
  *not permanent*, so the outbox keeps retrying and the rows go out once the operator sets it
  (instead of being marked failed for good for a mistake in configuration). A key SMS.ru
  refuses (codes 200, 300-302) is treated the same way.
- SMS_SENDER: the sender name approved by SMS.ru ("from"); empty sends from the account's
  default sender, a number.
- SMS_TIMEOUT: seconds to wait for the connection and for each read (default 10).

What SMS.ru's API is, as far as public material shows (re-check at https://sms.ru/api before
going live; ``test=1`` sends nothing and costs nothing):

- POST /sms/send with api_id, to (digits, no "+"), msg (UTF-8), json=1, and optionally from,
  time, translit, test, partner_id (and multi, several texts in one request). The answer is
  HTTP 200 with JSON:
  ``{"status": "OK", "status_code": 100, "sms": {"79161234567": {"status": "OK",
  "status_code": 100, "sms_id": "000000-10000000"}}, "balance": 10}``; a number it refuses has
  ``"status": "ERROR"`` and its own status_code and status_text; a request it refuses as a
  whole (wrong api_id, no balance) has them at the top level.
  Sources: https://pastebin.com/rdTddG26 (a real answer), SMS.ru's PHP class as vendored in
  https://github.com/itsukerka/fooboo (wp-content/themes/common/inc/smsru/api.php: the
  parameters), https://github.com/iredun/django-smsru (smsru/service.py).
- There is no parameter for an id of our own, nor a duplicate check keyed on one: a message
  sent again after a crash between SMS.ru's "accepted" and our "sent" reaches the phone twice.
  SMS.ru's limits on identical texts to one number (codes 231, 232) do not help, since each
  attempt carries a newly minted link. SMSC.ru has a client id (``id``, up to 40 characters)
  but documents it as "не обязательно уникален": a label for status queries, not a duplicate
  check either, so it was no reason to change gateway.
- Callbacks ("обработчики", http://online.sms.ru/?panel=api&subpanel=cb) carry message
  statuses and call-authentication statuses only: SMS.ru does not forward incoming SMS, so
  replies (YES, STOP) cannot arrive through it. A notification is a form POST of data[0],
  data[1], …, each a record of lines whose first is its type ("sms_status", then the sms_id
  and the status code), and a ``hash``: sha256 of the api_id followed by the records in order
  (as django-smsru's validate_callback checks it). The handler must answer "100", or SMS.ru
  sends the notification again.
- Status codes: SMS.ru's list (https://sms.ru/api/status) as client libraries quote it; two
  of them number the delivery codes one apart, this follows the one quoting SMS.ru's wording:
  100 queued, 101 passed to the operator, 102 sent (on its way), 103 delivered, 104 expired,
  105 deleted by the operator, 106 phone failure, 107 unknown reason, 108 rejected, 110 read
  (Viber), 150 no route; send refusals 200-233, 300-305 and 500-508, sorted below.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict

from recruitment.sms.backends.base import (
    BaseSmsBackend,
    DeliveryReport,
    InboundSms,
    SmsError,
    SmsMessage,
    SmsSent,
)
from recruitment.sms.segments import segments

DEFAULT_URL = "https://sms.ru"
SEND_PATH = "/sms/send"
ACCEPTED = 100

# Refusals that will never pass for this number or this text. Everything else (no balance,
# daily limits, "try later", server errors, the api_id, codes added later) is retried: a
# message retried in vain ends failed after the outbox's last attempt anyway.
PERMANENT = {
    202: "wrong number, or no route to it",
    203: "no text",
    205: "text longer than 8 parts",
    207: "no route to this number",
    208: "wrong time parameter",
    209: "number in the account's stop list",
    212: "text not in UTF-8",
    213: "too many recipients",
    214: "number abroad, and the account sends to Russia only",
    215: "number in SMS.ru's spam stop list",
    216: "a forbidden word in the text",
    232: "this text was already sent to this number today, as often as allowed",
}
AUTH = {200, 300, 301, 302}  # the api_id (SMS_API_KEY) is wrong, or the account not confirmed

DELIVERED, UNDELIVERED = {103, 110}, {104, 105, 106, 107, 108, 150}

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
DATA_FIELD = re.compile(r"data\[([0-9]+)\]")


class SmsBackend(BaseSmsBackend):
    def __init__(self, **kwargs: Any) -> None:
        url = urlsplit(getattr(settings, "SMS_API_URL", "") or DEFAULT_URL)
        # A configuration mistake fails each message as not permanent (rather than the
        # backend's creation), so the outbox keeps the rows until it is fixed.
        self.problem = ""
        if url.scheme not in ("http", "https") or not url.hostname:
            self.problem = f"SMS_API_URL must be an http(s) address, not {url.geturl()!r}."
        self.https = url.scheme == "https"
        self.host, self.port = url.hostname or "", url.port
        self.path = url.path.rstrip("/") + SEND_PATH
        self.api_key: str = getattr(settings, "SMS_API_KEY", "")
        self.sender: str = getattr(settings, "SMS_SENDER", "")
        self.timeout = float(getattr(settings, "SMS_TIMEOUT", 10))
        if not self.api_key:
            self.problem = "SMS_API_KEY is not set: nothing is sent until it is."
        self._connection: http.client.HTTPConnection | None = None

    def send(self, message: SmsMessage) -> SmsSent:
        try:
            return self._send(message)
        finally:
            self.close()

    def send_many(self, messages: Sequence[SmsMessage]) -> list[SmsSent | SmsError]:
        """All over one keep-alive connection (a new one after a failure)."""
        results: list[SmsSent | SmsError] = []
        try:
            for message in messages:
                try:
                    results.append(self._send(message))
                except SmsError as error:
                    results.append(error)
        finally:
            self.close()
        return results

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _send(self, message: SmsMessage) -> SmsSent:
        if self.problem:
            raise SmsError(self.problem, permanent=False)
        if not E164.fullmatch(message.to):
            raise SmsError(f"{message.to!r} is not a number in E.164 form.", permanent=True)
        digits = message.to[1:]
        fields = {"api_id": self.api_key, "to": digits, "msg": message.text, "json": "1"}
        if self.sender:
            fields["from"] = self.sender
        answer = self._post(urlencode(fields).encode())
        if answer.get("status") != "OK":
            raise _refusal(answer, message.to)
        numbers = answer.get("sms")
        entry = numbers.get(digits) if isinstance(numbers, dict) else None
        if entry is None and isinstance(numbers, dict) and len(numbers) == 1:
            entry = next(iter(numbers.values()))  # SMS.ru wrote the number its own way
        if not isinstance(entry, dict):
            raise SmsError(f"SMS.ru said nothing about {message.to}: {answer!r}", permanent=False)
        if entry.get("status") != "OK" or _code(entry) != ACCEPTED or not entry.get("sms_id"):
            raise _refusal(entry, message.to)
        return SmsSent(
            provider_id=str(entry["sms_id"]),
            segments=segments(message.text).count,
            cost=str(entry.get("cost", "")),
        )

    def _post(self, body: bytes) -> dict[str, Any]:
        connection = self._connect()
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        try:
            connection.request("POST", self.path, body, headers)
            response = connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            # A timeout or a broken connection leaves it in an unknown state: the next
            # message opens a new one.
            self.close()
            raise SmsError(
                f"SMS.ru did not answer: {type(error).__name__}: {error}", permanent=False
            ) from error
        if response.status != 200:
            raise SmsError(f"SMS.ru answered HTTP {response.status}.", permanent=False)
        try:
            answer = json.loads(data)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise SmsError(f"SMS.ru answered what is not its JSON: {data[:200]!r}", permanent=False)
        return answer

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            self._connection = kind(self.host, self.port, timeout=self.timeout)
        return self._connection

    def parse_callback(self, request: HttpRequest) -> tuple[list[InboundSms], list[DeliveryReport]]:
        """Delivery reports from SMS.ru's notification; never replies (SMS.ru sends none).
        A notification of another kind (a call-authentication status) is taken and ignored."""
        records = _records(request.POST)
        if not self.api_key:
            raise ValueError("SMS_API_KEY is not set: a notification cannot be verified.")
        expected = hashlib.sha256((self.api_key + "".join(records)).encode()).hexdigest()
        if not hmac.compare_digest(expected.encode(), request.POST.get("hash", "").encode()):
            raise ValueError("The notification's hash does not match: not from SMS.ru.")
        reports = []
        for record in records:
            lines = [line.strip() for line in record.splitlines()]
            if lines[0] != "sms_status":
                continue
            if len(lines) < 3 or not lines[1] or not lines[2].lstrip("-").isdigit():
                raise ValueError(f"An sms_status record without an id and a code: {record!r}")
            code = int(lines[2])
            delivered = True if code in DELIVERED else False if code in UNDELIVERED else None
            reports.append(DeliveryReport(lines[1], delivered, lines[2]))
        return [], reports

    def callback_ok(self) -> HttpResponse:
        return HttpResponse("100", content_type="text/plain")


def _code(answer: dict[str, Any]) -> int:
    try:
        return int(answer.get("status_code", 0))
    except (TypeError, ValueError):
        return 0


def _refusal(answer: dict[str, Any], to: str) -> SmsError:
    code, text = _code(answer), str(answer.get("status_text", ""))
    if code in AUTH:
        return SmsError(
            f"SMS.ru refused the api_id (SMS_API_KEY): {code} {text}; messages are kept until "
            "it is fixed.",
            permanent=False,
        )
    reason = PERMANENT.get(code, text)
    if code in PERMANENT and text:
        reason += f" ({text})"
    return SmsError(f"SMS.ru refused {to}: {code} {reason}".rstrip(), permanent=code in PERMANENT)


def _records(form: QueryDict) -> list[str]:
    """data[0], data[1], … in their order (the order the hash is computed in)."""
    numbered = sorted(
        (int(match[1]), form.get(key) or "") for key in form if (match := DATA_FIELD.fullmatch(key))
    )
    if not numbered or any(not record.strip() for _, record in numbered):
        raise ValueError(f"Not an SMS.ru notification: no data[N] records in {list(form)!r}.")
    return [record for _, record in numbered]
