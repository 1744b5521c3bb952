"""Reminders by email before an appointment or a drive: planned when the booking is made, moved
with it, cancelled with it, sent once by the sweep when due (to a real SMTP server), never sent
for a time already past, and right on the local clock across a change of summer time."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment, OutboxEmail
from recruitment.services.appointments import appointment_cancel, appointment_reschedule
from recruitment.services.reminders import before
from recruitment.services.waitlist import waitlist_accept, waitlist_offer
from tests.factories import (
    booked,
    drive,
    drive_signup,
    drive_window,
    link_in,
    send_outbox,
    typing_site,
)
from tests.factories import slot as make_slot
from tests.mail import SmtpServer

pytestmark = pytest.mark.django_db

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def _book(slot, **fields) -> Appointment:
    return booked(slot, **fields)


def _reminders(**owner) -> list[tuple[str, dt.datetime]]:
    rows = OutboxEmail.objects.filter(kind__endswith="-reminder", **owner).order_by("send_after")
    return [(row.status, row.send_after) for row in rows]


@pytest.fixture
def moscow_morning(time_machine) -> dt.datetime:
    now = dt.datetime(2027, 3, 1, 9, 0, tzinfo=MOSCOW)
    time_machine.move_to(now, tick=False)
    return now


def test_a_booking_plans_a_reminder_a_day_and_two_hours_before(moscow_morning) -> None:
    starts = moscow_morning + dt.timedelta(days=3, hours=1)  # Thursday 10:00
    appointment = _book(make_slot(typing_site(), starts))
    assert _reminders(appointment=appointment) == [
        ("queued", starts - dt.timedelta(hours=24)),
        ("queued", starts - dt.timedelta(hours=2)),
    ]


def test_a_booking_made_after_a_reminders_time_skips_it(moscow_morning) -> None:
    starts = moscow_morning + dt.timedelta(hours=5)  # today at 14:00: the day-before one is past
    appointment = _book(make_slot(typing_site(), starts))
    assert _reminders(appointment=appointment) == [("queued", starts - dt.timedelta(hours=2))]
    late = _book(
        make_slot(typing_site("late-lab"), moscow_morning + dt.timedelta(minutes=90)),
        email="late@example.org",
        phone="+79120000099",
    )
    assert _reminders(appointment=late) == []


def test_moving_a_booking_moves_its_reminders_and_cancelling_cancels_them(moscow_morning) -> None:
    lab = typing_site()
    first = make_slot(lab, moscow_morning + dt.timedelta(days=3, hours=1))
    later = make_slot(lab, moscow_morning + dt.timedelta(days=5, hours=3))
    appointment = _book(first)
    appointment_reschedule(appointment_id=appointment.pk, new_slot_id=later.pk, now=timezone.now())
    assert [r for r in _reminders(appointment=appointment) if r[0] == "queued"] == [
        ("queued", later.starts_at - dt.timedelta(hours=24)),
        ("queued", later.starts_at - dt.timedelta(hours=2)),
    ]
    assert [r[0] for r in _reminders(appointment=appointment)].count("cancelled") == 2
    appointment_cancel(appointment_id=appointment.pk, now=timezone.now())
    assert {r[0] for r in _reminders(appointment=appointment)} == {"cancelled"}


def test_a_day_before_keeps_the_local_clock_across_the_change_to_summer_time(time_machine) -> None:
    """Berlin moves its clocks forward in the night before Sunday 28 March 2027: the reminder
    for Sunday 10:00 comes on Saturday at 10:00 local time, 23 real hours before."""
    time_machine.move_to(dt.datetime(2027, 3, 25, 9, 0, tzinfo=BERLIN), tick=False)
    starts = dt.datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN)
    appointment = _book(make_slot(typing_site("berlin-lab", "Europe/Berlin"), starts))
    day_before, two_hours = (when for _status, when in _reminders(appointment=appointment))
    assert day_before.astimezone(BERLIN) == dt.datetime(2027, 3, 27, 10, 0, tzinfo=BERLIN)
    assert starts - day_before == dt.timedelta(hours=23)
    assert starts - two_hours == dt.timedelta(hours=2)
    assert before(starts, BERLIN, 120) == starts - dt.timedelta(hours=2)


def test_the_sweep_sends_a_reminder_once_when_due_with_a_working_link(
    moscow_morning, time_machine, smtp: SmtpServer, client: Client
) -> None:
    starts = moscow_morning + dt.timedelta(days=3, hours=1)
    appointment = _book(make_slot(typing_site(), starts), language="ru")
    send_outbox()  # the confirmation
    assert [m["Subject"] for m in smtp.inbox.messages if "Напомина" in m["Subject"]] == []
    time_machine.move_to(starts - dt.timedelta(hours=24) + dt.timedelta(seconds=30), tick=False)
    send_outbox()
    send_outbox()  # a second sweep sends nothing again
    reminders = [m for m in smtp.inbox.messages if "Напомина" in m["Subject"]]
    assert len(reminders) == 1
    body = reminders[0].get_body(("plain",)).get_content()
    assert "московское время (UTC+3)" in body and "лист" in body
    assert any(part.get_filename() == "appointment.ics" for part in reminders[0].iter_attachments())
    token = link_in(reminders[0], "booking")
    assert client.get(f"/ru/booking/{token}/").status_code == 200
    assert _reminders(appointment=appointment)[0][0] == "sent"


def test_a_reminder_whose_time_came_after_the_start_is_never_sent(
    moscow_morning, time_machine, smtp: SmtpServer
) -> None:
    """The workers were away for the whole morning: nothing is sent about a test that began."""
    starts = moscow_morning + dt.timedelta(days=1, hours=1)
    appointment = _book(make_slot(typing_site(), starts))
    time_machine.move_to(starts + dt.timedelta(minutes=5), tick=False)
    send_outbox()
    assert {r[0] for r in _reminders(appointment=appointment)} == {"cancelled"}
    assert not [m for m in smtp.inbox.messages if "Reminder" in m["Subject"]]


def test_a_waiting_list_place_taken_plans_its_reminders(moscow_morning) -> None:
    from recruitment.models import WaitlistEntry
    from tests.factories import waiting

    lab = typing_site()
    slot = make_slot(lab, moscow_morning + dt.timedelta(days=3, hours=1), capacity=1)
    holder = _book(slot)
    entry = waiting(lab, slot.day, i=7)
    appointment_cancel(appointment_id=holder.pk, now=timezone.now())
    waitlist_offer(site_id=lab.pk, day=slot.day, now=timezone.now())
    entry = WaitlistEntry.objects.get(pk=entry.pk)
    assert entry.status == "offered"
    booked = waitlist_accept(entry_id=entry.pk, now=timezone.now())
    assert booked is not None and booked.appointment is not None
    assert len(_reminders(appointment=booked.appointment)) == 2


def test_a_drive_sign_up_is_reminded_two_days_before_and_on_the_morning(moscow_morning) -> None:
    from recruitment.services.drives import signup_cancel

    lab = drive(days=5)
    signup = drive_signup(lab, 1)
    assert _reminders(drive_signup=signup) == [
        ("queued", lab.starts_at - dt.timedelta(days=2)),
        ("queued", dt.datetime.combine(lab.day, dt.time(8), tzinfo=MOSCOW)),
    ]
    signup_cancel(signup_id=signup.pk, now=timezone.now())
    assert {r[0] for r in _reminders(drive_signup=signup)} == {"cancelled"}


def test_a_sign_up_in_a_time_window_is_reminded_of_its_window(moscow_morning) -> None:
    lab = drive("WINDOW", days=5)
    afternoon = drive_window(lab, 13)
    signup = drive_signup(lab, 1, window=afternoon)
    assert _reminders(drive_signup=signup)[0] == (
        "queued",
        afternoon.starts_at - dt.timedelta(days=2),
    )
