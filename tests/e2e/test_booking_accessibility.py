"""axe-core on the waiting-list, offer, change and staff pages, in both languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from recruitment import eligibility
from recruitment.models import RulesVersion, Slot
from recruitment.services.appointments import appointment_cancel
from recruitment.services.eligibility import PROOF_COOKIE
from recruitment.services.waitlist import waitlist_join
from tests.e2e.conftest import Site
from tests.e2e.helpers import axe_violations
from tests.factories import PASSWORD, coordinator, manage_token, offer_token, totp_code, typing_site
from tests.factories import appointment as book
from tests.factories import person_details as details
from tests.factories import slot as make_slot


def _prove(site: Site) -> None:
    token = eligibility.proof_issue(
        version=RulesVersion.objects.current().number,
        checked_on=timezone.localdate(),
        born_on=dt.date(1990, 1, 1),
    )
    site.context.add_cookies([{"name": PROOF_COOKIE, "value": token, "url": site.base_url}])


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_waiting_list_offer_and_change_pages_have_no_axe_violations(request, lang: str) -> None:
    site: Site = request.getfixturevalue(f"site_{lang}")
    lab = typing_site(slug=f"lab-{lang}")
    slot = make_slot(lab, timezone.now() + dt.timedelta(days=3), capacity=1)
    appointment = book(slot, 1)
    make_slot(lab, timezone.now() + dt.timedelta(days=4))
    _prove(site)
    found = {}

    page = site.open(f"/{lang}/typing-sites/{lab.slug}/waiting-list/?day={slot.day:%Y-%m-%d}")
    found["waitlist form"] = axe_violations(page)
    page.locator("button[type=submit]").click()
    found["waitlist errors"] = axe_violations(page)

    entry = waitlist_join(
        site=lab,
        day=slot.day,
        details=details(7),
        rules_version=1,
        checked_on=timezone.localdate(),
        now=timezone.now(),
    )
    assert entry is not None
    appointment_cancel(appointment_id=appointment.pk, now=timezone.now())
    entry.refresh_from_db()
    page = site.open(f"/{lang}/waiting-list/offer/{offer_token(entry)}/")
    found["offer"] = axe_violations(page)

    other = book(Slot.objects.exclude(pk=slot.pk).get(), 2)
    token = manage_token(other)
    page = site.open(f"/{lang}/booking/{token}/change/")
    found["change"] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}


def test_the_staff_day_sheet_has_no_axe_violations(site_en: Site) -> None:
    lab = typing_site(slug="sheet-lab")
    book(make_slot(lab, timezone.now() + dt.timedelta(hours=3)), 1)
    user = coordinator()
    page = site_en.open("/en/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=otp_token]", totp_code(user))
    page.locator("input[type=submit]").click()
    page = site_en.open(f"/en/staff/day-sheet/?site={lab.slug}")
    assert axe_violations(page) == []
    page = site_en.open(f"/en/staff/assisted-booking/?site={lab.slug}")
    assert axe_violations(page) == []


def test_the_booking_pages_fit_a_320px_phone(phone: Site) -> None:
    lab = typing_site(slug="phone-lab", name_ru="Демонстрационная лаборатория с длинным названием")
    slot = make_slot(lab, timezone.now() + dt.timedelta(days=2))
    _prove(phone)
    for path in (
        "/ru/typing-sites/",
        f"/ru/typing-sites/{lab.slug}/",
        f"/ru/typing-sites/{lab.slug}/book/{slot.pk}/",
        f"/ru/typing-sites/{lab.slug}/waiting-list/?day={slot.day:%Y-%m-%d}",
    ):
        page = phone.open(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width}px wide"
