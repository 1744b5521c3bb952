"""Staff pages speak to the member of staff, about the caller, and in neutral Russian."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import Appointment
from tests.factories import appointment as book
from tests.factories import coordinator, login_verified, staff_member, typing_site
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _morning_in_moscow(time_machine) -> None:
    """09:00 at the test lab, so "two hours from now" is still today there."""
    time_machine.move_to(dt.datetime(2027, 3, 1, 6, 0, tzinfo=dt.UTC), tick=True)


@pytest.fixture
def staff_client() -> Client:
    return login_verified(Client(), coordinator())


def _labels(html: str) -> str:
    return " ".join(re.findall(r"<(?:label|legend)\b[^>]*>(.*?)</(?:label|legend)>", html, re.S))


@pytest.mark.parametrize(
    ("lang", "wanted", "unwanted"),
    [
        (
            "en",
            ["Caller&#x27;s full name", "The caller agreed, by phone, to the processing"],
            ["Your full name", "I agree to the processing of my personal data"],
        ),
        (
            "ru",
            ["Имя и фамилия звонящего", "по телефону звонящий дал согласие"],
            ["Ваше имя", "Я согласен", "Я согласна", "Я соглашаюсь", "моих персональных"],
        ),
    ],
)
def test_assisted_booking_asks_the_member_of_staff_about_the_caller(
    staff_client: Client, lang: str, wanted: list[str], unwanted: list[str]
) -> None:
    site = typing_site()
    slot = make_slot(site, timezone.now() + dt.timedelta(days=2))
    html = staff_client.get(
        f"/{lang}/staff/assisted-booking/?site={site.slug}&day={slot.day:%Y-%m-%d}"
    ).content.decode()
    labels = _labels(html)
    for text in wanted:
        assert text in labels, text
    for text in unwanted:
        assert text not in labels, text


def test_an_incomplete_assisted_booking_says_what_the_caller_has_not_given(
    staff_client: Client,
) -> None:
    site = typing_site()
    slot = make_slot(site, timezone.now() + dt.timedelta(days=2))
    html = staff_client.post(
        f"/en/staff/assisted-booking/?site={site.slug}",
        {"slot": slot.pk, "eligibility_confirmed": "on", "language": "ru"},
    ).content.decode()
    assert "Please enter the caller&#x27;s name." in html
    assert "Please read the consent to the caller" in html
    assert "Please enter your name." not in html
    assert Appointment.objects.count() == 0


def test_the_public_booking_form_still_speaks_to_the_volunteer() -> None:
    from recruitment.forms import AssistedBookingForm, DetailsForm

    AssistedBookingForm(born_on=None)  # building the staff form changes nothing shared
    form = DetailsForm(born_on=None)
    assert str(form.fields["name"].label) == "Your full name"
    assert form.fields["name"].error_messages["required"] == "Please enter your name."


def test_the_day_sheet_marks_attendance_in_neutral_russian(staff_client: Client) -> None:
    site = typing_site()
    start = timezone.now() + dt.timedelta(hours=2)
    came = book(make_slot(site, start), 1)
    missed = book(make_slot(site, start + dt.timedelta(minutes=15)), 2)
    staff_client.post(f"/ru/staff/day-sheet/{came.pk}/", {"status": "attended"})
    staff_client.post(f"/ru/staff/day-sheet/{missed.pk}/", {"status": "no_show"})
    html = staff_client.get(
        f"/ru/staff/day-sheet/?site={site.slug}&day={came.slot.day:%Y-%m-%d}"
    ).content.decode()
    statuses = re.findall(r'data-label="Статус">([^<]*)<', html)
    assert statuses == ["явка", "неявка"]
    assert not re.search(r"[Пп]ришёл|[Пп]ришла", html)
    assert ">Явка<" in html and ">Неявка<" in html  # the buttons


def test_the_admins_site_filter_is_titled_in_russian() -> None:
    client = login_verified(
        Client(),
        staff_member(
            "recruitment.view_appointment",
            "recruitment.view_slot",
            "recruitment.view_waitlistentry",
        ),
    )
    typing_site(), typing_site(slug="other-lab")  # a filter of one choice is not shown
    for model in ("appointment", "slot", "waitlistentry"):
        html = client.get(f"/ru/admin/recruitment/{model}/").content.decode()
        titles = re.findall(r"<summary[^>]*>\s*(.*?)\s*</summary>", html, re.S)
        titles += re.findall(r"<h3>\s*(.*?)\s*</h3>", html, re.S)
        assert "пункт" in titles, (model, titles)
        assert "site" not in titles, (model, titles)
