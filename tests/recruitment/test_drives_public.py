"""What a visitor sees of drives and appeals: the list, a drive found by its code, a drive's
page with its share and calendar links, the poster, and an appeal's "join the registry"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import segno
from django.conf import settings
from django.test import Client
from django.utils import timezone

from recruitment.services.eligibility import PROOF_COOKIE
from tests.factories import drive, drive_signup, drive_window, proof_for

pytestmark = pytest.mark.django_db


def _appeal(code: str = "APPEAL", **fields):
    values = {
        "kind": "appeal",
        "title_en": "Find a donor for Masha",
        "title_ru": "Найдём донора для Маши",
        "description_en": "Masha is seven and needs a bone marrow transplant.",
        "description_ru": "Маше семь лет, ей нужна пересадка костного мозга.",
        "venue_en": "",
        "venue_ru": "",
        "city_en": "",
        "city_ru": "",
        "starts_at": None,
        "ends_at": None,
        "capacity": 0,
        **fields,
    }
    return drive(code, **values)


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def test_the_list_shows_upcoming_listed_drives_only(client: Client) -> None:
    drive("LISTED", title_en="Listed drive")
    drive("HIDDEN", title_en="Unlisted drive", visibility="unlisted")
    drive("DRAFT1", title_en="Draft drive", status="draft")
    drive("SUBMIT", title_en="Submitted drive", status="submitted")
    drive("GONE01", title_en="Past drive", days=-3)
    drive(
        "CANCEL",
        title_en="Cancelled drive",
        status="cancelled",
        published_at=timezone.now(),
        cancelled_at=timezone.now(),
    )
    _appeal()
    _appeal("APPEA2", title_en="Unlisted appeal", visibility="unlisted")
    page = _main(client.get("/en/drives/"))
    assert "Listed drive" in page
    assert "Find a donor for Masha" in page
    for hidden in (
        "Unlisted drive",
        "Draft drive",
        "Submitted drive",
        "Past drive",
        "Cancelled drive",
        "Unlisted appeal",
    ):
        assert hidden not in page
    assert 'href="/en/drives/LISTED/"' in page
    assert "50 places left" in page


def test_the_list_is_by_date_and_can_be_narrowed_to_a_city(client: Client) -> None:
    drive("LATER1", title_en="Later in Moscow", days=20)
    drive("SOONER", title_en="Sooner in Moscow", days=5)
    drive(
        "KAZAN1",
        title_en="Kazan drive",
        city_en="Kazan",
        city_ru="Казань",
        days=7,
        time_zone="Europe/Moscow",
    )
    page = _main(client.get("/en/drives/"))
    assert (
        page.index("Sooner in Moscow") < page.index("Kazan drive") < page.index("Later in Moscow")
    )
    assert '<option value="Kazan">' in page and '<option value="Moscow">' in page
    kazan = _main(client.get("/en/drives/", {"city": "Kazan"}))
    assert "Kazan drive" in kazan and "Moscow</a>" not in kazan
    assert "Sooner in Moscow" not in kazan
    # The Russian list names its cities in Russian, and filters by them.
    ru = _main(client.get("/ru/drives/", {"city": "Казань"}))
    assert '<option value="Казань" selected>' in ru
    assert "/ru/drives/KAZAN1/" in ru and "/ru/drives/SOONER/" not in ru


def test_a_code_typed_any_way_finds_even_an_unlisted_drive(client: Client) -> None:
    drive("AC4KM7", title_en="Office drive", visibility="unlisted")
    response = client.get("/en/drives/", {"code": " ac4-km 7 "})
    assert response.status_code == 302
    assert response["Location"] == "/en/drives/AC4KM7/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Office drive" in _main(page)
    assert "Office drive" not in _main(client.get("/en/drives/"))  # never in the list
    typed = client.get("/en/drives/ac4-km7/")
    assert typed.status_code == 302 and typed["Location"] == "/en/drives/AC4KM7/"


def test_any_code_that_opens_no_page_gets_the_same_kind_message(client: Client) -> None:
    drive("DRAFT7", status="draft")
    drive("SUBMT7", status="submitted")
    pages = []
    for code in ("NOSUCH", "DRAFT7", "submt7"):
        response = client.get("/en/drives/", {"code": code})
        assert response.status_code == 200
        page = _main(response)
        assert "We could not find a drive with the code" in page
        pages.append(page.replace(code, "CODE").replace(code.upper(), "CODE"))
    assert pages[0] == pages[1] == pages[2]
    empty = _main(client.get("/en/drives/", {"code": " - "}))
    assert "Please type the drive code." in empty


def test_a_drive_page_has_its_facts_places_and_plain_share_and_map_links(client: Client) -> None:
    lab = drive("TEST42", capacity=20)
    drive_window(lab, 10, capacity=10)
    full = drive_window(lab, 11, capacity=1)
    drive_signup(lab, 1, window=full)
    response = client.get("/en/drives/TEST42/")
    assert response.status_code == 200
    page = _main(response)
    local = lab.starts_at.astimezone(lab.zone)
    assert f"{local:%-d} " in page and "10:00–16:00" in page
    assert "Moscow time (UTC+3)" in page
    assert "Main building, 1 Universitetskaya St, Moscow" in page
    assert "Test Lab" in page  # the partner lab
    assert "19 places left" in page
    assert "10:00–11:00 · 10 places left" in page
    assert "11:00–12:00 · full" in page
    assert 'href="/en/drives/TEST42/sign-up/"' in page
    assert (
        'href="https://www.openstreetmap.org/search?query=Main+building%2C+1+Universitetskaya+St'
        "%2C+Moscow" in page
    )
    url = f"{settings.SITE_URL}/en/drives/TEST42/"
    assert f'value="{url}"' in page
    assert "https://t.me/share/url?url=" in page and "https://vk.com/share.php?url=" in page
    assert "https://wa.me/?text=" in page and 'href="mailto:?subject=' in page
    assert 'href="/en/drives/TEST42/poster/"' in page
    assert "https://calendar.google.com/calendar/render" in page
    # Nothing from another site runs here: only the site's own scripts, no frames.
    html = response.content.decode()
    assert re.findall(r"<script[^>]*src=\"https?:", html) == []
    assert "<iframe" not in html
    # The Russian page speaks of the same drive in Russian.
    ru = _main(client.get("/ru/drives/TEST42/"))
    assert "День донора в университете" in ru and "Главный корпус" in ru


def test_the_drive_calendar_file_is_in_the_drives_own_time(client: Client) -> None:
    drive("TEST42", time_zone="Asia/Yekaterinburg")
    response = client.get("/en/drives/TEST42/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    body = response.content.decode()
    assert "DTSTART;TZID=Asia/Yekaterinburg:" in body and "T100000" in body
    assert "Donor day at the university" in body


def test_a_full_drive_offers_its_waiting_list(client: Client) -> None:
    lab = drive("FULL01", capacity=1)
    drive_signup(lab, 1)
    page = _main(client.get("/en/drives/FULL01/"))
    assert "All places are taken." in page
    assert "Full: join the waiting list" in page
    assert "Full: waiting list open" in _main(client.get("/en/drives/"))


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_drives_not_yet_published_are_not_there_for_visitors(client: Client, status) -> None:
    drive("NOTYET", status=status)
    for path in ("", "poster/", "sign-up/", "join/", "calendar.ics"):
        response = client.get(f"/en/drives/NOTYET/{path}")
        assert response.status_code == 404, path
        assert "Page not found" in response.content.decode()


def test_a_cancelled_drive_says_so_and_takes_no_sign_ups(client: Client) -> None:
    drive("CANCEL", status="cancelled", published_at=timezone.now(), cancelled_at=timezone.now())
    response = client.get("/en/drives/CANCEL/")
    assert response.status_code == 410
    page = _main(response)
    assert "This drive was cancelled" in page
    assert "sign-up" not in page
    client.cookies[PROOF_COOKIE] = proof_for()
    assert client.get("/en/drives/CANCEL/sign-up/").status_code == 404
    assert client.get("/en/drives/CANCEL/poster/").status_code == 404
    # One cancelled before it was ever published was never public: no trace of it.
    drive("NEVER1", status="cancelled", cancelled_at=timezone.now())
    assert client.get("/en/drives/NEVER1/").status_code == 404


def test_a_finished_drive_thanks_people_and_takes_no_sign_ups(client: Client) -> None:
    drive("DONE01", status="finished", days=-2)
    page = _main(client.get("/en/drives/DONE01/"))
    assert "This drive has taken place" in page
    assert "/sign-up/" not in page
    client.cookies[PROOF_COOKIE] = proof_for()
    response = client.get("/en/drives/DONE01/sign-up/")
    assert response.status_code == 302 and response["Location"] == "/en/drives/DONE01/"


def _qr_path(html: str) -> str:
    found = re.search(r'<svg[^>]*>.*?<path[^>]* d="([^"]+)"', html, re.S)
    assert found, "no QR code on the poster"
    return found.group(1)


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "Donor day at the university"), ("ru", "День донора в университете")]
)
def test_the_poster_carries_the_code_and_a_qr_code_of_the_drives_address(
    client: Client, lang: str, title: str
) -> None:
    drive("AC4KM7")
    response = client.get(f"/{lang}/drives/AC4KM7/poster/")
    assert response.status_code == 200
    page = _main(response)
    assert title in page
    assert '<p class="poster-code">AC4KM7</p>' in page
    assert f"{settings.SITE_URL}/{lang}/drives/" in page
    # The QR code is the one for this drive's page in this language, nothing else.
    expected = segno.make(f"{settings.SITE_URL}/{lang}/drives/AC4KM7/", error="m")
    assert _qr_path(page) == _qr_path(expected.svg_inline(scale=4, border=2, omitsize=True))
    other = segno.make(f"{settings.SITE_URL}/{lang}/drives/OTHER1/", error="m")
    assert _qr_path(page) != _qr_path(other.svg_inline(scale=4, border=2, omitsize=True))
    assert "<script" not in page
    css = (settings.BASE_DIR / "static" / "css" / "drives.css").read_text()
    assert "@page { size: A4" in css
    assert 'href="/static/css/drives.css"' in response.content.decode()


def test_an_appeal_tells_its_story_and_join_remembers_it_for_thirty_days(client: Client) -> None:
    _appeal()
    page = _main(client.get("/en/drives/APPEAL/"))
    assert "Masha is seven" in page
    assert "Where" not in page and "sign-up" not in page
    assert 'href="/en/drives/APPEAL/join/"' in page
    response = client.get("/en/drives/APPEAL/join/")
    assert response.status_code == 302
    assert response["Location"] == "/en/eligibility/?next=%2Fen%2Ftyping-sites%2F"
    cookie = response.cookies["appeal"]
    assert cookie["max-age"] == 30 * 24 * 60 * 60
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "APPEAL" in cookie.value and cookie.value != "APPEAL"  # signed
    # Someone who passed the check already goes straight to the typing sites.
    checked = Client()
    checked.cookies[PROOF_COOKIE] = proof_for()
    again = checked.get("/en/drives/APPEAL/join/")
    assert again["Location"] == "/en/typing-sites/" and "appeal" in again.cookies


def test_the_list_and_a_drives_page_take_a_few_queries_however_many_drives(
    client: Client, django_assert_max_num_queries
) -> None:
    for i in range(12):
        lab = drive(f"MANY{i:02d}", days=3 + i, city_en=f"City {i % 4}")
        drive_window(lab, 10)
        drive_window(lab, 12)
        _appeal(f"APPL{i:02d}")
    with django_assert_max_num_queries(5):
        page = _main(client.get("/en/drives/"))
    assert page.count('<li class="card">') == 24
    with django_assert_max_num_queries(5):
        assert "12:00–13:00" in _main(client.get("/en/drives/MANY05/"))


def test_a_kept_drive_page_shows_a_new_sign_up_at_once(
    client: Client, django_assert_max_num_queries
) -> None:
    lab = drive("TEST42", capacity=20)
    first = client.get("/en/drives/TEST42/")
    assert "20 places left" in _main(first)
    assert "public" in first["Cache-Control"] and "s-maxage" in first["Cache-Control"]
    with django_assert_max_num_queries(0):  # the same page again comes from the site's cache
        assert "20 places left" in _main(client.get("/en/drives/TEST42/"))
    drive_signup(lab, 1)
    assert "19 places left" in _main(client.get("/en/drives/TEST42/"))
    assert "19 places left" in _main(client.get("/en/drives/"))


def test_pages_of_the_drives_refuse_other_methods(client: Client) -> None:
    drive("TEST42")
    for path in ("/en/drives/", "/en/drives/TEST42/", "/en/drives/TEST42/poster/"):
        assert client.post(path).status_code == 405
    assert client.get("/en/drives/TEST42/", {"x": dt.date.today()}).status_code == 200
