"""How the visitor's pages and emails write time zones and dates: a city's time with its offset
from UTC at the time shown, and one date style per language."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from recruitment.models import OutboxEmail
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.services.outbox import outbox_enqueue, outbox_render
from tests.factories import appointment as book
from tests.factories import proof_for, typing_site
from tests.factories import slot as make_slot

UTC = dt.UTC


def zone_label(zone: str, at: object, lang: str) -> str:
    with translation.override(lang):
        return Template("{% load recruitment %}{{ zone|zone_label:at }}").render(
            Context({"zone": zone, "at": at})
        )


@pytest.mark.parametrize(
    ("zone", "english", "russian"),
    [
        ("Europe/Kaliningrad", "Kaliningrad time (UTC+2)", "калининградское время (UTC+2)"),
        ("Europe/Moscow", "Moscow time (UTC+3)", "московское время (UTC+3)"),
        ("Asia/Yekaterinburg", "Yekaterinburg time (UTC+5)", "екатеринбургское время (UTC+5)"),
        ("Asia/Novosibirsk", "Novosibirsk time (UTC+7)", "новосибирское время (UTC+7)"),
        ("Asia/Vladivostok", "Vladivostok time (UTC+10)", "владивостокское время (UTC+10)"),
    ],
)
def test_the_demos_zones_read_as_their_citys_time_with_the_offset(zone, english, russian) -> None:
    at = dt.datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
    assert zone_label(zone, at, "en") == english
    assert zone_label(zone, at, "ru") == russian


def test_london_is_an_hour_ahead_of_utc_in_summer_and_not_in_winter() -> None:
    summer = dt.datetime(2027, 7, 1, 9, 0, tzinfo=UTC)
    winter = dt.datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
    assert zone_label("Europe/London", summer, "en") == "London time (UTC+1)"
    assert zone_label("Europe/London", winter, "en") == "London time (UTC+0)"
    assert zone_label("Europe/London", summer, "ru") == "местное время, London (UTC+1)"


def test_the_offset_is_the_one_at_the_time_shown_on_either_side_of_a_clock_change() -> None:
    # Britain's clocks go forward at 01:00 UTC on 28 March 2027.
    before = dt.datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    after = dt.datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert zone_label("Europe/London", before, "en") == "London time (UTC+0)"
    assert zone_label("Europe/London", after, "en") == "London time (UTC+1)"


def test_a_day_is_judged_at_its_local_noon() -> None:
    assert zone_label("America/New_York", dt.date(2027, 1, 15), "en") == "New York time (UTC−5)"
    assert zone_label("America/New_York", dt.date(2027, 7, 15), "en") == "New York time (UTC−4)"


def test_half_hour_offsets_and_deep_names_read_well() -> None:
    at = dt.datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
    assert zone_label("Asia/Kolkata", at, "en") == "Kolkata time (UTC+5:30)"
    assert zone_label("America/Argentina/Buenos_Aires", at, "en") == "Buenos Aires time (UTC−3)"


def test_a_name_that_is_no_zone_is_shown_as_it_is() -> None:
    assert zone_label("Mars/Olympus", None, "en") == "Mars/Olympus"


def date_formats(value: object, lang: str) -> list[str]:
    with translation.override(lang):
        return Template(
            '{{ v|date:"DATE_FORMAT" }}|{{ v|date }}|{{ v|date:"DATETIME_FORMAT" }}'
        ).render(Context({"v": value}))


def test_english_dates_read_day_month_year_like_the_rest_of_the_site() -> None:
    moment = dt.datetime(2026, 11, 29, 14, 5, tzinfo=UTC)
    with timezone.override(UTC):
        shown = date_formats(moment, "en")
    assert shown == "29 November 2026|29 November 2026|29 November 2026, 14:05"


def test_russian_dates_read_without_the_year_abbreviation() -> None:
    moment = dt.datetime(2026, 11, 29, 14, 5, tzinfo=UTC)
    with timezone.override(UTC):
        shown = date_formats(moment, "ru")
    assert shown == "29 ноября 2026|29 ноября 2026|29 ноября 2026, 14:05"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "label"),
    [("en", "Vladivostok time (UTC+10)"), ("ru", "владивостокское время (UTC+10)")],
)
def test_site_pages_say_the_citys_time_and_offset_not_the_zones_code(
    client: Client, lang: str, label: str
) -> None:
    lab = typing_site("vladivostok", "Asia/Vladivostok")
    slot = make_slot(lab, timezone.now() + dt.timedelta(days=2))
    client.cookies[PROOF_COOKIE] = proof_for()  # the booking form opens after the check
    for path in (
        f"/{lang}/typing-sites/",
        f"/{lang}/typing-sites/{lab.slug}/",
        f"/{lang}/typing-sites/{lab.slug}/book/{slot.pk}/",
    ):
        html = client.get(path).content.decode()
        assert label in html, path
        assert "Asia/Vladivostok" not in html, path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "label"),
    [("en", "Vladivostok time (UTC+10)"), ("ru", "владивостокское время (UTC+10)")],
)
def test_emails_say_the_citys_time_and_offset_not_the_zones_code(lang: str, label: str) -> None:
    lab = typing_site("vladivostok", "Asia/Vladivostok")
    start = dt.datetime.combine(
        timezone.now().date() + dt.timedelta(days=3),
        dt.time(8, 30),
        tzinfo=zoneinfo.ZoneInfo("Asia/Vladivostok"),
    )
    booked = book(make_slot(lab, start), 1, language=lang)
    email = outbox_enqueue(
        kind="booking-confirmed",
        to=booked.email,
        language=lang,
        appointment=booked,
        link=OutboxEmail.Link.MANAGE,
    )
    message, _token = outbox_render(email, timezone.now())
    html = str(message.alternatives[0][0])
    for body in (str(message.body), html):
        assert label in body
        assert "Asia/Vladivostok" not in body
        assert "08:30" in body
