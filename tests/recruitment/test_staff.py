"""Staff run a day at a site and book for callers on the phone."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment, Slot
from tests.factories import appointment as book
from tests.factories import coordinator, emails_now, login_verified, staff_member, typing_site
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _morning_in_moscow(time_machine) -> None:
    """09:00 at the test lab, so "two hours from now" is still today there."""
    time_machine.move_to(dt.datetime(2027, 3, 1, 6, 0, tzinfo=dt.UTC), tick=True)


@pytest.fixture
def staff_client() -> Client:
    return login_verified(Client(), coordinator())


@pytest.fixture
def today_slots():
    site = typing_site()
    start = timezone.now() + dt.timedelta(hours=2)
    first = make_slot(site, start)
    second = make_slot(site, start + dt.timedelta(minutes=15))
    return site, [book(second, 2), book(first, 1)]


def test_the_day_sheet_lists_the_days_appointments_in_time_order(staff_client, today_slots):
    site, (later, earlier) = today_slots
    day = earlier.slot.day
    html = staff_client.get(f"/en/staff/day-sheet/?site={site.slug}&day={day:%Y-%m-%d}").content
    html = html.decode()
    assert html.index(earlier.name) < html.index(later.name)
    assert "Times are local times at the site: Moscow time (UTC+3)." in html


def test_marking_attended_is_one_click_and_works_with_htmx_and_without(staff_client, today_slots):
    _site, (later, earlier) = today_slots
    plain = staff_client.post(f"/en/staff/day-sheet/{earlier.pk}/", {"status": "attended"})
    assert plain.status_code == 302 and f"#appointment-{earlier.pk}" in plain["Location"]
    assert Appointment.objects.get(pk=earlier.pk).status == "attended"
    partial = staff_client.post(
        f"/en/staff/day-sheet/{later.pk}/", {"status": "no_show"}, headers={"HX-Request": "true"}
    )
    assert (
        b"<html" not in partial.content
        and f'id="appointment-{later.pk}"'.encode() in partial.content
    )
    assert Appointment.objects.get(pk=later.pk).status == "no_show"


def test_the_day_sheet_is_for_staff_with_the_permission_only(client, today_slots):
    _site, (later, _earlier) = today_slots
    assert client.get("/en/staff/day-sheet/").status_code == 302  # to the admin login
    assert (
        client.post(f"/en/staff/day-sheet/{later.pk}/", {"status": "attended"}).status_code == 302
    )
    clerk = staff_member(username="clerk")
    other = login_verified(Client(), clerk)
    assert other.get("/en/staff/day-sheet/").status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="change_appointment"))
    assert other.get("/en/staff/day-sheet/").status_code == 200
    assert Appointment.objects.get(pk=later.pk).status == "booked"


def test_a_bad_mark_changes_nothing(staff_client, today_slots):
    _site, (later, _earlier) = today_slots
    assert (
        staff_client.post(f"/en/staff/day-sheet/{later.pk}/", {"status": "cancelled"}).status_code
        == 404
    )
    assert staff_client.get(f"/en/staff/day-sheet/{later.pk}/").status_code == 405
    assert Appointment.objects.get(pk=later.pk).status == "booked"


def caller(slot: Slot, **changes: str) -> dict[str, str]:
    return {
        "slot": str(slot.pk),
        "name": "Pyotr Ivanov",
        "email": "pyotr@example.org",
        "phone": "+7 912 800-00-01",
        "born_day": "3",
        "born_month": "4",
        "born_year": "1990",
        "language": "ru",
        "consent": "on",
        "eligibility_confirmed": "on",
        "request_key": str(uuid.uuid4()),
        **changes,
    }


def test_a_coordinator_books_for_a_caller_with_the_same_rules_and_emails(staff_client):
    site = typing_site()
    slot = make_slot(site, timezone.now() + dt.timedelta(days=2))
    page = staff_client.get(f"/en/staff/assisted-booking/?site={site.slug}&day={slot.day:%Y-%m-%d}")
    assert f'value="{slot.pk}"'.encode() in page.content
    response = staff_client.post(
        f"/en/staff/assisted-booking/?site={site.slug}", caller(slot), follow=True
    )
    assert b"Booked for Pyotr Ivanov" in response.content
    # Shown once: the next caller gets a fresh form.
    again = staff_client.get(response.redirect_chain[-1][0])
    assert b"Booked for Pyotr Ivanov" not in again.content
    appointment = Appointment.objects.get()
    assert appointment.booked_by.username == "coordinator"
    # The proof of consent says how it was given: read out by phone, ticked by staff.
    assert appointment.consent_via == "phone"
    assert appointment.get_consent_via_display() == "by phone, read out and recorded by staff"
    assert emails_now().get().kind == "booking-confirmed"
    assert emails_now().get().language == "ru"


def test_assisted_booking_needs_the_questions_asked_and_judges_the_age(staff_client):
    site = typing_site()
    slot = make_slot(site, timezone.now() + dt.timedelta(days=2))
    unasked = staff_client.post(
        f"/en/staff/assisted-booking/?site={site.slug}", caller(slot, eligibility_confirmed="")
    )
    assert b"Please go through the eligibility questions first." in unasked.content
    too_old = staff_client.post(
        f"/en/staff/assisted-booking/?site={site.slug}", caller(slot, born_year="1950")
    )
    assert b"outside the registry" in too_old.content
    assert Appointment.objects.count() == 0


def test_a_future_appointment_cannot_be_marked_and_a_mark_is_undone_that_day_only(
    staff_client, today_slots, time_machine
):
    site, (later, _earlier) = today_slots
    tomorrow = book(make_slot(site, timezone.now() + dt.timedelta(days=1)), 3)
    sheet = staff_client.get(
        f"/en/staff/day-sheet/?site={site.slug}&day={tomorrow.slot.day:%Y-%m-%d}"
    )
    assert f"/en/staff/day-sheet/{tomorrow.pk}/" not in sheet.content.decode()
    assert "From the day of the appointment" in sheet.content.decode()
    refused = staff_client.post(f"/en/staff/day-sheet/{tomorrow.pk}/", {"status": "attended"})
    assert refused.status_code == 404
    assert Appointment.objects.get(pk=tomorrow.pk).status == "booked"
    staff_client.post(f"/en/staff/day-sheet/{later.pk}/", {"status": "attended"})
    undo = staff_client.post(f"/en/staff/day-sheet/{later.pk}/", {"status": "booked"})
    assert undo.status_code == 302 and Appointment.objects.get(pk=later.pk).status == "booked"
    staff_client.post(f"/en/staff/day-sheet/{later.pk}/", {"status": "no_show"})
    time_machine.move_to(timezone.now() + dt.timedelta(days=1))
    assert (
        staff_client.post(f"/en/staff/day-sheet/{later.pk}/", {"status": "booked"}).status_code
        == 404
    )
    assert Appointment.objects.get(pk=later.pk).status == "no_show"


def test_a_caller_who_asks_for_sms_has_it_recorded_as_read_out(staff_client):
    """The form shows staff the sentence to read out; the booking keeps those words (in the
    language the form was shown in), how the caller agreed and when."""
    site = typing_site()
    slot = make_slot(site, timezone.now() + dt.timedelta(days=2))
    page = staff_client.get(f"/en/staff/assisted-booking/?site={site.slug}&day={slot.day:%Y-%m-%d}")
    assert b"Read this out; tick it only if the caller says yes" in page.content
    staff_client.post(
        f"/en/staff/assisted-booking/?site={site.slug}", caller(slot, sms_reminders="on")
    )
    appointment = Appointment.objects.get()
    assert appointment.sms_reminders and appointment.sms_consent_via == "phone"
    assert appointment.sms_consent_text.startswith("Also remind me by SMS")
    assert appointment.sms_consent_at is not None


def test_the_day_sheet_shows_who_confirmed_they_are_coming(staff_client, today_slots):
    site, (later, earlier) = today_slots
    Appointment.objects.filter(pk=earlier.pk).update(confirmed_at=timezone.now())
    day = earlier.slot.day
    html = staff_client.get(f"/en/staff/day-sheet/?site={site.slug}&day={day:%Y-%m-%d}")
    rows = html.content.decode().split("<tr")
    (mine,) = [row for row in rows if earlier.name in row]
    (theirs,) = [row for row in rows if later.name in row]
    assert "confirmed coming" in mine and "confirmed coming" not in theirs
