"""Which pages a browser, a proxy in front of the site and the site's own cache may keep, and
what travels compressed: a television appeal sends everyone to the same few pages at once."""

from __future__ import annotations

import datetime as dt
import gzip
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recruitment.models import Condition, Slot
from recruitment.services.eligibility import rules_publish
from tests.factories import appointment as make_appointment
from tests.factories import manage_token, typing_site
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db

FORMLESS = [
    "/ru/",
    "/en/",
    "/ru/how-to-join/",
    "/ru/how-donation-works/",
    "/en/about-transplants/",
    "/ru/privacy/",
    "/ru/myths-and-questions/",
    "/ru/typing-sites/",
    "/en/typing-sites/test-lab/",
]
STATIC = FORMLESS[:7]


@pytest.fixture
def site():
    lab = typing_site()
    make_slot(lab, timezone.now() + dt.timedelta(days=1))
    return lab


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize("path", FORMLESS)
def test_a_page_without_a_form_sets_no_cookie_and_a_shared_cache_may_keep_it(
    client: Client, site, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies, "a cookie makes every visitor's copy different"
    assert "Cookie" not in response.get("Vary", "")
    assert "public" in _cache_control(response)
    assert "X-CSRFToken" not in response.content.decode()


@pytest.mark.parametrize("path", STATIC)
def test_the_education_pages_may_be_kept_for_a_few_minutes(client: Client, path: str) -> None:
    control = _cache_control(client.get(path))
    assert "max-age=300" in control


def test_a_page_with_live_places_is_kept_by_a_proxy_briefly_and_asked_again_by_the_browser(
    client: Client, site
) -> None:
    control = _cache_control(client.get("/en/typing-sites/test-lab/"))
    assert {"public", "max-age=0", "s-maxage=10"} <= control


def test_the_site_list_sorted_by_your_position_is_kept_by_nobody(client: Client, site) -> None:
    response = client.get("/en/typing-sites/?lat=55.75&lon=37.62")
    assert {"private", "no-store"} <= _cache_control(response)


def test_a_second_visit_with_the_etag_gets_304_and_no_body(client: Client, site) -> None:
    for path in ("/ru/", "/en/typing-sites/test-lab/"):
        first = client.get(path)
        assert first["ETag"]
        again = client.get(path, headers={"if-none-match": first["ETag"]})
        assert again.status_code == 304
        assert again.content == b""


def test_the_checker_keeps_its_token_for_htmx_posts_and_stays_private(client: Client) -> None:
    enforcing = Client(enforce_csrf_checks=True)
    response = enforcing.get("/en/eligibility/")
    html = response.content.decode()
    assert "csrftoken" in response.cookies
    assert {"private", "no-store"} <= _cache_control(response)
    header = re.search(r'<body hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'>', html)
    assert header, "htmx posts carry the token in a header"
    answer = enforcing.post(
        "/en/eligibility/",
        {"step": "born"},
        headers={"hx-request": "true", "x-csrftoken": header.group(1)},
    )
    assert answer.status_code == 200
    refused = enforcing.post("/en/eligibility/", {"step": "born"}, headers={"hx-request": "true"})
    assert refused.status_code == 403, "the header is what lets the post through"


def test_a_spike_on_the_home_page_renders_it_once(client: Client) -> None:
    rendered: list[str] = []

    def count(sender, template, **kwargs) -> None:
        if template.name == "recruitment/pages/home.html":
            rendered.append(template.name)

    template_rendered.connect(count)
    try:
        answers = [client.get("/ru/") for _ in range(2000)]
    finally:
        template_rendered.disconnect(count)
    assert {answer.status_code for answer in answers} == {200}
    assert len(rendered) == 1, "every visitor after the first is answered from the cache"
    assert len({answer.content for answer in answers}) == 1


def test_the_home_page_still_answers_when_the_cache_is_down(client: Client, settings) -> None:
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    assert client.get("/ru/").status_code == 200
    assert client.get("/ru/").status_code == 200


def test_the_home_page_travels_compressed_when_the_browser_accepts_it(client: Client) -> None:
    plain = client.get("/ru/")
    response = client.get("/ru/", headers={"accept-encoding": "gzip, deflate, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert gzip.decompress(response.content) == plain.content
    assert len(response.content) < len(plain.content) / 2


def test_a_manage_page_carrying_its_token_is_never_compressed(client: Client, site) -> None:
    slot = site.slots.get()
    token = manage_token(make_appointment(slot))
    response = client.get(f"/en/booking/{token}/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert token in response.content.decode()


def test_a_place_taken_shows_at_once_on_the_site_page_and_the_list(client: Client) -> None:
    """The days and the list are rendered once and kept, named by the live numbers they show:
    a booking makes a new name, never a stale page."""
    lab = typing_site()
    first = make_slot(lab, timezone.now() + dt.timedelta(days=1), capacity=1)
    second = make_slot(lab, timezone.now() + dt.timedelta(days=2), capacity=3)
    third = make_slot(lab, second.starts_at + dt.timedelta(minutes=1), capacity=1)  # same day
    day, page_url = first.day.isoformat(), f"/en/typing-sites/test-lab/?day={second.day}"
    listed = client.get("/en/typing-sites/").content.decode()
    assert f'href="?day={day}' in client.get(page_url).content.decode()
    make_appointment(first)
    assert f'href="?day={day}' not in client.get(page_url).content.decode(), "a full day offered"
    assert client.get("/en/typing-sites/").content.decode() != listed, "the next free time moved"
    assert f"/book/{third.pk}/" in client.get(page_url).content.decode()
    make_appointment(third, 2)
    times = client.get(page_url).content.decode()
    assert f"/book/{third.pk}/" not in times, "a full time offered"
    assert f"/book/{second.pk}/" in times


def test_holidays_on_a_site_page_cost_no_query_of_their_own(client: Client) -> None:
    """The kept day grid is named by its days, holidays included: naming them must not look
    each holiday's site up again."""
    from recruitment.models import Closure

    lab = typing_site()
    start = timezone.now() + dt.timedelta(days=1)
    make_slot(lab, start)
    make_slot(lab, start + dt.timedelta(days=10))
    with CaptureQueriesContext(connection) as plain:
        client.get("/en/typing-sites/test-lab/")
    for offset in (2, 3, 4):
        Closure.objects.create(site=lab, day=start.date() + dt.timedelta(days=offset))
    with CaptureQueriesContext(connection) as holidays:
        html = client.get("/en/typing-sites/test-lab/").content.decode()
    assert html.count("closed") >= 3
    assert len(holidays) <= len(plain) + 1  # the closures themselves, in one query


def test_a_site_page_is_kept_until_a_booking_or_a_staff_change_renames_it(client: Client) -> None:
    lab = typing_site()
    slot = make_slot(lab, timezone.now() + dt.timedelta(days=1), capacity=2)
    url = "/en/typing-sites/test-lab/"
    first = client.get(url).content
    assert b"2 places" in first
    # A change made behind the site's back (no code of the site does this) is not seen: the
    # kept page answers, without asking the database anything.
    Slot.objects.filter(pk=slot.pk).update(capacity=7)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).content == first
    assert len(queries) == 0
    make_appointment(slot)  # counts its place as booking does
    assert b"6 places" in client.get(url).content
    slot.refresh_from_db()
    slot.capacity = 4
    slot.save()  # as the admin does
    assert b"3 places" in client.get(url).content


def test_the_site_list_shows_a_site_closed_by_staff_at_once(client: Client) -> None:
    lab = typing_site()
    make_slot(lab, timezone.now() + dt.timedelta(days=1))
    assert b"test-lab" in client.get("/en/typing-sites/").content
    lab.active = False
    lab.save()
    assert b"test-lab" not in client.get("/en/typing-sites/").content
    assert client.get("/en/typing-sites/test-lab/").status_code == 404


def test_the_checker_is_rendered_once_and_each_visitor_gets_a_token_of_their_own() -> None:
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one = first.get("/en/eligibility/")
    with CaptureQueriesContext(connection) as queries:
        two = second.get("/en/eligibility/")
    assert len(queries) == 0, "the second visitor is answered from the kept page"
    tokens = []
    for client, page in ((first, one), (second, two)):
        found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        assert len(found) == 1 and "csrftoken" in page.cookies
        assert f'"X-CSRFToken": "{found[0]}"' in page.content.decode()
        tokens.append(found[0])
        posted = client.post("/en/eligibility/", {"step": "born", "csrfmiddlewaretoken": found[0]})
        assert posted.status_code == 200, "each visitor's own token lets their answer through"
    assert tokens[0] != tokens[1]
    assert one.content.replace(tokens[0].encode(), b"") == two.content.replace(
        tokens[1].encode(), b""
    )
    assert {"private", "no-store"} <= _cache_control(two)


def test_the_kept_checker_asks_a_new_question_as_soon_as_the_rules_change(client: Client) -> None:
    before = client.get("/en/eligibility/?js=0").content.decode()
    Condition.objects.create(
        key="tattoo",
        question_en="Have you had a tattoo in the last four months?",
        question_ru="Делали ли вы татуировку за последние четыре месяца?",
        outcome="defer",
        deferral_months=4,
        order=999,
    )
    new = rules_publish()
    after = client.get("/en/eligibility/?js=0").content.decode()
    assert f'name="version" value="{new.number - 1}"' in before
    assert f'name="version" value="{new.number}"' in after, "answers are judged by these rules"


def test_tracking_parameters_do_not_make_the_home_page_render_again(client: Client) -> None:
    rendered: list[str] = []

    def count(sender, template, **kwargs) -> None:
        if template.name == "recruitment/pages/home.html":
            rendered.append(template.name)

    template_rendered.connect(count)
    try:
        pages = {client.get(f"/ru/?utm_source=tv&n={n}").content for n in range(20)}
    finally:
        template_rendered.disconnect(count)
    assert len(pages) == 1 and len(rendered) <= 1


def test_a_higher_minimum_age_reaches_the_pages_kept_for_everyone_at_once(client: Client) -> None:
    from recruitment.models import AgePolicy
    from recruitment.services.eligibility import PROOF_COOKIE
    from tests.factories import proof_for

    lab = typing_site()
    make_slot(lab, timezone.now() + dt.timedelta(days=2))
    today = timezone.localdate()
    born = today.replace(year=today.year - 18) - dt.timedelta(days=10)
    visitor = Client()
    visitor.cookies[PROOF_COOKIE] = proof_for(born)
    url = "/en/typing-sites/test-lab/"
    assert b"You can book from" not in visitor.get(url).content
    policy = AgePolicy.get()
    policy.min_age = 19
    policy.save()
    rules_publish()
    page = visitor.get(url)
    assert b"the day you turn 19" in page.content
    assert "no-store" in page["Cache-Control"]
    assert b"You can book from" not in client.get(url).content
