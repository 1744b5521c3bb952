"""Staff in the admin: sites, slots, appointments and the outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment, OpeningPattern, OutboxEmail, Slot
from tests.factories import coordinator, typing_site
from tests.factories import slot as make_slot
from tests.recruitment.test_waitlist import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(coordinator())
    return client


def test_every_admin_page_for_booking_opens(staff_client: Client) -> None:
    site = typing_site()
    slot = make_slot(site, timezone.now() + dt.timedelta(days=1))
    book(slot, 1)
    for model in (
        "typingsite",
        "slot",
        "appointment",
        "waitlistentry",
        "outboxemail",
        "consenttext",
    ):
        assert staff_client.get(f"/en/admin/recruitment/{model}/").status_code == 200, model
    assert (
        staff_client.get(f"/en/admin/recruitment/typingsite/{site.pk}/change/").status_code == 200
    )
    assert b"Day sheet" in staff_client.get("/en/admin/").content


def test_the_admin_action_makes_slots_for_the_chosen_sites(staff_client: Client) -> None:
    site = typing_site()
    OpeningPattern.objects.create(site=site, weekday=0, opens=dt.time(8), closes=dt.time(9))
    response = staff_client.post(
        "/en/admin/recruitment/typingsite/",
        {"action": "generate_slots", "_selected_action": [site.pk]},
    )
    assert response.status_code == 302
    assert Slot.objects.filter(site=site).count() >= 4 * 8


def test_staff_cancel_an_appointment_for_a_caller_and_the_place_is_freed(staff_client) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1))
    appointment = book(slot, 1)
    staff_client.post(
        "/en/admin/recruitment/appointment/",
        {"action": "cancel", "_selected_action": [appointment.pk]},
    )
    assert Appointment.objects.get().status == "cancelled"
    assert Slot.objects.get().booked == 0
    assert OutboxEmail.objects.filter(kind="booking-cancelled").count() == 1


def test_staff_retry_a_failed_email(staff_client: Client) -> None:
    email = OutboxEmail.objects.create(
        kind="x",
        to="a@example.org",
        language="en",
        subject="s",
        body_text="b",
        body_html="<p>b</p>",
        status="failed",
        last_error="550 no such user",
    )
    staff_client.post(
        "/en/admin/recruitment/outboxemail/",
        {"action": "retry", "_selected_action": [email.pk]},
    )
    email.refresh_from_db()
    assert email.status == "queued" and email.attempts == 0
