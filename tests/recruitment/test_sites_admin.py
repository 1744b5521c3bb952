"""Sites and slots in the admin: places and "closed" change through `slot_change`, opening
hours and closures through `slots_generate`, and no edit loses a place or overbooks one."""

from __future__ import annotations

import datetime as dt
import html
import threading
import time
import uuid
from typing import Any

import pytest
from django import forms
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from recruitment import eligibility
from recruitment.models import (
    Appointment,
    ConsentText,
    OpeningPattern,
    OutboxEmail,
    RulesVersion,
    Slot,
)
from recruitment.services.appointments import appointment_book
from recruitment.services.people import Details
from recruitment.services.sites import slot_change, slots_generate
from tests.factories import (
    appointment,
    link_in,
    login_verified,
    reseed,
    send_outbox,
    staff_member,
    typing_site,
    waiting,
)
from tests.factories import slot as make_slot
from tests.mail import SmtpServer

pytestmark = pytest.mark.django_db

SLOTS = "/en/admin/recruitment/slot/"
SITES = "/en/admin/recruitment/typingsite/"
# Tuesday noon in Moscow.
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
WEDNESDAY = dt.date(2026, 3, 11)


def signed_in(*permissions: str) -> Client:
    return login_verified(Client(), staff_member(*permissions))


@pytest.fixture
def staff() -> Client:
    return signed_in("recruitment.change_slot", "recruitment.delete_slot")


def change_slot(client: Client, slot: Slot, capacity: int, closed: bool = False, **more: Any):
    data = {"capacity": capacity, **({"closed": "on"} if closed else {}), **more}
    return client.post(f"{SLOTS}{slot.pk}/change/", data)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_fewer_places_than_people_booked_is_refused_with_a_message_and_changes_nothing(
    staff,
) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1), capacity=2)
    appointment(slot, 1)
    appointment(slot, 2)
    for closed in (False, True):
        response = change_slot(staff, slot, 1, closed=closed)
        assert response.status_code == 200
        assert (
            "This slot has 2 people booked; it can't have fewer places. Cancel appointments "
            "first, or close the slot to new bookings." in page_text(response)
        )
    assert Slot.objects.filter(pk=slot.pk, capacity=2, booked=2, closed=False).exists()


def _when_someone_waits_for_a_lock(then: threading.Event) -> threading.Thread:
    """Set `then` once another connection is waiting for a row lock (or after 10 s)."""

    def watch() -> None:
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()"
                    )
                    if cursor.fetchone()[0]:
                        break
                time.sleep(0.02)
            then.set()
        finally:
            connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    return watcher


@pytest.mark.django_db(transaction=True)
def test_places_lowered_while_someone_takes_the_last_one_are_refused_not_an_error() -> None:
    reseed()
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1), capacity=2)
    appointment(slot, 1)
    client = signed_in("recruitment.change_slot")
    holding, release = threading.Event(), threading.Event()

    def book_and_hold() -> None:
        try:
            with transaction.atomic():
                appointment_book(
                    slot_id=slot.pk,
                    details=Details(
                        name="Last place",
                        email="last@example.org",
                        phone="+79127770001",
                        born_on=dt.date(1990, 1, 1),
                        language="en",
                        consent=ConsentText.objects.current(),
                    ),
                    proof=eligibility.Proof(
                        version=RulesVersion.objects.current().number,
                        checked_on=timezone.localdate(),
                        born_on=dt.date(1990, 1, 1),
                    ),
                    request_key=uuid.uuid4(),
                    now=timezone.now(),
                )
                holding.set()
                release.wait(10)  # the booking commits once the staff change waits for it
        finally:
            connection.close()

    booker = threading.Thread(target=book_and_hold)
    booker.start()
    assert holding.wait(10)
    watcher = _when_someone_waits_for_a_lock(release)
    response = change_slot(client, slot, 1)
    booker.join()
    watcher.join()
    assert response.status_code == 200
    assert "This slot has 2 people booked" in page_text(response)
    assert Slot.objects.filter(pk=slot.pk, capacity=2, booked=2).exists()


