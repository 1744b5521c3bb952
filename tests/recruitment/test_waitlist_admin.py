"""The waiting list in the admin: people join through the site and staff take them off
through `waitlist_leave`, so a held place always passes to the next person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import Slot, WaitlistEntry
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

LIST = "/en/admin/recruitment/waitlistentry/"


def signed_in(*permissions: str) -> Client:
    return login_verified(Client(), staff_member(*permissions))


@pytest.fixture
def staff() -> Client:
    return signed_in("recruitment.change_waitlistentry", "recruitment.delete_waitlistentry")


@pytest.fixture
def full_slot() -> Slot:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1), capacity=1)
    appointment(slot)
    return slot


def leave(client: Client, *entries: WaitlistEntry) -> list[str]:
    response = client.post(
        LIST, {"action": "leave", "_selected_action": [e.pk for e in entries]}, follow=True
    )
    return [str(message) for message in response.context["messages"]]


def offer_page(token: str) -> int:
    return Client().get(f"/en/waiting-list/offer/{token}/").status_code


def test_taking_off_someone_holding_an_offer_passes_the_place_to_the_next_person(
    staff, full_slot, smtp: SmtpServer
) -> None:
    first, second = (
        waiting(full_slot.site, full_slot.day, 1),
        waiting(full_slot.site, full_slot.day, 2),
    )
    appointment_cancel(appointment_id=full_slot.appointments.get().pk, now=timezone.now())
    send_outbox()
    first_link = link_in(smtp.inbox.to(first.email)[0], "waiting-list/offer")
    assert offer_page(first_link) == 200
    assert leave(staff, first) == ["1 person taken off the waiting list."]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "left"
    assert second.status == "offered" and second.offered_slot == full_slot
    assert Slot.objects.get(pk=full_slot.pk).booked == 1  # now held for the second person
    assert offer_page(first_link) == 404
    send_outbox()
    assert offer_page(link_in(smtp.inbox.to(second.email)[0], "waiting-list/offer")) == 200
    assert len(smtp.inbox.to(first.email)) == 1


def test_taking_off_someone_still_waiting_frees_nothing_and_offers_nothing(
    staff, full_slot
) -> None:
    entry = waiting(full_slot.site, full_slot.day, 1)
    assert leave(staff, entry) == ["1 person taken off the waiting list."]
    assert WaitlistEntry.objects.get(pk=entry.pk).status == "left"
    assert Slot.objects.get(pk=full_slot.pk).booked == 1


def test_an_entry_no_longer_on_the_list_is_left_as_it_was_and_staff_are_told(
    staff, full_slot
) -> None:
    entry = waiting(full_slot.site, full_slot.day, 1)
    leave(staff, entry)
    assert leave(staff, entry) == [
        "0 people taken off the waiting list.",
        "1 entry was no longer waiting or holding an offer and was left as it was.",
    ]


def test_the_change_form_changes_nothing_and_nobody_is_added_by_hand(staff, full_slot) -> None:
    entry = waiting(full_slot.site, full_slot.day, 1)
    page = staff.get(f"{LIST}{entry.pk}/change/").content.decode()
    assert "Waiting 1" in page and 'name="status"' not in page and 'name="_save"' not in page
    response = staff.post(f"{LIST}{entry.pk}/change/", {"status": "left", "day": "2030-01-01"})
    assert response.status_code == 403
    assert WaitlistEntry.objects.filter(pk=entry.pk, status="waiting", day=full_slot.day).exists()
    assert staff.get(f"{LIST}add/").status_code == 403


def test_an_entry_on_the_list_cannot_be_deleted_but_one_that_is_over_can(staff, full_slot) -> None:
    entry = waiting(full_slot.site, full_slot.day, 1)
    appointment_cancel(appointment_id=full_slot.appointments.get().pk, now=timezone.now())
    entry.refresh_from_db()
    assert entry.status == "offered"
    assert staff.post(f"{LIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    staff.post(LIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert WaitlistEntry.objects.filter(pk=entry.pk).exists()
    assert Slot.objects.get(pk=full_slot.pk).booked == 1
    leave(staff, entry)
    assert staff.post(f"{LIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not WaitlistEntry.objects.filter(pk=entry.pk).exists()
    assert Slot.objects.get(pk=full_slot.pk).booked == 0


def test_staff_who_may_only_look_cannot_take_anyone_off(full_slot) -> None:
    entry = waiting(full_slot.site, full_slot.day, 1)
    signed_in("recruitment.view_waitlistentry").post(
        LIST, {"action": "leave", "_selected_action": [entry.pk]}
    )
    assert WaitlistEntry.objects.get(pk=entry.pk).status == "waiting"
