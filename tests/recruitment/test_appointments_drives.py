"""An appointment remembers the drive or appeal that brought the volunteer: by the appeal's
"join" link followed earlier, or by its code typed into the booking form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment
from recruitment.services.eligibility import PROOF_COOKIE
from tests.factories import booking_form, drive, proof_for, typing_site
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture
def book_url() -> str:
    slot = make_slot(typing_site(), timezone.now() + dt.timedelta(days=3), capacity=5)
    return f"/en/typing-sites/{slot.site.slug}/book/{slot.pk}/"


@pytest.fixture
def volunteer() -> Client:
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for()
    return client


def _appeal(code: str, **fields):
    return drive(code, kind="appeal", starts_at=None, ends_at=None, capacity=0, **fields)


def test_following_an_appeals_join_link_attributes_the_booking_to_it(volunteer, book_url) -> None:
    appeal = _appeal("MASHA7")
    assert volunteer.get("/en/drives/MASHA7/join/").status_code == 302
    response = volunteer.post(book_url, booking_form())
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.drive == appeal
    assert list(appeal.appointments.all()) == [appointment]


def test_without_the_appeal_cookie_or_a_code_a_booking_has_no_drive(volunteer, book_url) -> None:
    _appeal("MASHA7")
    forged = Client()
    forged.cookies[PROOF_COOKIE] = proof_for()
    forged.cookies["appeal"] = "MASHA7"  # not signed by us: ignored
    forged.post(book_url, booking_form())
    assert Appointment.objects.get().drive is None


def test_an_appeal_cancelled_after_the_link_was_followed_is_not_credited(
    volunteer, book_url
) -> None:
    appeal = _appeal("MASHA7")
    volunteer.get("/en/drives/MASHA7/join/")
    appeal.status = "cancelled"
    appeal.save()
    volunteer.post(book_url, booking_form())
    assert Appointment.objects.get().drive is None


def test_a_typed_code_attributes_the_booking_even_to_an_unlisted_drive(volunteer, book_url) -> None:
    office = drive("AC4KM7", visibility="unlisted")
    page = volunteer.get(book_url).content.decode()
    assert "Drive code (if you have one)" in page
    volunteer.post(book_url, booking_form(drive_code=" ac4-km 7"))
    assert Appointment.objects.get().drive == office


def test_a_typed_code_wins_over_the_appeal_followed_earlier(volunteer, book_url) -> None:
    _appeal("MASHA7")
    office = drive("AC4KM7")
    volunteer.get("/en/drives/MASHA7/join/")
    volunteer.post(book_url, booking_form(drive_code="AC4KM7"))
    assert Appointment.objects.get().drive == office


@pytest.mark.parametrize("code", ["NOSUCH", "DRAFT7", "x" * 40])
def test_a_code_that_opens_no_drive_is_a_kind_field_error_the_same_every_time(
    volunteer, book_url, code
) -> None:
    drive("DRAFT7", status="draft")
    response = volunteer.post(book_url, booking_form(drive_code=code))
    assert response.status_code == 200
    html = response.content.decode()
    assert "We could not find a drive with this code." in html
    assert 'aria-invalid="true"' in html
    assert Appointment.objects.count() == 0
    fixed = volunteer.post(book_url, booking_form(drive_code=""))
    assert fixed.status_code == 302
    assert Appointment.objects.get().drive is None


def test_a_code_longer_than_any_drive_code_is_refused_with_a_message(volunteer, book_url) -> None:
    response = volunteer.post(book_url, booking_form(drive_code="A" * 41))
    assert "A drive code is six letters and digits." in response.content.decode()
    assert Appointment.objects.count() == 0
