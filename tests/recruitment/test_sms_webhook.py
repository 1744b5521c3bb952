"""The SMS gateway's webhook: replies to our SMS ("yes", "no", "stop", anything else) and
delivery reports, behind the secret in its address. Replies come as the console backend's form
(SMS.ru forwards none); reports also as SMS.ru's own signed notification, from the stand-in."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client

from recruitment.models import Appointment, OutboxEmail, Slot, SmsOptOut, SmsReply
from recruitment.services.reminders import appointment_reminders_plan
from recruitment.services.sms_replies import sms_reply_handle
from tests.factories import appointment, send_outbox, typing_site
from tests.factories import slot as make_slot
from tests.sms_provider import SmsProvider

pytestmark = pytest.mark.django_db

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
SECRET = "webhook-secret-0123456789abcdef"
HOOK = f"/sms/callback/{SECRET}"


@pytest.fixture
def now(time_machine, settings) -> dt.datetime:
    """Monday 1 March 2027, 09:00 in Moscow; SMS on, the webhook's secret set."""
    settings.SMS_ENABLED = True
    settings.SMS_WEBHOOK_SECRET = SECRET
    moment = dt.datetime(2027, 3, 1, 9, 0, tzinfo=MOSCOW)
    time_machine.move_to(moment, tick=False)
    return moment


@pytest.fixture
def booked(now) -> Appointment:
    """An appointment on Thursday, in Russian, with SMS reminders."""
    return appointment(
        make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)),
        language="ru",
        sms_reminders=True,
    )


def _reply(text: str, phone: str = "+79126660001", provider_id: str = "", client=None):
    data = {"phone": phone, "text": text, **({"id": provider_id} if provider_id else {})}
    return (client or Client()).post(HOOK, data)


def _sms(kind: str) -> list[OutboxEmail]:
    return list(OutboxEmail.objects.filter(kind=kind, channel=OutboxEmail.Channel.SMS))


def test_a_wrong_secret_is_refused_and_changes_nothing(booked) -> None:
    for path in ("/sms/callback/wrong", f"/sms/callback/{SECRET[:-1]}", f"/sms/callback/{SECRET}x"):
        response = Client().post(path, {"phone": booked.phone, "text": "НЕТ"})
        assert response.status_code == 403 and response.content == b""
    booked.refresh_from_db()
    assert booked.status == "booked" and booked.confirmed_at is None
    assert not SmsReply.objects.exists() and not OutboxEmail.objects.exists()
    assert Client().get(HOOK).status_code == 405


def test_without_a_configured_secret_every_post_is_refused(booked, settings) -> None:
    settings.SMS_WEBHOOK_SECRET = ""
    for path in (HOOK, "/sms/callback/x", "/sms/callback/%20"):
        response = Client().post(path, {"phone": booked.phone, "text": "ДА"})
        assert response.status_code == 403 and response.content == b""
    assert not SmsReply.objects.exists()


@pytest.mark.parametrize(("text", "language"), [("ДА", "ru"), ("yes", "en"), (" Да! ", "ru")])
def test_yes_from_the_number_of_an_upcoming_appointment_confirms_it(
    booked, now, text, language
) -> None:
    Appointment.objects.filter(pk=booked.pk).update(language=language)
    response = _reply(text, booked.phone)
    assert response.status_code == 200 and response.content == b"OK"
    booked.refresh_from_db()
    assert booked.confirmed_at == now
    (answer,) = _sms("sms-confirmed")
    assert answer.to == booked.phone and answer.language == language
    assert answer.appointment == booked


def test_no_cancels_the_appointment_and_frees_its_place(booked) -> None:
    slot = Slot.objects.get(pk=booked.slot_id)
    assert slot.booked == 1
    assert _reply("НЕТ", booked.phone).status_code == 200
    booked.refresh_from_db()
    assert booked.status == "cancelled"
    assert Slot.objects.get(pk=booked.slot_id).booked == 0
    (answer,) = _sms("sms-cancelled")
    assert answer.to == booked.phone
    # The cancellation email goes out as after a cancel on the manage page.
    assert OutboxEmail.objects.filter(appointment=booked, kind="booking-cancelled").exists()


