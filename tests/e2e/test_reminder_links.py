"""The links of the reminder and "we missed you" emails, opened in a real browser: the stop link
asks, its button stops the reminders; the book-again link lands on the site's times, with no
eligibility check again."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from recruitment.models import Appointment, OutboxEmail, RulesVersion
from recruitment.services.appointments import appointment_mark
from recruitment.services.messages import outbox_render
from recruitment.services.reminders import appointment_reminders_plan
from tests.e2e.conftest import Site
from tests.e2e.helpers import axe_violations
from tests.factories import appointment, typing_site
from tests.factories import slot as make_slot


def _link_in_email(row: OutboxEmail, path: str) -> str:
    """The path of the `path` link in the plain text of the email as it goes out."""
    message, _token = outbox_render(row, timezone.now())
    found = re.search(rf"https?://\S+?(/(?:ru|en)/{path}/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def _tomorrow_at_ten(lab) -> dt.datetime:
    day = timezone.now().astimezone(lab.zone).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10), tzinfo=lab.zone)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page is {width}px wide"


@pytest.mark.parametrize("fixture", ["phone", "site_en"])
def test_the_stop_link_of_a_reminder_asks_then_stops_the_reminders(request, fixture: str) -> None:
    """In Russian on a 320 px phone, and in English."""
    site: Site = request.getfixturevalue(fixture)
    lang = "ru" if fixture == "phone" else "en"
    lab = typing_site()
    booked = appointment(
        make_slot(lab, _tomorrow_at_ten(lab) + dt.timedelta(days=2)), language=lang
    )
    reminders = appointment_reminders_plan(booked, timezone.now())
    assert len(reminders) == 2
    page = site.open(_link_in_email(reminders[0], "reminders/stop"))
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").count() == 1
    expect(page.locator("main")).to_contain_text("Test Lab" if lang == "en" else "Тестовая")
    # The Russian wording comes later with the translations: that page is found by its form.
    button = page.locator("main form button[type=submit]")
    if lang == "en":
        expect(page.locator("h1")).to_have_text("Stop reminders?")
        expect(button).to_have_text("Stop reminders")
    assert axe_violations(page) == []
    if fixture == "phone":
        _fits(page)
    asked = page.locator("h1").inner_text()
    button.click()
    expect(page.locator("h1")).not_to_have_text(asked)
    expect(page.locator("main form")).to_have_count(0)
    if lang == "en":
        expect(page.locator("h1")).to_have_text("Reminders are stopped")
    assert axe_violations(page) == []
    if fixture == "phone":
        _fits(page)
    statuses = OutboxEmail.objects.filter(appointment=booked, kind="appointment-reminder")
    assert {row.status for row in statuses} == {"cancelled"}
    assert Appointment.objects.get(pk=booked.pk).reminders_stopped_at is not None


@pytest.mark.parametrize("fixture", ["site_ru", "site_en"])
def test_the_book_again_link_of_a_missed_visit_lands_on_the_sites_times(
    request, fixture: str
) -> None:
    """Marked "did not come" yesterday; the link in the next day's email opens the same site's
    times in the person's language, and a time opens the booking form, not the check."""
    site: Site = request.getfixturevalue(fixture)
    lang = fixture[-2:]
    lab = typing_site()
    yesterday = _tomorrow_at_ten(lab) - dt.timedelta(days=2)
    free = make_slot(lab, _tomorrow_at_ten(lab))
    missed = appointment(
        make_slot(lab, yesterday),
        language=lang,
        rules_version=RulesVersion.objects.current().number,
        rules_checked_on=timezone.localdate() - dt.timedelta(days=3),
    )
    appointment_mark(appointment_id=missed.pk, status="no_show", now=timezone.now())
    email = OutboxEmail.objects.get(appointment=missed, kind="visit-missed")
    page = site.open(_link_in_email(email, "book-again"))
    assert urlsplit(page.url).path == f"/{lang}/typing-sites/test-lab/"
    assert page.locator("html").get_attribute("lang") == lang
    book = page.locator(f'a[href="/{lang}/typing-sites/test-lab/book/{free.pk}/"]')
    expect(book).to_be_visible()
    book.click()
    assert urlsplit(page.url).path == f"/{lang}/typing-sites/test-lab/book/{free.pk}/"
    expect(page.locator('input[name="email"]')).to_be_visible()
