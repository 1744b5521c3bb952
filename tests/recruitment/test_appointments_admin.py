"""Appointments in the admin: every change goes through the services the public site uses, so
no admin path frees a place without offering it or takes one that is not free."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment, OutboxEmail, Slot
from recruitment.services.appointments import appointment_cancel
from tests.factories import (
    appointment,
    link_in,
    login_verified,
    send_outbox,
    staff_member,
    typing_site,
    waiting,
)
from tests.factories import slot as make_slot
from tests.mail import SmtpServer

pytestmark = pytest.mark.django_db

LIST = "/en/admin/recruitment/appointment/"
# Noon in Moscow: the site's day and UTC's are the same one, all day long in the tests.
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def signed_in(*permissions: str) -> Client:
    return login_verified(Client(), staff_member(*permissions))


def messages_of(response) -> list[str]:
    """The messages the page after the action shows."""
    return [str(message) for message in response.context["messages"]]


def act(client: Client, action: str, *appointments: Appointment):
    return client.post(
        LIST, {"action": action, "_selected_action": [a.pk for a in appointments]}, follow=True
    )


@pytest.fixture
def staff() -> Client:
    return signed_in("recruitment.change_appointment")


def test_every_admin_page_for_booking_opens_for_staff_who_may_see_them() -> None:
    site = typing_site()
    booked = appointment(make_slot(site, timezone.now() + dt.timedelta(days=1)))
    models = ["typingsite", "slot", "appointment", "waitlistentry", "outboxemail", "consenttext"]
    client = signed_in(*(f"recruitment.view_{model}" for model in models))
    for model in models:
        assert client.get(f"/en/admin/recruitment/{model}/").status_code == 200, model
    assert client.get(f"/en/admin/recruitment/typingsite/{site.pk}/change/").status_code == 200
    assert client.get(f"{LIST}{booked.pk}/change/").status_code == 200
    assert b"Day sheet" in client.get("/en/admin/").content


def test_the_change_form_shows_the_status_but_offers_nothing_to_change_or_save(staff) -> None:
    booked = appointment(make_slot(typing_site(), timezone.now() + dt.timedelta(days=1)))
    page = staff.get(f"{LIST}{booked.pk}/change/").content.decode()
    assert "Booked 1" in page and "booked" in page
    assert 'name="status"' not in page and 'name="_save"' not in page
    assert staff.get(f"{LIST}add/").status_code == 403


def test_posting_cancelled_in_the_change_form_changes_nothing(staff) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1))
    booked = appointment(slot)
    response = staff.post(f"{LIST}{booked.pk}/change/", {"status": "cancelled"})
    assert response.status_code == 403
    assert Appointment.objects.get(pk=booked.pk).status == "booked"
    assert Slot.objects.get(pk=slot.pk).booked == 1
    assert not OutboxEmail.objects.filter(kind="booking-cancelled").exists()


def test_posting_booked_in_the_change_form_does_not_bring_back_a_cancelled_one(staff) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1))
    first = appointment(slot, 1)
    appointment_cancel(appointment_id=first.pk, now=timezone.now())
    slot.refresh_from_db()
    appointment(slot, 2)
    appointment(slot, 3)
    response = staff.post(f"{LIST}{first.pk}/change/", {"status": "booked"})
    assert response.status_code == 403
    assert Appointment.objects.get(pk=first.pk).status == "cancelled"
    assert Appointment.objects.filter(slot=slot, status="booked").count() == 2


def test_cancelling_in_the_admin_frees_the_place_emails_the_person_and_offers_it_on(
    staff, smtp: SmtpServer
) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1), capacity=1)
    booked = appointment(slot)
    first, second = waiting(slot.site, slot.day, 1), waiting(slot.site, slot.day, 2)
    response = act(staff, "cancel", booked)
    assert messages_of(response) == ["1 appointment cancelled."]
    assert Appointment.objects.get(pk=booked.pk).status == "cancelled"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "offered" and first.offered_slot == slot
    assert second.status == "waiting"
    assert Slot.objects.get(pk=slot.pk).booked == 1  # held for the offer
    send_outbox()
    [cancelled] = smtp.inbox.to(booked.email)
    assert "cancelled" in cancelled["Subject"].lower()
    [offer] = smtp.inbox.to(first.email)
    token = link_in(offer, "waiting-list/offer")
    assert b"A place is waiting for you" in Client().get(f"/en/waiting-list/offer/{token}/").content
    assert smtp.inbox.to(second.email) == []


def test_cancelling_an_appointment_that_is_not_active_says_so_and_changes_nothing(
    staff,
) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1))
    gone = appointment(slot)
    appointment_cancel(appointment_id=gone.pk, now=timezone.now())
    emails = OutboxEmail.objects.count()
    response = act(staff, "cancel", gone)
    assert messages_of(response) == [
        "0 appointments cancelled.",
        "1 appointment was not active and was left as it was.",
    ]
    assert Slot.objects.get(pk=slot.pk).booked == 0
    assert OutboxEmail.objects.count() == emails


def test_staff_who_may_only_look_cannot_cancel() -> None:
    booked = appointment(make_slot(typing_site(), timezone.now() + dt.timedelta(days=1)))
    act(signed_in("recruitment.view_appointment"), "cancel", booked)
    assert Appointment.objects.get(pk=booked.pk).status == "booked"


def test_no_admin_path_makes_a_third_active_appointment_on_a_slot_of_two(
    staff, time_machine
) -> None:
    time_machine.move_to(NOW)
    slot = make_slot(typing_site(), NOW + dt.timedelta(hours=5))
    gone = appointment(slot, 1)
    appointment_cancel(appointment_id=gone.pk, now=NOW)
    slot.refresh_from_db()
    kept = [appointment(slot, 2), appointment(slot, 3)]
    staff.post(f"{LIST}{gone.pk}/change/", {"status": "booked"})
    for action in ("mark_undo", "mark_attended", "mark_no_show", "mark_undo"):
        act(staff, action, gone)
    act(staff, "mark_attended", *kept)
    act(staff, "mark_undo", gone, *kept)  # the two marks are taken back; the cancelled stays
    assert Appointment.objects.filter(slot=slot, status="booked").count() == 2
    assert Appointment.objects.get(pk=gone.pk).status == "cancelled"
    assert Slot.objects.get(pk=slot.pk).booked == 2


def test_marking_a_future_appointment_attended_is_refused_with_a_message(
    staff, time_machine
) -> None:
    time_machine.move_to(NOW)
    tomorrow = appointment(make_slot(typing_site(), NOW + dt.timedelta(days=1)))
    response = act(staff, "mark_attended", tomorrow)
    assert messages_of(response) == [
        "0 appointments marked as attended.",
        "1 appointment could not be marked: attendance is marked from the appointment's day "
        "on, and never for a cancelled appointment.",
    ]
    assert Appointment.objects.get(pk=tomorrow.pk).status == "booked"


def test_staff_mark_who_came_and_who_did_not_on_the_day(staff, time_machine) -> None:
    time_machine.move_to(NOW)
    site = typing_site()
    came = appointment(make_slot(site, NOW - dt.timedelta(hours=1)), 1)
    missed = appointment(make_slot(site, NOW + dt.timedelta(hours=1)), 2)
    assert messages_of(act(staff, "mark_attended", came)) == ["1 appointment marked as attended."]
    assert messages_of(act(staff, "mark_no_show", missed)) == [
        "1 appointment marked as did not come."
    ]
    assert Appointment.objects.get(pk=came.pk).status == "attended"
    assert Appointment.objects.get(pk=missed.pk).status == "no_show"
    assert messages_of(act(staff, "mark_undo", missed)) == ["1 mark taken back."]
    assert Appointment.objects.get(pk=missed.pk).status == "booked"


def test_a_mark_is_taken_back_on_the_appointments_day_only(staff, time_machine) -> None:
    time_machine.move_to(NOW)
    came = appointment(make_slot(typing_site(), NOW - dt.timedelta(hours=1)))
    act(staff, "mark_attended", came)
    time_machine.move_to(NOW + dt.timedelta(days=1))
    response = act(staff, "mark_undo", came)
    assert messages_of(response) == [
        "0 marks taken back.",
        "1 mark could not be taken back: a mark is taken back on the appointment's day only, "
        "and not for someone who has booked again since.",
    ]
    assert Appointment.objects.get(pk=came.pk).status == "attended"
