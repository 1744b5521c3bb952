"""Finding a typing site: by city, near me, and a site's days and times."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import slot as make_slot
from tests.factories import typing_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites():
    kaliningrad = typing_site(
        slug="kaliningrad",
        time_zone="Europe/Kaliningrad",
        city_en="Kaliningrad",
        city_ru="Калининград",
        latitude="54.71000",
        longitude="20.51000",
    )
    moscow = typing_site(slug="moscow")
    vladivostok = typing_site(
        slug="vladivostok",
        time_zone="Asia/Vladivostok",
        city_en="Vladivostok",
        city_ru="Владивосток",
        latitude="43.11000",
        longitude="131.88000",
    )
    start = timezone.now() + dt.timedelta(days=1)
    for site in (kaliningrad, moscow, vladivostok):
        make_slot(site, start)
    return kaliningrad, moscow, vladivostok


def names_in_order(html: str, slugs: list[str]) -> list[str]:
    return sorted(slugs, key=lambda slug: html.index(f"/typing-sites/{slug}/"))


def test_the_list_filters_by_city_and_shows_the_next_free_time(client: Client, sites) -> None:
    html = client.get("/en/typing-sites/?city=Vladivostok").content.decode()
    assert "/typing-sites/vladivostok/" in html and "/typing-sites/moscow/" not in html
    assert "Next free time" in html and "Vladivostok time (UTC+10)" in html


def test_near_me_sorts_by_distance_from_the_browsers_position(client: Client, sites) -> None:
    near_vladivostok = client.get("/en/typing-sites/?lat=43.0&lon=131.9").content.decode()
    assert names_in_order(near_vladivostok, ["moscow", "kaliningrad", "vladivostok"]) == [
        "vladivostok",
        "moscow",
        "kaliningrad",
    ]
    assert "km away" in near_vladivostok
    near_kaliningrad = client.get("/en/typing-sites/?lat=54.7&lon=20.5").content.decode()
    assert names_in_order(near_kaliningrad, ["moscow", "kaliningrad", "vladivostok"]) == [
        "kaliningrad",
        "moscow",
        "vladivostok",
    ]


def test_nonsense_coordinates_are_ignored(client: Client, sites) -> None:
    response = client.get("/en/typing-sites/?lat=999&lon=abc")
    assert response.status_code == 200
    assert "km away" not in response.content.decode()


def test_a_site_page_shows_its_days_and_the_htmx_partial_swaps_the_times(client, sites) -> None:
    _kaliningrad, moscow, _vladivostok = sites
    slot = moscow.slots.get()
    page = client.get("/en/typing-sites/moscow/")
    assert f"/book/{slot.pk}/".encode() in page.content
    partial = client.get(
        f"/en/typing-sites/moscow/?day={slot.day:%Y-%m-%d}", headers={"HX-Request": "true"}
    )
    assert b"<html" not in partial.content and b'id="times"' in partial.content
    assert f"/book/{slot.pk}/".encode() in partial.content


def test_unknown_or_inactive_sites_are_404_and_posts_are_refused(client: Client, sites) -> None:
    _kaliningrad, moscow, _vladivostok = sites
    assert client.get("/en/typing-sites/nowhere/").status_code == 404
    moscow.active = False
    moscow.save()
    assert client.get("/en/typing-sites/moscow/").status_code == 404
    assert client.post("/en/typing-sites/").status_code == 405
