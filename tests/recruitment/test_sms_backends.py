"""SMS backends: the SMS.ru one against a real local HTTP stand-in for SMS.ru (what it sends,
how each failure is classed, one connection for a batch, the callbacks it reads), the console
one (what the demo shows) and the locmem one (what tests use)."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import RequestFactory

from recruitment.sms import (
    DeliveryReport,
    InboundSms,
    SmsError,
    SmsMessage,
    SmsSent,
    get_backend,
)
from recruitment.sms.backends import console, locmem, smsru
from tests.mail import free_port
from tests.sms_provider import SmsProvider

# The stand-in's fixture, made visible to this module's tests (tests/mail.py's smtp fixture is
# imported in tests/conftest.py instead).

NUMBER = "+79161234567"
TEXT = "Анализ крови HLA 12.05 10:30 MSK, Москва, ул. Ленина, 1."


def message(to: str = NUMBER, text: str = TEXT, n: int = 1) -> SmsMessage:
    return SmsMessage(to=to, text=text, client_id=f"outbox-{n}")


def posted(body: bytes) -> Any:
    return RequestFactory().post(
        "/sms/callback/", data=body, content_type="application/x-www-form-urlencoded"
    )


# Sending through SMS.ru (the stand-in).


def test_it_sends_through_the_gateway_exactly_what_was_asked(
    sms_provider: SmsProvider, settings: Any
) -> None:
    settings.SMS_SENDER = "DONORS"
    backend = get_backend()
    sent = backend.send(message())
    assert isinstance(backend, smsru.SmsBackend)
    assert sms_provider.received == [
        {"to": NUMBER, "text": TEXT, "sender": "DONORS", "sms_id": sent.provider_id}
    ]
    assert sent == SmsSent(provider_id=sent.provider_id, segments=1, cost="")
    assert sent.provider_id.startswith("000000-")


def test_without_a_sender_the_gateway_uses_the_accounts_own(sms_provider: SmsProvider) -> None:
    get_backend().send(message())
    assert sms_provider.received[0]["sender"] == ""


def test_a_server_error_is_temporary_and_the_next_attempt_goes_through(
    sms_provider: SmsProvider,
) -> None:
    sms_provider.fail_next(1, status=503)
    with pytest.raises(SmsError, match="HTTP 503") as refused:
        get_backend().send(message())
    assert not refused.value.permanent
    assert sms_provider.received == []
    get_backend().send(message())
    assert len(sms_provider.received) == 1


def test_a_gateway_that_does_not_answer_is_temporary_within_the_timeout(
    sms_provider: SmsProvider, settings: Any
) -> None:
    settings.SMS_TIMEOUT = 1
    sms_provider.hang_next(1, seconds=3)
    started = time.monotonic()
    with pytest.raises(SmsError, match="did not answer") as refused:
        get_backend().send(message())
    assert time.monotonic() - started < 2
    assert not refused.value.permanent


def test_a_gateway_that_is_down_is_temporary(settings: Any) -> None:
    settings.SMS_BACKEND = "recruitment.sms.backends.smsru.SmsBackend"
    settings.SMS_API_URL = f"http://127.0.0.1:{free_port()}"
    settings.SMS_API_KEY = "key"
    with pytest.raises(SmsError, match="ConnectionRefusedError") as refused:
        get_backend().send(message())
    assert not refused.value.permanent


def test_a_gateway_address_that_is_not_one_is_temporary(settings: Any) -> None:
    settings.SMS_BACKEND = "recruitment.sms.backends.smsru.SmsBackend"
    settings.SMS_API_URL = "sms.ru"
    settings.SMS_API_KEY = "key"
    results = get_backend().send_many([message()])
    assert isinstance(results[0], SmsError) and not results[0].permanent
    assert "SMS_API_URL" in str(results[0])


def test_a_number_the_gateway_refuses_is_permanent(sms_provider: SmsProvider) -> None:
    sms_provider.refuse_numbers.add(NUMBER)
    with pytest.raises(SmsError, match="202") as refused:
        get_backend().send(message())
    assert refused.value.permanent
    assert sms_provider.received == []


def test_an_empty_balance_is_temporary(sms_provider: SmsProvider) -> None:
    sms_provider.out_of_balance = True
    with pytest.raises(SmsError, match="201") as refused:
        get_backend().send(message())
    assert not refused.value.permanent


def test_a_wrong_api_key_is_temporary_so_messages_wait_for_the_fix(
    sms_provider: SmsProvider, settings: Any
) -> None:
    settings.SMS_API_KEY = "not-the-key"
    with pytest.raises(SmsError, match="SMS_API_KEY") as refused:
        get_backend().send(message())
    assert not refused.value.permanent
    assert sms_provider.received == []
    settings.SMS_API_KEY = sms_provider.api_key
    get_backend().send(message())
    assert len(sms_provider.received) == 1


def test_without_an_api_key_nothing_is_sent_and_the_message_is_kept(
    sms_provider: SmsProvider, settings: Any
) -> None:
    settings.SMS_API_KEY = ""
    with pytest.raises(SmsError, match="SMS_API_KEY is not set") as refused:
        get_backend().send(message())
    assert not refused.value.permanent
    assert sms_provider.requests == 0


def test_a_number_not_in_international_form_is_refused_without_asking(
    sms_provider: SmsProvider,
) -> None:
    with pytest.raises(SmsError) as refused:
        get_backend().send(message(to="89161234567"))
    assert refused.value.permanent
    assert sms_provider.requests == 0


def test_a_batch_goes_over_one_connection_in_order_and_survives_failing_items(
    sms_provider: SmsProvider,
) -> None:
    messages = [message(to=f"+7916000{n:04d}", text=f"Reminder {n}", n=n) for n in range(20)]
    sms_provider.fail_next(1, status=502)  # the first one
    sms_provider.refuse_numbers.add(messages[7].to)
    results = get_backend().send_many(messages)
    assert isinstance(results[0], SmsError) and not results[0].permanent
    assert isinstance(results[7], SmsError) and results[7].permanent
    sent = [result for n, result in enumerate(results) if n not in (0, 7)]
    assert all(isinstance(result, SmsSent) for result in sent)
    expected = [m for n, m in enumerate(messages) if n not in (0, 7)]
    assert [(r["to"], r["text"]) for r in sms_provider.received] == [
        (m.to, m.text) for m in expected
    ]
    assert [r["sms_id"] for r in sms_provider.received] == [
        result.provider_id for result in sent if isinstance(result, SmsSent)
    ]
    assert sms_provider.connections == 1


def test_a_batch_goes_on_over_a_new_connection_after_a_timeout(
    sms_provider: SmsProvider, settings: Any
) -> None:
    settings.SMS_TIMEOUT = 1
    sms_provider.hang_next(1, seconds=2)
    results = get_backend().send_many([message(n=n) for n in range(5)])
    assert isinstance(results[0], SmsError) and not results[0].permanent
    assert all(isinstance(result, SmsSent) for result in results[1:])
    assert sms_provider.connections == 2


# What SMS.ru POSTs to our webhook.


@pytest.mark.parametrize(
    ("delivered", "code"), [(True, "103"), (False, "106"), (None, "102")], ids=str
)
def test_it_reads_a_delivery_report_from_the_bytes_the_gateway_posts(
    sms_provider: SmsProvider, delivered: bool | None, code: str
) -> None:
    body = sms_provider.report_body("000000-10000001", delivered=delivered)
    replies, reports = get_backend().parse_callback(posted(body))
    assert replies == []
    assert reports == [DeliveryReport("000000-10000001", delivered, code)]


def test_it_reads_every_report_of_a_notification_and_skips_other_kinds(
    sms_provider: SmsProvider,
) -> None:
    body = sms_provider.notification_body(
        [
            "sms_status\n000000-1\n103\n1716000000",
            "callcheck_status\n201737-542\n401\n1716000001",
            "sms_status\n000000-2\n104\n1716000002",
        ]
    )
    _, reports = get_backend().parse_callback(posted(body))
    assert reports == [
        DeliveryReport("000000-1", True, "103"),
        DeliveryReport("000000-2", False, "104"),
    ]


def test_a_notification_not_signed_with_our_key_is_refused(sms_provider: SmsProvider) -> None:
    body = sms_provider.notification_body(["sms_status\n000000-1\n103\n1"], api_key="other")
    with pytest.raises(ValueError, match="hash"):
        get_backend().parse_callback(posted(body))


@pytest.mark.parametrize(
    "records",
    [["sms_status\n\n103\n1"], ["sms_status\n000000-1\ndelivered\n1"], ["sms_status"], [" "]],
)
def test_a_signed_but_malformed_report_is_refused(
    sms_provider: SmsProvider, records: list[str]
) -> None:
    with pytest.raises(ValueError):
        get_backend().parse_callback(posted(sms_provider.notification_body(records)))


@pytest.mark.parametrize("body", [b"", b"hello=world", b"\xff\xfe", b"data=1&hash=2"])
def test_garbage_is_refused(sms_provider: SmsProvider, body: bytes) -> None:
    with pytest.raises(ValueError):
        get_backend().parse_callback(posted(body))


def test_the_gateway_is_answered_100(sms_provider: SmsProvider) -> None:
    answer = get_backend().callback_ok()
    assert (answer.status_code, answer.content) == (200, b"100")


def test_sms_ru_has_no_replies_to_build(sms_provider: SmsProvider) -> None:
    with pytest.raises(NotImplementedError, match="does not forward incoming SMS"):
        sms_provider.inbound_body(NUMBER, "ДА")


# The console backend (the default, and the demo's).


def test_the_console_backend_is_the_default(settings: Any) -> None:
    del settings.SMS_BACKEND
    assert isinstance(get_backend(), console.SmsBackend)


def test_the_console_shows_the_number_the_text_and_the_parts() -> None:
    stream = io.StringIO()
    text = TEXT + " https://donors.example/s/ABCDEFGHJKL"
    sent = console.SmsBackend(stream=stream).send(message(text=text, n=5))
    shown = stream.getvalue()
    assert NUMBER in shown and text in shown and "outbox-5" in shown
    assert "Parts: 2 (UCS-2, 93 units)" in shown
    assert sent == SmsSent(provider_id="console-outbox-5", segments=2)


def test_the_console_shows_each_sms_at_once_even_on_a_pipe() -> None:
    # A Celery worker's stdout is a pipe, block-buffered: unflushed, the demo shows nothing.
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    with open(write_end, "w", encoding="utf-8") as pipe, open(read_end, "rb") as reader:
        console.SmsBackend(stream=pipe).send(message())
        assert NUMBER.encode() in reader.read()


@pytest.mark.parametrize(
    ("body", "reply"),
    [
        (b"phone=8+916+123-45-67&text=YES", InboundSms(NUMBER, "YES", "")),
        (
            "phone=79161234567&text=Да, приду&id=r-1".encode(),
            InboundSms(NUMBER, "Да, приду", "r-1"),
        ),
        (b"phone=%2B79161234567&text=%D0%A1%D0%A2%D0%9E%D0%9F", InboundSms(NUMBER, "СТОП", "")),
    ],
)
def test_the_console_backend_takes_a_reply_as_a_simple_form(body: bytes, reply: InboundSms) -> None:
    assert console.SmsBackend().parse_callback(posted(body)) == ([reply], [])


@pytest.mark.parametrize(
    ("status", "delivered"), [("delivered", True), ("undelivered", False), ("pending", None)]
)
def test_the_console_backend_takes_a_report_as_a_simple_form(
    status: str, delivered: bool | None
) -> None:
    body = f"id=console-outbox-1&status={status}".encode()
    _, reports = console.SmsBackend().parse_callback(posted(body))
    assert reports == [DeliveryReport("console-outbox-1", delivered, status)]


@pytest.mark.parametrize(
    "body", [b"", b"text=hi", b"phone=123&text=hi", b"id=x&status=eaten", b"status=delivered"]
)
def test_the_console_backend_refuses_garbage(body: bytes) -> None:
    with pytest.raises(ValueError):
        console.SmsBackend().parse_callback(posted(body))


# The locmem backend (tests).


@pytest.fixture
def sms_outbox(settings: Any) -> Iterator[list[SmsMessage]]:
    settings.SMS_BACKEND = "recruitment.sms.backends.locmem.SmsBackend"
    locmem.outbox.clear()
    locmem.refuse.clear()
    yield locmem.outbox
    locmem.outbox.clear()
    locmem.refuse.clear()


def test_locmem_keeps_each_message_and_refuses_listed_numbers(
    sms_outbox: list[SmsMessage],
) -> None:
    locmem.refuse.add("+79990000000")
    ok, refused = message(), message(to="+79990000000", n=2)
    results = get_backend().send_many([ok, refused])
    assert results[0] == SmsSent(provider_id="locmem-1", segments=1)
    assert isinstance(results[1], SmsError) and results[1].permanent
    assert sms_outbox == [ok]
