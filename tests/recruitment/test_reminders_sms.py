"""SMS reminders: opt-in with proof of consent, never in the quiet hours, the essentials in the
first part, through the SMS.ru stand-in (a real HTTP server), retried when the gateway fails,
never after STOP; and a booking's whole life on a frozen clock."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment, OutboxEmail, SmsOptOut
from recruitment.services.appointments import (
    appointment_cancel,
    appointment_mark,
    appointment_reschedule,
)
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.services.reminders import quiet_adjusted
from recruitment.sms import segments
from tests.factories import booked, booking_form, proof_for, send_outbox, typing_site
from tests.factories import slot as make_slot
from tests.mail import SmtpServer
from tests.sms_provider import SmsProvider

pytestmark = pytest.mark.django_db

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
QUIET = (dt.time(21), dt.time(9))


def _book(slot, *, sms: bool = True, phone: str = "+79123456789", **fields):
    """Booked through the service, with the SMS box ticked unless `sms` is False."""
    return booked(
        slot, phone=phone, sms_consent_text="Also remind me by SMS" if sms else "", **fields
    )


def _sms(appointment) -> list[tuple[str, dt.datetime]]:
    rows = OutboxEmail.objects.filter(appointment=appointment, channel="sms").order_by("send_after")
    return [(row.status, row.send_after) for row in rows]


@pytest.fixture
def monday_morning(time_machine) -> dt.datetime:
    now = dt.datetime(2027, 3, 1, 9, 0, tzinfo=MOSCOW)
    time_machine.move_to(now, tick=False)
    return now


def test_the_booking_form_records_the_sms_consent_as_worded(client: Client) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=3))
    client.cookies[PROOF_COOKIE] = proof_for()
    page = client.get(f"/ru/typing-sites/{slot.site.slug}/book/{slot.pk}/").content.decode()
    assert 'name="sms_reminders"' in page and "СТОП" in page  # offered, in Russian, unticked
    assert 'name="sms_reminders" id="id_sms_reminders" checked' not in page
    data = booking_form(language="ru", sms_reminders="on")
    response = client.post(f"/ru/typing-sites/{slot.site.slug}/book/{slot.pk}/", data)
    assert response.status_code == 302
    booked = Appointment.objects.get()
    assert booked.sms_reminders and booked.sms_consent_via == "web"
    assert booked.sms_consent_at is not None
    assert "СТОП" in booked.sms_consent_text  # the words shown, in the language shown


def test_without_the_tick_no_sms_is_planned(client: Client) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=3))
    client.cookies[PROOF_COOKIE] = proof_for()
    client.post(f"/en/typing-sites/{slot.site.slug}/book/{slot.pk}/", booking_form())
    booked = Appointment.objects.get()
    assert not booked.sms_reminders and booked.sms_consent_text == ""
    assert _sms(booked) == []
    assert OutboxEmail.objects.filter(appointment=booked, kind="appointment-reminder").count() == 2


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((2027, 3, 2, 10, 0), (2027, 3, 2, 10, 0)),  # the day: as it is
        ((2027, 3, 2, 20, 59), (2027, 3, 2, 20, 59)),  # a minute before the quiet hours
        ((2027, 3, 2, 21, 0), (2027, 3, 2, 20, 59)),  # their first minute: moved back
        ((2027, 3, 2, 23, 30), (2027, 3, 2, 20, 59)),  # the evening: same evening, 20:59
        ((2027, 3, 3, 7, 30), (2027, 3, 2, 20, 59)),  # the early morning: the evening before
        ((2027, 3, 3, 9, 0), (2027, 3, 3, 9, 0)),  # 09:00 is allowed
    ],
)
def test_quiet_hours_move_an_sms_to_the_last_minute_before_them(local, expected) -> None:
    when = dt.datetime(*local, tzinfo=MOSCOW)
    assert quiet_adjusted(when, MOSCOW, QUIET) == dt.datetime(*expected, tzinfo=MOSCOW)


def test_quiet_hours_within_one_day_and_across_a_clock_change() -> None:
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    lunch = (dt.time(13), dt.time(14))
    assert quiet_adjusted(dt.datetime(2027, 3, 2, 13, 30, tzinfo=berlin), berlin, lunch) == (
        dt.datetime(2027, 3, 2, 12, 59, tzinfo=berlin)
    )
    # 07:00 on the Sunday clocks go forward: back to 20:59 on Saturday, local time.
    moved = quiet_adjusted(dt.datetime(2027, 3, 28, 7, 0, tzinfo=berlin), berlin, QUIET)
    assert moved.astimezone(berlin) == dt.datetime(2027, 3, 27, 20, 59, tzinfo=berlin)


def test_an_early_appointments_sms_comes_the_evening_before(monday_morning) -> None:
    """09:30 on Wednesday: the 24-hour SMS at 09:30 on Tuesday, the 2-hour one (07:30, in the
    quiet hours) at 20:59 on Tuesday; the emails keep their own times."""
    starts = dt.datetime(2027, 3, 3, 9, 30, tzinfo=MOSCOW)
    appointment = _book(make_slot(typing_site(), starts))
    assert _sms(appointment) == [
        ("queued", dt.datetime(2027, 3, 2, 9, 30, tzinfo=MOSCOW)),
        ("queued", dt.datetime(2027, 3, 2, 20, 59, tzinfo=MOSCOW)),
    ]
    emails = OutboxEmail.objects.filter(appointment=appointment, kind="appointment-reminder")
    assert sorted(emails.filter(channel="email").values_list("send_after", flat=True)) == [
        dt.datetime(2027, 3, 2, 9, 30, tzinfo=MOSCOW),
        dt.datetime(2027, 3, 3, 7, 30, tzinfo=MOSCOW),
    ]


def test_a_number_that_sent_stop_gets_no_sms(monday_morning) -> None:
    SmsOptOut.objects.create(phone="+79123456789", reason="STOP")
    appointment = _book(make_slot(typing_site(), monday_morning + dt.timedelta(days=3)))
    assert _sms(appointment) == []


def test_the_sms_goes_through_the_gateway_once_with_the_essentials_first(
    monday_morning, time_machine, sms_provider: SmsProvider, client: Client, settings
) -> None:
    settings.SITE_URL = "https://registry.example.org"
    starts = monday_morning + dt.timedelta(days=3, hours=1)  # Thursday 10:00
    appointment = _book(make_slot(typing_site(), starts), language="ru")
    time_machine.move_to(starts - dt.timedelta(hours=24), tick=False)
    send_outbox()
    send_outbox()  # nothing twice
    (sent,) = sms_provider.received
    assert sent["to"] == "+79123456789"
    text = sent["text"]
    first_part = text[: segments(text).per_part]
    assert "4.03 10:00 MSK" in first_part and "HLA" in first_part
    code = first_part.split("/s/")[1][:11]
    assert f" registry.example.org/s/{code}" in first_part  # (phones make it a link)
    row = OutboxEmail.objects.get(appointment=appointment, channel="sms", status="sent")
    assert row.segments == segments(text).count >= 1
    assert row.provider_id == sent["sms_id"]
    assert code not in row.body_text  # the working code is not kept
    landing = client.get(f"/s/{code}")
    assert landing.status_code == 302 and landing["Location"].startswith("/ru/booking/")
    assert client.get(landing["Location"]).status_code == 200


def test_a_gateway_outage_is_retried_and_a_refused_number_fails_for_staff(
    monday_morning, time_machine, sms_provider: SmsProvider
) -> None:
    starts = monday_morning + dt.timedelta(days=3, hours=1)
    appointment = _book(make_slot(typing_site(), starts))
    time_machine.move_to(starts - dt.timedelta(hours=24), tick=False)
    sms_provider.fail_next(1, status=503)
    send_outbox()
    row = OutboxEmail.objects.get(
        appointment=appointment, channel="sms", dedupe_key__endswith=":24h:sms"
    )
    assert (
        row.status == "queued"
        and row.attempts == 1
        and "503" in row.last_error
        and sms_provider.received == []
    )
    time_machine.move_to(row.send_after + dt.timedelta(seconds=1), tick=False)
    send_outbox()
    assert len(sms_provider.received) == 1
    row.refresh_from_db()
    assert row.status == "sent"

    other = _book(
        make_slot(typing_site("kazan"), starts + dt.timedelta(days=1)),
        phone="+79123456780",
        email="boris@example.org",
    )
    Appointment.objects.filter(pk=appointment.pk).update(status="cancelled")
    sms_provider.refuse_numbers.add("+79123456780")
    time_machine.move_to(starts + dt.timedelta(hours=1), tick=False)
    send_outbox()
    failed = OutboxEmail.objects.get(appointment=other, channel="sms", status="failed")
    assert failed.last_error and failed.attempts == 1
    assert len(sms_provider.received) == 1


def test_a_booking_from_first_email_to_the_day_after(
    monday_morning, time_machine, smtp: SmtpServer, sms_provider: SmsProvider, client: Client
) -> None:
    """Booked on Monday for Thursday 10:00, moved to Friday 10:00, reminded twice by email and
    SMS at the new times only, marked attended: the thank-you comes on Saturday at 10:00."""
    lab = typing_site()
    appointment = _book(make_slot(lab, monday_morning + dt.timedelta(days=3, hours=1)))
    friday = make_slot(lab, monday_morning + dt.timedelta(days=4, hours=1))
    appointment_reschedule(appointment_id=appointment.pk, new_slot_id=friday.pk, now=timezone.now())
    send_outbox()
    subjects = [m["Subject"] for m in smtp.inbox.messages]
    assert len(subjects) == 2 and not any("Reminder" in s for s in subjects)

    def reminders_at(*moment: int) -> tuple[int, int]:
        time_machine.move_to(dt.datetime(*moment, tzinfo=MOSCOW), tick=False)
        send_outbox()
        emails = [m for m in smtp.inbox.messages if "Reminder" in m["Subject"]]
        return len(emails), len(sms_provider.received)

    assert reminders_at(2027, 3, 3, 10, 0, 30) == (0, 0)  # Thursday's 24 hours: moved away
    assert reminders_at(2027, 3, 4, 8, 0, 30) == (0, 0)  # Thursday's 2 hours: moved away
    assert reminders_at(2027, 3, 4, 10, 0, 30) == (1, 1)  # Friday's 24 hours
    assert reminders_at(2027, 3, 4, 10, 5) == (1, 1)  # once
    assert reminders_at(2027, 3, 5, 8, 0, 30) == (2, 2)  # Friday's 2 hours
    stops = {m["List-Unsubscribe"] for m in smtp.inbox.messages if "Reminder" in m["Subject"]}
    assert len(stops) == 2 and all("/en/reminders/stop/" in stop for stop in stops)

    time_machine.move_to(dt.datetime(2027, 3, 5, 10, 20, tzinfo=MOSCOW), tick=False)
    appointment_mark(appointment_id=appointment.pk, status="attended", now=timezone.now())
    send_outbox()
    assert not [m for m in smtp.inbox.messages if "Thank you" in m["Subject"]]
    time_machine.move_to(dt.datetime(2027, 3, 6, 10, 0, 30, tzinfo=MOSCOW), tick=False)
    send_outbox()
    (thanks,) = [m for m in smtp.inbox.messages if "Thank you" in m["Subject"]]
    text = thanks.get_body(("plain",)).get_content()
    assert "few weeks" in text and "donors@" in text


def test_a_no_show_gets_we_missed_you_the_next_day_with_a_way_back(
    monday_morning, time_machine, smtp: SmtpServer, client: Client
) -> None:
    lab = typing_site()
    starts = monday_morning + dt.timedelta(days=3, hours=1)
    appointment = _book(make_slot(lab, starts), sms=False)
    time_machine.move_to(starts + dt.timedelta(hours=3), tick=False)
    appointment_mark(appointment_id=appointment.pk, status="no_show", now=timezone.now())
    time_machine.move_to(starts + dt.timedelta(days=1), tick=False)
    send_outbox()
    (missed,) = [m for m in smtp.inbox.messages if "missed you" in m["Subject"]]
    body = missed.get_body(("plain",)).get_content()
    link = next(line for line in body.splitlines() if "/book-again/" in line).strip()
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/typing-sites/{lab.slug}/")
    assert PROOF_COOKIE in response.cookies


def test_a_mark_taken_back_takes_its_after_day_email(monday_morning, time_machine) -> None:
    starts = monday_morning + dt.timedelta(days=3, hours=1)
    appointment = _book(make_slot(typing_site(), starts), sms=False)
    time_machine.move_to(starts + dt.timedelta(minutes=30), tick=False)
    appointment_mark(appointment_id=appointment.pk, status="no_show", now=timezone.now())
    appointment_mark(appointment_id=appointment.pk, status="booked", now=timezone.now())
    appointment_mark(appointment_id=appointment.pk, status="attended", now=timezone.now())
    after = OutboxEmail.objects.filter(appointment=appointment, kind__startswith="visit-")
    assert sorted(after.values_list("kind", "status")) == [
        ("visit-missed", "cancelled"),
        ("visit-thanks", "queued"),
    ]


def test_cancelling_cancels_the_sms_too(monday_morning) -> None:
    appointment = _book(make_slot(typing_site(), monday_morning + dt.timedelta(days=3)))
    appointment_cancel(appointment_id=appointment.pk, now=timezone.now())
    assert {status for status, _when in _sms(appointment)} == {"cancelled"}


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_drive_reminders_essentials_fit_the_first_part(language, settings) -> None:
    from recruitment.services.messages import sms_render
    from tests.factories import drive, drive_signup

    settings.SITE_URL = "https://donors.registry.example.org"  # a long address
    lab = drive(days=12)  # a two-digit day or month in most months
    signup = drive_signup(lab, 1, language=language)
    row = OutboxEmail.objects.create(
        kind="drive-reminder",
        channel="sms",
        to=signup.phone,
        language=language,
        drive_signup=signup,
        drive=lab,
        link="signup",
    )
    text, token = sms_render(row, timezone.now())
    split = {"GSM-7": 153, "UCS-2": 67}[segments(text).encoding]
    first_part = text[:split]
    local = lab.starts_at.astimezone(lab.zone)
    assert f"{local.day}.{local:%m} 10:00 MSK" in first_part
    assert f" donors.registry.example.org/s/{token}" in first_part
    assert (lab.venue_ru if language == "ru" else lab.venue_en) in text  # where, right after


def test_booked_in_the_evening_for_the_morning_the_sms_comes_when_the_quiet_hours_end(
    time_machine,
) -> None:
    """Booked at 22:00 for 09:30 tomorrow: the 2-hour SMS (07:30, quiet) cannot go at 20:59,
    which has passed, so it goes at 09:00, still before the test; the email keeps 07:30."""
    time_machine.move_to(dt.datetime(2027, 3, 2, 22, 0, tzinfo=MOSCOW), tick=False)
    starts = dt.datetime(2027, 3, 3, 9, 30, tzinfo=MOSCOW)
    appointment = _book(make_slot(typing_site(), starts))
    assert _sms(appointment) == [("queued", dt.datetime(2027, 3, 3, 9, 0, tzinfo=MOSCOW))]
    emails = OutboxEmail.objects.filter(
        appointment=appointment, kind="appointment-reminder", channel="email"
    )
    assert list(emails.values_list("send_after", flat=True)) == [
        dt.datetime(2027, 3, 3, 7, 30, tzinfo=MOSCOW)
    ]


def test_an_sms_with_no_allowed_minute_left_is_not_dropped_silently(time_machine) -> None:
    """Booked at 22:00 for 09:00 tomorrow: no minute outside the quiet hours is left before the
    start, so the 2-hour SMS is kept as "no longer needed", saying why, for staff."""
    time_machine.move_to(dt.datetime(2027, 3, 2, 22, 0, tzinfo=MOSCOW), tick=False)
    starts = dt.datetime(2027, 3, 3, 9, 0, tzinfo=MOSCOW)
    appointment = _book(make_slot(typing_site(), starts))
    (row,) = OutboxEmail.objects.filter(appointment=appointment, channel="sms")
    assert row.status == "cancelled" and "quiet hours" in row.last_error


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((2027, 3, 2, 22, 0), (2027, 3, 3, 9, 0)),  # the evening: next morning
        ((2027, 3, 3, 3, 0), (2027, 3, 3, 9, 0)),  # the night: this morning
        ((2027, 3, 3, 9, 0), (2027, 3, 3, 9, 0)),  # allowed: as it is
        ((2027, 3, 3, 20, 59), (2027, 3, 3, 20, 59)),
    ],
)
def test_the_first_minute_after_the_quiet_hours(local, expected) -> None:
    from recruitment.services.reminders import quiet_after

    when = dt.datetime(*local, tzinfo=MOSCOW)
    assert quiet_after(when, MOSCOW, QUIET) == dt.datetime(*expected, tzinfo=MOSCOW)


def test_a_waiting_list_place_taken_keeps_its_sms_consent(monday_morning, time_machine) -> None:
    from recruitment.models import WaitlistEntry
    from recruitment.services.waitlist import waitlist_accept, waitlist_offer
    from tests.factories import waiting

    lab = typing_site()
    slot = make_slot(lab, monday_morning + dt.timedelta(days=3, hours=1), capacity=1)
    holder = _book(slot, sms=False)
    entry = waiting(lab, slot.day, i=7)
    WaitlistEntry.objects.filter(pk=entry.pk).update(
        sms_reminders=True,
        sms_consent_at=monday_morning,
        sms_consent_via="web",
        sms_consent_text="Also remind me by SMS",
    )
    time_machine.move_to(monday_morning + dt.timedelta(hours=5), tick=False)
    appointment_cancel(appointment_id=holder.pk, now=timezone.now())
    waitlist_offer(site_id=lab.pk, day=slot.day, now=timezone.now())
    booked = waitlist_accept(entry_id=entry.pk, now=timezone.now()).appointment
    assert booked.sms_reminders and booked.sms_consent_at == monday_morning  # when given
    assert booked.sms_consent_text == "Also remind me by SMS"
    assert len(_sms(booked)) == 2
