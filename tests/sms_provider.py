"""A local stand-in for SMS.ru's HTTP API, for tests where sending an SMS is the point.

It answers POST /sms/send as SMS.ru does (the api_id checked, its JSON shapes, a per-number
status), records what it accepted, and can be told to fail: an HTTP error, a slow answer, a
number it refuses, an empty balance. It also builds the exact form bodies SMS.ru POSTs to our
webhook. Fast enough for a benchmark: HTTP/1.1 keep-alive, one write per answer, no sleeps.

    def test_it_sends(sms_provider):
        get_backend().send(SmsMessage("+79161234567", "Hi", "outbox-1"))
        assert sms_provider.received[0]["to"] == "+79161234567"
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest

TEST_API_KEY = "00000000-TEST-4E7D-82EE-CF82B52B1A8B"

DELIVERED, UNDELIVERED, PENDING = 103, 106, 102  # SMS.ru's codes: delivered, phone failure, sent
TEXTS = {
    200: "Неправильный api_id",
    201: "Не хватает средств на лицевом счету",
    202: "Неправильно указан номер телефона получателя, либо на него нет маршрута",
    203: "Нет текста сообщения",
}


class SmsProvider:
    """The stand-in. ``received`` holds what it accepted, in order: dicts with ``to`` (E.164),
    ``text``, ``sender`` (SMS.ru's "from", "" when absent) and ``sms_id``. SMS.ru takes no id
    of ours, so there is no client id to record."""

    def __init__(self, api_key: str = TEST_API_KEY) -> None:
        self.api_key = api_key
        self.received: list[dict[str, str]] = []
        self.refuse_numbers: set[str] = set()  # E.164; answered with SMS.ru's code 202
        self.out_of_balance = False  # answered with SMS.ru's code 201
        self.requests = 0  # send requests that reached it, failed or not
        self.connections = 0  # TCP connections it accepted
        self.lock = threading.Lock()
        self._failures: list[int] = []
        self._hangs: list[float] = []
        self._ids = itertools.count(10000001)
        self._thread: threading.Thread | None = None
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.provider = self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, n: int = 1, status: int = 503) -> None:
        """The next n send requests get this HTTP status and are not taken."""
        with self.lock:
            self._failures.extend([status] * n)

    def hang_next(self, n: int = 1, seconds: float = 5.0) -> None:
        """The next n send requests are answered only after this many seconds, and then taken
        (as a gateway that was slow, not down, would: the message may go out all the same)."""
        with self.lock:
            self._hangs.extend([seconds] * n)

    def report_body(self, sms_id: str, delivered: bool | None = True) -> bytes:
        """What SMS.ru POSTs when a message is delivered (True), not delivered (False) or on
        its way (None)."""
        code = PENDING if delivered is None else DELIVERED if delivered else UNDELIVERED
        return self.notification_body([f"sms_status\n{sms_id}\n{code}\n{int(time.time())}"])

    def notification_body(self, records: list[str], api_key: str | None = None) -> bytes:
        """A notification of any records (several reports, another kind), signed with the
        account's api_id as SMS.ru signs it: sha256 of the api_id and the records in order."""
        key = self.api_key if api_key is None else api_key
        fields = {f"data[{index}]": record for index, record in enumerate(records)}
        fields["hash"] = hashlib.sha256((key + "".join(records)).encode()).hexdigest()
        return urlencode(fields).encode()

    def inbound_body(self, phone: str, text: str) -> bytes:
        raise NotImplementedError(
            "SMS.ru does not forward incoming SMS to a webhook (its callbacks carry message "
            "and call-authentication statuses only): there is no body to build."
        )

    def answer(self, fields: dict[str, str]) -> tuple[int, dict[str, Any] | None]:
        """The HTTP status and JSON for one /sms/send request (None: no body of SMS.ru's)."""
        with self.lock:
            self.requests += 1
            if self._failures:
                return self._failures.pop(0), None
        if fields.get("api_id") != self.api_key:
            return 200, _error(200)
        if self.out_of_balance:
            return 200, _error(201)
        text, sender = fields.get("msg", ""), fields.get("from", "")
        numbers: dict[str, dict[str, Any]] = {}
        for number in fields.get("to", "").split(","):
            if f"+{number}" in self.refuse_numbers:
                numbers[number] = _error(202)
            elif not text:
                numbers[number] = _error(203)
            else:
                sms_id = f"000000-{next(self._ids)}"
                numbers[number] = {"status": "OK", "status_code": 100, "sms_id": sms_id}
                with self.lock:
                    self.received.append(
                        {"to": f"+{number}", "text": text, "sender": sender, "sms_id": sms_id}
                    )
        return 200, {"status": "OK", "status_code": 100, "sms": numbers, "balance": 100.0}

    def hang(self) -> float:
        with self.lock:
            return self._hangs.pop(0) if self._hangs else 0.0


def _error(code: int) -> dict[str, Any]:
    return {"status": "ERROR", "status_code": code, "status_text": TEXTS[code]}


class _Server(ThreadingHTTPServer):
    provider: SmsProvider

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and left: expected here, not worth a traceback


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as SMS.ru's nginx
    wbufsize = -1  # headers and body in one write: no Nagle / delayed-ACK stall per answer
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.provider.lock:
            self.server.provider.connections += 1

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.split("?")[0] != "/sms/send":
            return self._reply(404, b"Not Found", "text/plain")
        provider = self.server.provider
        if seconds := provider.hang():
            time.sleep(seconds)
        fields = {key: values[-1] for key, values in parse_qs(body.decode()).items()}
        status, answer = provider.answer(fields)
        if answer is None:
            return self._reply(
                status, b"<html><body>Service Unavailable</body></html>", "text/html"
            )
        if fields.get("json") != "1":  # SMS.ru's older plain-text answer
            return self._reply(status, f"{answer['status_code']}\n".encode(), "text/plain")
        self._reply(status, json.dumps(answer).encode(), "application/json")

    def _reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def sms_provider(settings: Any) -> Iterator[SmsProvider]:
    """The stand-in, running, with the SMS.ru backend in settings pointed at it."""
    provider = SmsProvider()
    provider.start()
    settings.SMS_BACKEND = "recruitment.sms.backends.smsru.SmsBackend"
    settings.SMS_API_URL = provider.url
    settings.SMS_API_KEY = provider.api_key
    settings.SMS_TIMEOUT = 5
    yield provider
    provider.stop()
