"""A volunteer books, moves and cancels a blood test in a real browser, with real emails."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from email.message import EmailMessage
from typing import Any

import pytest
from django.utils import dateformat, timezone, translation
from playwright.sync_api import Page, expect

from recruitment import eligibility
from recruitment.models import Appointment, RulesVersion, Slot
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.services.outbox import outbox_sweep
from tests.e2e.conftest import Site
from tests.e2e.helpers import axe_violations, tab_to
from tests.factories import emails_now, slot, typing_site
from tests.mail import SmtpServer

VLADIVOSTOK = "Asia/Vladivostok"
KALININGRAD = "Europe/Kaliningrad"
# How the pages name those zones (the offsets hold all year: neither has summer time).
ZONES = {
    "en": {VLADIVOSTOK: "Vladivostok time (UTC+10)", KALININGRAD: "Kaliningrad time (UTC+2)"},
    "ru": {
        VLADIVOSTOK: "владивостокское время (UTC+10)",
        KALININGRAD: "калининградское время (UTC+2)",
    },
}

# Exact texts, the Russian ones as in locale/ru/LC_MESSAGES/django.po.
TEXTS = {
    "en": {
        "eligible": "Good news: you can join the registry",
        "continue": "Continue with your booking",
        "book": "Book your blood test",
        "booked": "Thank you! Please check your email",
        "manage": "Your appointment",
        "another_time": "Choose another time",
        "moved": "Your appointment has moved",
        "cancel": "Cancel this appointment",
        "cancel_question": "Cancel your appointment?",
        "cancel_yes": "Yes, cancel it",
        "cancelled": "Your appointment is cancelled",
        "subject_booked": "Your blood test is booked: {day} at {time}",
        "subject_moved": "Your blood test has moved to {day} at {time}",
        "subject_cancelled": "Your blood test is cancelled",
        "local_time": "{zone}",
        "list_zone": "{zone}",
        "next_free": "Next free time:",
        "name": "Anna Petrova",
    },
    "ru": {
        "eligible": "Хорошие новости: вы можете вступить в регистр",
        "continue": "Продолжить запись",
        "book": "Записаться на анализ крови",
        "booked": "Спасибо! Пожалуйста, проверьте почту",
        "manage": "Ваша запись",
        "another_time": "Выбрать другое время",
        "moved": "Ваша запись перенесена",
        "cancel": "Отменить запись",
        "cancel_question": "Отменить запись?",
        "cancel_yes": "Да, отменить",
        "cancelled": "Ваша запись отменена",
        "subject_booked": "Вы записаны на анализ крови: {day} в {time}",
        "subject_moved": "Ваша запись на анализ крови перенесена на {day} в {time}",
        "subject_cancelled": "Ваша запись на анализ крови отменена",
        "local_time": "{zone}",
        "list_zone": "{zone}",
        "next_free": "Ближайшее свободное время:",
        "name": "Анна Петрова",
    },
}

PHONE = "+7 912 345-67-89"


def _born(years: int) -> dt.date:
    """A birthday well inside the age limits: `years` old today and on any day this month."""
    today = dt.date.today()
    return (
        dt.date(today.year - years, 1, 15)
        if today.month > 1
        else dt.date(today.year - years - 1, 1, 15)
    )


def _local(site: Any, days_ahead: int, at: str) -> dt.datetime:
    """An aware time `days_ahead` days from today at the site, at `at` on its wall clock."""
    day = timezone.now().astimezone(site.zone).date() + dt.timedelta(days=days_ahead)
    return dt.datetime.combine(day, dt.time.fromisoformat(at), tzinfo=site.zone)


def _formatted(value: dt.datetime, zone: str, pattern: str, lang: str) -> str:
    """What the `timezone` and `date` template filters make of `value` in `lang`."""
    with translation.override(lang):
        return str(dateformat.format(value.astimezone(zoneinfo.ZoneInfo(zone)), pattern))


def _give_proof(site: Site, born: dt.date) -> None:
    """The cookie a passed eligibility check leaves, for tests that are not about the check."""
    token = eligibility.proof_issue(
        version=RulesVersion.objects.current().number,
        checked_on=timezone.localdate(),
        born_on=born,
    )
    site.context.add_cookies([{"name": PROOF_COOKIE, "value": token, "url": site.base_url}])


def _sweep(smtp: SmtpServer, expected: int) -> EmailMessage:
    """Send what the outbox holds (no Celery worker runs here) and return the newest email."""
    outbox_sweep(now=timezone.now())
    assert len(smtp.inbox.messages) == expected, [_subject(m) for m in smtp.inbox.messages]
    return smtp.inbox.messages[-1]


def _subject(message: EmailMessage) -> str:
    """The subject as a reader sees it. Django 5.2 folds a long non-ASCII subject onto a
    continuation line ("Subject: \\n =?utf-8?b?...?="), which Python's parser unfolds with a
    leading space; mail clients do not show that space, so neither does this."""
    return " ".join(str(message["Subject"]).split())


def _plain(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def _attachment(message: EmailMessage, filename: str) -> str:
    for part in message.iter_attachments():
        if part.get_filename() == filename:
            content = part.get_content()
            return content.decode() if isinstance(content, bytes) else str(content)
    raise AssertionError(f"no {filename} attached to {message['Subject']!r}")


def _focused(page: Page) -> Any:
    return page.locator(":focus")


def _press(page: Page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Enter")


def _type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def _choose_radio(page: Page, name: str, value: str) -> None:
    """Into the radio group with Tab, away and back with the arrow keys, then Space."""
    tab_to(page, f"input[type=radio][name={name}]")
    page.keyboard.press("ArrowDown")
    for _ in range(6):
        if page.evaluate("() => document.activeElement.value") == value:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {name}={value}")


def _pass_the_check_with_the_keyboard(page: Page, lang: str, born: dt.date) -> None:
    texts = TEXTS[lang]
    total = len(RulesVersion.objects.current().rules().conditions)
    tab_to(page, "input[name=born_day]")
    page.keyboard.type(str(born.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(born.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(born.year))
    _press(page, "#checker button[type=submit]")
    for number in range(1, total + 1):
        expect(page.locator("#progress-label")).to_have_text(re.compile(rf"\b{number}\D+{total}\b"))
        expect(page.locator("#checker-heading")).to_be_focused()
        _press(page, "#checker button[value=no]")
    expect(page.locator("#checker-heading")).to_have_text(texts["eligible"])
    expect(page.locator("#checker-heading")).to_be_focused()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_volunteer_books_changes_and_cancels_with_the_keyboard_only(
    request: pytest.FixtureRequest, smtp: SmtpServer, lang: str
) -> None:
    site: Site = request.getfixturevalue(f"site_{lang}")
    texts = TEXTS[lang]
    lab = typing_site("vladivostok", VLADIVOSTOK, city_en="Vladivostok", city_ru="Владивосток")
    # Early morning in Vladivostok is still the evening before in UTC: the day must follow
    # the site's clock, not the server's.
    times = ["08:30", "09:00", "09:30"]
    slots = [slot(lab, _local(lab, 3, at), capacity=2) for at in times]
    first, moved_to = slots[0], slots[1]
    assert first.starts_at.astimezone(dt.UTC).date() != first.day
    born = _born(30)
    book_path = f"/{lang}/typing-sites/{lab.slug}/book/{first.pk}/"

    # The site's page: the first time, chosen with the keyboard.
    page = site.open(f"/{lang}/typing-sites/{lab.slug}/")
    expect(page.locator("#times a.button")).to_have_text(times)
    tab_to(page, "#times a.button")
    expect(_focused(page)).to_have_attribute("href", book_path)
    page.keyboard.press("Enter")

    # No proof of eligibility yet: the check first, and then straight back to this time.
    expect(page).to_have_url(re.compile(rf"/{lang}/eligibility/\?next="))
    _pass_the_check_with_the_keyboard(page, lang, born)
    tab_to(page, f"#checker a[href='{book_path}']")
    expect(_focused(page)).to_have_text(texts["continue"])
    page.keyboard.press("Enter")

    # The details form, with the date of birth from the check already in it.
    expect(page).to_have_url(site.base_url + book_path)
    expect(page.locator("h1")).to_have_text(texts["book"])
    summary = page.locator(".summary")
    expect(summary).to_contain_text(_formatted(first.starts_at, VLADIVOSTOK, "l, j E Y", lang))
    expect(summary).to_contain_text("08:30")
    expect(summary).to_contain_text(texts["local_time"].format(zone=ZONES[lang][VLADIVOSTOK]))
    expect(page.locator("input[name=born_day]")).to_have_value(str(born.day))
    expect(page.locator("input[name=born_month]")).to_have_value(str(born.month))
    expect(page.locator("input[name=born_year]")).to_have_value(str(born.year))
    address = f"anna.{lang}@example.org"
    _type_into(page, "input[name=name]", texts["name"])
    _type_into(page, "input[name=email]", address)
    _type_into(page, "input[name=phone]", PHONE)
    _choose_radio(page, "language", lang)
    expect(page.locator(f"input[name=language][value={lang}]")).to_be_checked()
    tab_to(page, "input[name=consent]")
    page.keyboard.press("Space")
    expect(page.locator("input[name=consent]")).to_be_checked()
    assert axe_violations(page) == []
    _press(page, "#details .actions button[type=submit]")

    # The confirmation, in the site's own time.
    expect(page.locator("h1")).to_have_text(texts["booked"])
    expect(page.locator(".summary")).to_contain_text("08:30")
    expect(page.locator(".summary")).to_contain_text(ZONES[lang][VLADIVOSTOK])
    expect(page.get_by_text(address)).to_be_visible()
    assert axe_violations(page) == []

    # The email: in the chosen language, with a calendar file and the manage link.
    confirmed = _sweep(smtp, 1)
    assert confirmed["To"] == address
    assert _subject(confirmed) == texts["subject_booked"].format(
        day=_formatted(first.starts_at, VLADIVOSTOK, "j E", lang), time="08:30"
    )
    assert "TZID=Asia/Vladivostok" in _attachment(confirmed, "appointment.ics")
    found = re.search(rf"/{lang}/booking/[^/\s]+/", _plain(confirmed))
    assert found, _plain(confirmed)
    manage_path = found.group(0)

    # The manage page; another time, chosen with the keyboard.
    page = site.open(manage_path)
    expect(page.locator("h1")).to_have_text(texts["manage"])
    expect(page.locator(".summary")).to_contain_text("08:30")
    assert axe_violations(page) == []
    tab_to(page, f"a[href='{manage_path}change/']")
    expect(_focused(page)).to_have_text(texts["another_time"])
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.base_url + manage_path + "change/")
    expect(page.locator("#change-times button[name=slot]")).to_have_text(times[1:])
    tab_to(page, "#change-times button[name=slot]")
    expect(_focused(page)).to_have_text("09:00")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(texts["moved"])
    expect(page.locator(".summary")).to_contain_text("09:00")

    changed = _sweep(smtp, 2)
    assert emails_now().order_by("pk").last().kind == "booking-changed"
    assert _subject(changed) == texts["subject_moved"].format(
        day=_formatted(moved_to.starts_at, VLADIVOSTOK, "j E", lang), time="09:00"
    )
    assert "TZID=Asia/Vladivostok" in _attachment(changed, "appointment.ics")

    # Cancelling takes a second, explicit step.
    page = site.open(manage_path)
    expect(page.locator(".summary")).to_contain_text("09:00")
    tab_to(page, f"a[href='{manage_path}cancel/']")
    expect(_focused(page)).to_have_text(texts["cancel"])
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(texts["cancel_question"])
    tab_to(page, "button[name=confirm][value=yes]")
    expect(_focused(page)).to_have_text(texts["cancel_yes"])
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(texts["cancelled"])
    page.reload()  # a refresh shows the same page, not an error
    expect(page.locator("h1")).to_have_text(texts["cancelled"])

    response = page.goto(site.base_url + manage_path)
    assert response is not None and response.status == 404

    cancelled = _sweep(smtp, 3)
    assert _subject(cancelled) == texts["subject_cancelled"]

    appointment = Appointment.objects.get()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.slot_id == moved_to.pk
    assert appointment.language == lang
    assert appointment.phone == "+79123456789"
    assert list(Slot.objects.order_by("starts_at").values_list("booked", flat=True)) == [0, 0, 0]


def test_the_whole_booking_works_without_javascript(site_nojs: Site) -> None:
    lab = typing_site("no-script-lab", VLADIVOSTOK)
    chosen = slot(lab, _local(lab, 2, "10:00"), capacity=2)
    born = _born(30)
    page = site_nojs.open(f"/en/typing-sites/{lab.slug}/")
    page.locator("#times a.button").first.click()

    # The plain check: the date of birth, then every question on one page.
    expect(page).to_have_url(re.compile(r"/en/eligibility/\?next="))
    page.get_by_label("Day").fill(str(born.day))
    page.get_by_label("Month").fill(str(born.month))
    page.get_by_label("Year").fill(str(born.year))
    page.get_by_role("button", name="Continue").click()
    radios = page.locator("#checker input[type=radio][value=no]")
    total = len(RulesVersion.objects.current().rules().conditions)
    expect(radios).to_have_count(total)
    for index in range(total):
        radios.nth(index).check()
    page.get_by_role("button", name="See my result").click()
    expect(page.locator("#checker-heading")).to_have_text(TEXTS["en"]["eligible"])
    page.get_by_role("link", name=TEXTS["en"]["continue"]).click()

    expect(page).to_have_url(site_nojs.base_url + f"/en/typing-sites/{lab.slug}/book/{chosen.pk}/")
    expect(page.locator("input[name=born_year]")).to_have_value(str(born.year))
    page.get_by_label("Your full name").fill("Anna Petrova")
    page.get_by_label("Email").fill("anna@example.org")
    page.get_by_label("Mobile phone").fill(PHONE)
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Book this time").click()

    expect(page.locator("h1")).to_have_text(TEXTS["en"]["booked"])
    expect(page.locator(".summary")).to_contain_text("10:00")
    appointment = Appointment.objects.get()
    assert appointment.slot_id == chosen.pk
    assert appointment.status == Appointment.Status.BOOKED
    assert Slot.objects.get(pk=chosen.pk).booked == 1


def test_a_time_taken_while_the_form_was_open_gets_a_kind_message_and_keeps_what_was_typed(
    site_en: Site,
) -> None:
    lab = typing_site("busy-lab", VLADIVOSTOK)
    last_place = slot(lab, _local(lab, 2, "10:00"), capacity=1)
    later = [slot(lab, _local(lab, 2, at), capacity=2) for at in ("10:15", "10:30")]
    born = _born(30)
    _give_proof(site_en, born)

    page = site_en.open(f"/en/typing-sites/{lab.slug}/book/{last_place.pk}/")
    page.get_by_label("Your full name").fill("Anna Petrova")
    page.get_by_label("Email").fill("anna@example.org")
    page.get_by_label("Mobile phone").fill(PHONE)
    page.locator("input[name=consent]").check()

    # Someone else takes the last place while this form is open.
    Slot.objects.filter(pk=last_place.pk).update(booked=1)
    page.get_by_role("button", name="Book this time").click()

    alert = page.locator(".error-summary[role=alert]")
    expect(alert).to_contain_text("someone has just taken the last place")
    others = alert.get_by_role("button")
    expect(others).to_have_count(2)
    expect(others.first).to_contain_text("10:15")
    expect(others.nth(1)).to_contain_text("10:30")
    expect(page.get_by_label("Your full name")).to_have_value("Anna Petrova")
    expect(page.get_by_label("Email")).to_have_value("anna@example.org")
    expect(page.locator("input[name=consent]")).to_be_checked()
    assert axe_violations(page) == []

    others.first.click()
    expect(page.locator("h1")).to_have_text(TEXTS["en"]["booked"])
    expect(page.locator(".summary")).to_contain_text("10:15")
    appointment = Appointment.objects.get()
    assert appointment.slot_id == later[0].pk
    assert appointment.name == "Anna Petrova"
    assert Slot.objects.get(pk=later[0].pk).booked == 1
    assert Slot.objects.get(pk=last_place.pk).booked == 1  # only the other person's


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_site_list_shows_each_sites_next_free_time_in_its_own_time_zone(
    request: pytest.FixtureRequest, lang: str
) -> None:
    site: Site = request.getfixturevalue(f"site_{lang}")
    texts = TEXTS[lang]
    west = typing_site(
        "kaliningrad",
        KALININGRAD,
        name_en="Kaliningrad Lab",
        name_ru="Калининградская лаборатория",
        city_en="Kaliningrad",
        city_ru="Калининград",
    )
    east = typing_site(
        "vladivostok",
        VLADIVOSTOK,
        name_en="Vladivostok Lab",
        name_ru="Владивостокская лаборатория",
        city_en="Vladivostok",
        city_ru="Владивосток",
    )
    instant = (timezone.now() + dt.timedelta(days=3)).replace(
        hour=6, minute=0, second=0, microsecond=0
    )
    slot(west, instant)
    slot(east, instant)

    page = site.open(f"/{lang}/typing-sites/")
    shown = []
    for lab in (west, east):
        expected = _formatted(instant, lab.time_zone, "j E, H:i", lang)
        shown.append(expected)
        with translation.override(lang):
            name = lab.name
        card = page.locator("li.card").filter(has_text=name)
        expect(card).to_have_count(1)
        expect(card).to_contain_text(f"{texts['next_free']} {expected}")
        expect(card).to_contain_text(texts["list_zone"].format(zone=ZONES[lang][lab.time_zone]))
    assert shown[0] != shown[1]
    assert shown[0].endswith("08:00") and shown[1].endswith("16:00")
    assert axe_violations(page) == []

    page = site.open(f"/{lang}/typing-sites/{east.slug}/")
    expect(page.locator("#times a.button")).to_have_text(["16:00"])
    expect(page.locator("dl.facts")).to_contain_text(ZONES[lang][VLADIVOSTOK])
    assert axe_violations(page) == []


def test_a_vladivostok_time_reads_the_same_to_a_browser_anywhere(browser, live_server) -> None:
    """The times are the site's own, whatever zone the visitor's computer is in."""
    site = typing_site(slug="vladivostok-anywhere", time_zone="Asia/Vladivostok")
    start = dt.datetime.combine(
        timezone.now().date() + dt.timedelta(days=3),
        dt.time(8, 30),
        tzinfo=zoneinfo.ZoneInfo("Asia/Vladivostok"),
    )
    slot(site, start)
    seen = []
    for zone in ("America/Los_Angeles", "Europe/London", "Asia/Vladivostok"):
        context = browser.new_context(locale="en-GB", timezone_id=zone)
        page = context.new_page()
        page.goto(f"{live_server.url}/en/typing-sites/{site.slug}/")
        seen.append(page.locator("#times").inner_text())
        context.close()
    assert all("08:30" in text for text in seen)
    assert seen[0] == seen[1] == seen[2]