@pytest.mark.parametrize("text", ["СТОП", "STOP"])
def test_stop_ends_sms_to_the_number_but_not_the_email_reminders(booked, now, text) -> None:
    planned = appointment_reminders_plan(booked, now)
    assert {row.channel for row in planned} == {"email", "sms"}
    assert _reply(text, booked.phone).status_code == 200
    assert SmsOptOut.objects.filter(phone=booked.phone).exists()
    reminders = OutboxEmail.objects.filter(appointment=booked, kind="appointment-reminder")
    assert {r.status for r in reminders if r.channel == "sms"} == {"cancelled"}
    assert {r.status for r in reminders if r.channel == "email"} == {"queued"}
    assert len(_sms("sms-stopped")) == 1
    booked.refresh_from_db()
    assert booked.status == "booked"


def test_an_unknown_reply_gets_one_help_answer_and_a_second_gets_none(
    booked, now, time_machine
) -> None:
    assert _reply("what is this?", booked.phone).status_code == 200
    assert len(_sms("sms-help")) == 1
    time_machine.move_to(now + dt.timedelta(days=6), tick=False)
    # Another machine answering ours: no answer to the answer, no loop.
    assert _reply("Auto-reply: I am away", booked.phone).status_code == 200
    assert len(_sms("sms-help")) == 1
    assert sorted(SmsReply.objects.values_list("outcome", flat=True)) == ["ignored", "unknown"]


def test_the_same_reply_posted_twice_acts_once(booked) -> None:
    for _attempt in range(2):
        assert _reply("ДА", booked.phone, provider_id="inbound-77").status_code == 200
    assert SmsReply.objects.count() == 1
    assert len(_sms("sms-confirmed")) == 1


def test_the_answer_never_tells_whether_a_number_has_a_booking(booked) -> None:
    known = _reply("НЕТ", booked.phone)
    unknown = _reply("НЕТ", "+79169990000")
    assert (known.status_code, known.content) == (unknown.status_code, unknown.content)
    assert dict(known.items()).keys() == dict(unknown.items()).keys()


def test_a_malformed_or_oversized_callback_is_a_bad_request(booked) -> None:
    assert Client().post(HOOK, {"something": "else"}).status_code == 400
    assert Client().post(HOOK, {"phone": "not a number", "text": "ДА"}).status_code == 400
    assert Client().post(HOOK, {"id": "x", "status": "exploded"}).status_code == 400
    big = Client().post(HOOK, {"phone": booked.phone, "text": "ДА" + " " * 70_000})
    assert big.status_code == 400
    booked.refresh_from_db()
    assert booked.confirmed_at is None and not SmsReply.objects.exists()


def test_a_delivery_report_marks_the_message_it_is_about(booked) -> None:
    _reply("ДА", booked.phone)
    answer = _sms("sms-confirmed")[0]
    OutboxEmail.objects.filter(pk=answer.pk).update(provider_id="console-outbox-1")
    response = Client().post(HOOK, {"id": "console-outbox-1", "status": "undelivered"})
    assert response.status_code == 200
    answer.refresh_from_db()
    assert answer.delivery == "undelivered" and "undelivered" in answer.last_error


def test_sms_ru_delivery_reports_mark_what_was_sent_through_it(
    booked,
    sms_provider: SmsProvider,
) -> None:
    """The confirmation SMS goes out through the stand-in; SMS.ru's signed notification then
    says it was delivered. A notification not signed with our key changes nothing."""
    sms_reply_handle(phone=booked.phone, text="ДА")  # SMS.ru forwards no replies: said here
    send_outbox()
    (sent,) = sms_provider.received
    answer = _sms("sms-confirmed")[0]
    answer.refresh_from_db()
    assert answer.status == "sent" and answer.provider_id == sent["sms_id"]
    forged = sms_provider.notification_body(
        [f"sms_status\n{sent['sms_id']}\n106\n1"], api_key="not-our-key"
    )
    form = "application/x-www-form-urlencoded"
    assert Client().post(HOOK, forged, content_type=form).status_code == 400
    answer.refresh_from_db()
    assert answer.delivery == ""
    response = Client().post(HOOK, sms_provider.report_body(sent["sms_id"]), content_type=form)
    assert response.status_code == 200 and response.content == b"100"
    answer.refresh_from_db()
    assert answer.delivery == "delivered"
