"""Age counts on the day of the blood test: someone who turns 18 within the booking window may
take the check now and book from their birthday; someone who turns 46 before a time may not
book that time."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import formats, translation

from recruitment import eligibility
from recruitment.models import Appointment, RulesVersion
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.services.sites import WINDOW_DAYS
from tests.factories import proof_for, typing_site
from tests.factories import slot as make_slot

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
TODAY = dt.date(2026, 11, 27)
BIRTHDAY = TODAY + dt.timedelta(days=3)  # the 18th birthday, three days from now
BORN = BIRTHDAY.replace(year=BIRTHDAY.year - 18)


@pytest.fixture(autouse=True)
def _morning(time_machine) -> None:
    time_machine.move_to(dt.datetime(2026, 11, 27, 6, 0, tzinfo=dt.UTC), tick=False)


def long_date(day: dt.date, lang: str = "en") -> str:
    with translation.override(lang):
        return formats.date_format(day, "DATE_FORMAT")


def check(client: Client, data: dict[str, str], *, lang: str = "en", htmx: bool = False):
    version = str(RulesVersion.objects.current().number)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/{lang}/eligibility/", {"version": version, **data}, headers=headers)


def all_no() -> dict[str, str]:
    return {f"c_{c.key}": "no" for c in RulesVersion.objects.current().rules().conditions}


# The checker


def test_someone_who_turns_18_in_three_days_is_told_the_date_and_may_go_on(client) -> None:
    born = {"born": BORN.isoformat()}
    questions = check(client, {"stage": "born", **born}).content.decode()
    assert 'type="radio"' in questions
    assert "You can join from" not in questions
    assert "Question 1 of" in check(client, {"stage": "born", **born}, htmx=True).content.decode()

    result = check(client, {"stage": "questions", **born, **all_no()})
    page = result.content.decode()
    assert "Good news" in page
    assert f"You can book a time from {long_date(BIRTHDAY)}, the day you turn 18." in page
    proof = eligibility.proof_read(result.cookies[PROOF_COOKIE].value)
    assert proof is not None and proof.born_on == BORN


def test_the_date_is_said_in_russian_on_the_russian_page(client) -> None:
    data = {"stage": "questions", "born": BORN.isoformat(), **all_no()}
    page = check(client, data, lang="ru").content.decode()
    assert f"Записаться на сдачу крови можно с {long_date(BIRTHDAY, 'ru')}" in page
    assert "вам исполнится 18 лет" in page


@pytest.mark.parametrize("days_away", [WINDOW_DAYS + 1, 365])
def test_turning_18_beyond_the_booking_window_is_still_come_back_later_with_the_date(
    client, days_away: int
) -> None:
    birthday = TODAY + dt.timedelta(days=days_away)
    born = birthday.replace(year=birthday.year - 18)
    response = check(client, {"stage": "born", "born": born.isoformat()})
    page = response.content.decode()
    assert f"You can join from {long_date(birthday)}" in page
    assert "join from the age of 18" in page
    assert 'type="radio"' not in page
    assert PROOF_COOKIE not in response.cookies


def test_turning_18_on_the_last_day_of_the_booking_window_may_go_on(client) -> None:
    birthday = TODAY + dt.timedelta(days=WINDOW_DAYS)
    born = birthday.replace(year=birthday.year - 18)
    page = check(client, {"stage": "born", "born": born.isoformat()}).content.decode()
    assert 'type="radio"' in page


def test_a_deferral_for_someone_coming_of_age_never_ends_before_the_birthday() -> None:
    rules = RulesVersion.objects.current().rules()
    later = TODAY + dt.timedelta(days=40)
    born = later.replace(year=later.year - 18)
    deferral = eligibility.Rule(
        key="tattoo", outcome=eligibility.Outcome.DEFER, deferral_months=1, texts={}
    )
    rules = eligibility.Rules(rules.version, rules.min_age, rules.max_age, (deferral,))
    until = TODAY + dt.timedelta(days=WINDOW_DAYS)
    result = eligibility.judge(rules, born, {"tattoo": True}, TODAY, book_until=until)
    assert result.verdict is eligibility.Verdict.DEFERRED
    assert result.can_join_from == later


def test_without_a_booking_window_the_age_is_judged_on_the_day_itself() -> None:
    # Booking and the waiting list judge the appointment's day, with no leeway.
    rules = RulesVersion.objects.current().rules()
    too_young = eligibility.judge_age(rules, BORN, BIRTHDAY - dt.timedelta(days=1))
    assert too_young is not None and too_young.can_join_from == BIRTHDAY
    assert eligibility.judge_age(rules, BORN, BIRTHDAY) is None


# The site page and booking


@pytest.fixture
def site():
    return typing_site()


@pytest.fixture
def slots(site):
    """A time at 10:00 on each of the days around the birthday."""
    return {
        offset: make_slot(
            site, dt.datetime.combine(BIRTHDAY + dt.timedelta(days=offset), dt.time(10), MOSCOW)
        )
        for offset in (-2, -1, 0, 1)
    }


@pytest.fixture
def young() -> Client:
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for(BORN)
    return client


def book_url(slot) -> str:
    return f"/en/typing-sites/{slot.site.slug}/book/{slot.pk}/"


def test_the_site_page_offers_days_from_the_18th_birthday(young, slots) -> None:
    response = young.get("/en/typing-sites/test-lab/")
    assert "no-store" in response["Cache-Control"]  # this visitor's own days: no shared copy
    page = response.content.decode()
    assert f"You can book from {long_date(BIRTHDAY)}, the day you turn 18." in page
    assert book_url(slots[0]) in page
    for offset in (-2, -1):
        assert f"?day={BIRTHDAY + dt.timedelta(days=offset):%Y-%m-%d}" not in page
        assert book_url(slots[offset]) not in page
    # Asking for an earlier day by its address shows the birthday's times instead.
    early = f"?day={BIRTHDAY - dt.timedelta(days=1):%Y-%m-%d}"
    page = young.get(f"/en/typing-sites/test-lab/{early}").content.decode()
    assert book_url(slots[-1]) not in page and book_url(slots[0]) in page


def test_the_site_page_is_unchanged_for_everyone_else(client, slots) -> None:
    response = client.get("/en/typing-sites/test-lab/")
    page = response.content.decode()
    assert "You can book from" not in page
    assert book_url(slots[-2]) in page
    assert f"?day={BIRTHDAY - dt.timedelta(days=2):%Y-%m-%d}" in page


def test_the_kept_site_page_and_a_young_visitors_own_never_cross(client, young, slots) -> None:
    """The page everyone gets is kept by the site; a visitor coming of age gets their own,
    whichever of them comes first."""
    everyone = client.get("/en/typing-sites/test-lab/").content
    assert b"You can book from" in young.get("/en/typing-sites/test-lab/").content
    assert client.get("/en/typing-sites/test-lab/").content == everyone
    again = Client()
    again.cookies[PROOF_COOKIE] = proof_for(BORN)
    assert book_url(slots[-1]) not in again.get("/en/typing-sites/test-lab/").content.decode()


def test_the_site_list_gives_a_young_visitor_the_first_time_from_the_birthday(
    client, young, slots
) -> None:
    def next_free(page: str) -> str:
        return page.split("Next free time:", 1)[1].split("</strong>", 1)[0]

    everyone = client.get("/en/typing-sites/").content.decode()
    assert "You can book from" not in everyone
    assert f"{(BIRTHDAY - dt.timedelta(days=2)).day} " in next_free(everyone)
    response = young.get("/en/typing-sites/")
    own = response.content.decode()
    assert f"You can book from {long_date(BIRTHDAY)}, the day you turn 18." in own
    assert f"{BIRTHDAY.day} " in next_free(own)
    assert "no-store" in response["Cache-Control"]
    assert client.get("/en/typing-sites/").content.decode() == everyone


def test_a_time_the_day_before_the_18th_birthday_is_refused_with_the_date(young, slots) -> None:
    page = young.get(book_url(slots[-1])).content.decode()
    assert "Please choose a later day" in page
    assert f"You can book a time from {long_date(BIRTHDAY)}, the day you turn 18." in page
    assert 'href="/en/typing-sites/test-lab/"' in page
    posted = young.post(book_url(slots[-1]), details())
    assert "Please choose a later day" in posted.content.decode()
    assert Appointment.objects.count() == 0


def test_on_the_18th_birthday_the_time_is_booked(young, slots) -> None:
    response = young.post(book_url(slots[0]), details())
    assert response.status_code == 302
    assert Appointment.objects.get().slot == slots[0]


def test_someone_who_turns_46_before_a_time_is_told_so_at_that_time(site) -> None:
    turns_46 = TODAY + dt.timedelta(days=10)
    client = Client()
    client.cookies[PROOF_COOKIE] = proof_for(turns_46.replace(year=turns_46.year - 46))
    before = make_slot(site, dt.datetime.combine(turns_46 - dt.timedelta(1), dt.time(10), MOSCOW))
    on_the_day = make_slot(site, dt.datetime.combine(turns_46, dt.time(10), MOSCOW))
    assert b'name="request_key"' in client.get(book_url(before)).content
    page = client.get(book_url(on_the_day)).content.decode()
    assert "Please choose an earlier day" in page and "later day" not in page
    assert "You can book a time from" not in page


def details() -> dict[str, str]:
    return {
        "name": "Masha Ivanova",
        "email": "masha@example.org",
        "phone": "+7 912 345-67-89",
        "born_day": str(BORN.day),
        "born_month": str(BORN.month),
        "born_year": str(BORN.year),
        "language": "en",
        "consent": "on",
        "request_key": str(uuid.uuid4()),
    }