def test_places_can_come_down_to_the_number_booked(staff) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1), capacity=3)
    appointment(slot, 1)
    assert change_slot(staff, slot, 1).status_code == 302
    assert Slot.objects.get(pk=slot.pk).capacity == 1


def test_more_places_go_to_the_people_waiting_first(staff, smtp: SmtpServer) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1), capacity=1)
    appointment(slot)
    first, second = waiting(slot.site, slot.day, 1), waiting(slot.site, slot.day, 2)
    assert change_slot(staff, slot, 2).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == "offered" and first.offered_slot == slot
    assert second.status == "waiting"
    assert Slot.objects.filter(pk=slot.pk, capacity=2, booked=2).exists()
    send_outbox()
    token = link_in(smtp.inbox.to(first.email)[0], "waiting-list/offer")
    assert b"A place is waiting for you" in Client().get(f"/en/waiting-list/offer/{token}/").content
    assert smtp.inbox.to(second.email) == []


def test_a_slot_opened_again_offers_its_place_to_the_people_waiting(staff) -> None:
    site = typing_site()
    start = timezone.now() + dt.timedelta(days=1)
    appointment(make_slot(site, start, capacity=1))
    later = make_slot(site, start + dt.timedelta(minutes=15), capacity=1)
    slot_change(slot_id=later.pk, capacity=1, closed=True, now=timezone.now())
    entry = waiting(site, later.day, 1)
    assert entry.status == "waiting"
    assert change_slot(staff, later, 1, closed=False).status_code == 302
    entry.refresh_from_db()
    assert entry.status == "offered" and entry.offered_slot == later
    assert OutboxEmail.objects.filter(kind="waitlist-offer", to=entry.email).count() == 1


def test_closing_a_slot_keeps_its_bookings_and_takes_no_new_ones(staff) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1), capacity=2)
    booked = appointment(slot)
    assert change_slot(staff, slot, 2, closed=True).status_code == 302
    assert Slot.objects.get(pk=slot.pk).closed
    assert not Slot.objects.bookable(timezone.now()).exists()
    assert Appointment.objects.get(pk=booked.pk).status == "booked"


def test_a_slot_keeps_its_time_and_site_whatever_the_form_sends(staff) -> None:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=1))
    appointment(slot)
    page = staff.get(f"{SLOTS}{slot.pk}/change/").content.decode()
    for name in ("site", "starts_at", "ends_at", "day", "booked"):
        assert f'name="{name}' not in page, name
    moved = slot.starts_at + dt.timedelta(hours=3)
    change_slot(
        staff,
        slot,
        2,
        starts_at_0=f"{moved:%Y-%m-%d}",
        starts_at_1=f"{moved:%H:%M:%S}",
        day=f"{slot.day + dt.timedelta(days=1):%Y-%m-%d}",
        booked=0,
    )
    assert Slot.objects.filter(
        pk=slot.pk, starts_at=slot.starts_at, day=slot.day, booked=1
    ).exists()


def test_slots_are_made_by_the_opening_hours_not_added_by_hand(staff) -> None:
    assert staff.get(f"{SLOTS}add/").status_code == 403


def test_a_slot_someone_holds_a_place_on_cannot_be_deleted_an_empty_one_can(staff) -> None:
    site = typing_site()
    start = timezone.now() + dt.timedelta(days=1)
    held = make_slot(site, start, capacity=1)
    appointment(held)
    empty = make_slot(site, start + dt.timedelta(minutes=15))
    assert staff.get(f"{SLOTS}{held.pk}/delete/").status_code == 403
    assert staff.post(f"{SLOTS}{held.pk}/delete/", {"post": "yes"}).status_code == 403
    staff.post(SLOTS, {"action": "delete_selected", "_selected_action": [held.pk], "post": "yes"})
    assert Slot.objects.filter(pk=held.pk).exists()
    assert staff.post(f"{SLOTS}{empty.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Slot.objects.filter(pk=empty.pk).exists()


def site_form(client: Client, site: Any) -> dict[str, Any]:
    """What the site's change form posts back as it stands, inlines included."""
    page = client.get(f"{SITES}{site.pk}/change/")
    all_forms = [page.context["adminform"].form]
    data: dict[str, Any] = {}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        all_forms.extend(formset.initial_forms)
    for form in all_forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, forms.BooleanField):
                value = "on" if value else None
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def add_inline(data: dict[str, Any], prefix: str, **fields: Any) -> None:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    data.update({f"{prefix}-{index}-{name}": value for name, value in fields.items()})


@pytest.fixture
def site_staff() -> Client:
    return signed_in(
        "recruitment.change_typingsite",
        "recruitment.add_openingpattern",
        "recruitment.change_openingpattern",
        "recruitment.add_closure",
        "recruitment.change_closure",
    )


def test_a_closure_saved_in_the_admin_closes_the_booked_slots_that_day_at_once(
    site_staff, time_machine
) -> None:
    time_machine.move_to(NOW)
    site = typing_site()
    OpeningPattern.objects.create(site=site, weekday=2, opens=dt.time(8), closes=dt.time(9))
    slots_generate(now=NOW, sites=[site])
    first = Slot.objects.filter(site=site, day=WEDNESDAY).order_by("starts_at").first()
    booked = appointment(first)
    data = site_form(site_staff, site)
    add_inline(data, "closures", day=f"{WEDNESDAY:%Y-%m-%d}", reason_en="Holiday")
    response = site_staff.post(f"{SITES}{site.pk}/change/", data, follow=True)
    assert (
        "1 appointment is booked on a time that is now closed. The person keeps it until you "
        "cancel it in Appointments." in [str(m) for m in response.context["messages"]]
    )
    assert list(Slot.objects.filter(site=site, day=WEDNESDAY)) == [first]
    assert Slot.objects.get(pk=first.pk).closed
    assert Appointment.objects.get(pk=booked.pk).status == "booked"
    assert not OutboxEmail.objects.filter(kind="booking-cancelled").exists()
    next_week = WEDNESDAY + dt.timedelta(days=7)
    assert Slot.objects.filter(site=site, day=next_week, closed=False).count() == 4


def test_opening_hours_saved_in_the_admin_make_their_slots_at_once(
    site_staff, time_machine
) -> None:
    time_machine.move_to(NOW)
    site = typing_site()
    data = site_form(site_staff, site)
    add_inline(
        data, "patterns", weekday=2, opens="08:00", closes="09:00", slot_minutes=15, places=3
    )
    assert site_staff.post(f"{SITES}{site.pk}/change/", data).status_code == 302
    slots = Slot.objects.filter(site=site, day=WEDNESDAY)
    assert [s.local_start.time() for s in slots] == [
        dt.time(8, 0),
        dt.time(8, 15),
        dt.time(8, 30),
        dt.time(8, 45),
    ]
    assert {s.capacity for s in slots} == {3}


def test_the_admin_action_makes_slots_for_the_chosen_sites(site_staff) -> None:
    site = typing_site()
    OpeningPattern.objects.create(site=site, weekday=0, opens=dt.time(8), closes=dt.time(9))
    response = site_staff.post(SITES, {"action": "generate_slots", "_selected_action": [site.pk]})
    assert response.status_code == 302
    assert Slot.objects.filter(site=site).count() >= 4 * 8


def test_a_slot_staff_closed_stays_closed_when_the_opening_hours_are_applied_again(
    staff, time_machine
) -> None:
    time_machine.move_to(NOW)
    site = typing_site()
    OpeningPattern.objects.create(site=site, weekday=2, opens=dt.time(8), closes=dt.time(9))
    slots_generate(now=NOW, sites=[site])
    slot = Slot.objects.filter(site=site, day=WEDNESDAY).order_by("starts_at").first()
    change_slot(staff, slot, 2, closed=True)
    slots_generate(now=NOW + dt.timedelta(hours=1), sites=[site])
    assert Slot.objects.get(pk=slot.pk).closed
