"""A drive from start to finish, with the keyboard only, in both languages, axe on every page:
someone proposes a drive, staff approve it, the organiser sets a password and sends the drive
for approval, staff publish it, a volunteer finds it by its code and signs up, and the
organiser checks them in on a phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from recruitment.models import Drive, DriveProposal, DriveSignup, RulesVersion
from tests.e2e.conftest import Site
from tests.e2e.helpers import axe_violations, tab_to
from tests.factories import PASSWORD, coordinator, send_outbox, totp_code, typing_site
from tests.mail import SmtpServer

LOCALES = {"en": "en-GB", "ru": "ru-RU"}
ORGANISER_PASSWORD = "a long walk to the drive 2027"
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def _tab(page: Page, selector: str) -> None:
    tab_to(page, selector, limit=120)


def _type_into(page: Page, selector: str, text: str) -> None:
    _tab(page, selector)
    page.keyboard.type(text)


def _press(page: Page, selector: str) -> None:
    _tab(page, selector)
    page.keyboard.press("Enter")


def _choose(page: Page, selector: str, value: str) -> None:
    """A radio button or an option of a closed <select>, reached with the arrow keys."""
    _tab(page, selector)
    for _ in range(20):
        if page.evaluate("() => document.activeElement.value") == value:
            if page.evaluate("() => document.activeElement.type") == "radio":
                page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never reached {selector} = {value}")


def _clean(page: Page, where: str) -> None:
    assert axe_violations(page) == [], where


def _site(browser: Browser, live_server: Any, lang: str, **options: Any) -> Site:
    return Site(live_server.url, browser.new_context(locale=LOCALES[lang], **options))


def _staff_action(page: Page, lang: str, model: str, pk: int, action: str) -> None:
    """In the admin's list of `model`, tick row `pk`, choose `action`, press Go."""
    page.goto(page.url.split("/admin/")[0] + f"/admin/recruitment/{model}/")
    _tab(page, f"input.action-select[value='{pk}']")
    page.keyboard.press("Space")
    _choose(page, "select[name=action]", action)
    _press(page, "button[name=index]")
    expect(page.locator("ul.messagelist")).to_be_visible()


def _pass_the_check(page: Page, born: dt.date) -> None:
    _type_into(page, "input[name=born_day]", str(born.day))
    page.keyboard.press("Tab")
    page.keyboard.type(str(born.month))
    page.keyboard.press("Tab")
    page.keyboard.type(str(born.year))
    _press(page, "#checker button[type=submit]")
    total = len(RulesVersion.objects.current().rules().conditions)
    for number in range(1, total + 1):
        expect(page.locator("#progress-label")).to_have_text(re.compile(rf"\b{number}\D+{total}\b"))
        expect(page.locator("#checker-heading")).to_be_focused()
        _press(page, "#checker button[value=no]")
    expect(page.locator("#checker a.button[href*='/sign-up/']")).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_drive_from_proposal_to_check_in_with_the_keyboard(
    browser: Browser, live_server: Any, smtp: SmtpServer, lang: str
) -> None:
    lab = typing_site("partner-lab")
    day = timezone.localdate() + dt.timedelta(days=21)

    # 1. Someone proposes a drive.
    proposer = _site(browser, live_server, lang)
    page = proposer.open(f"/{lang}/host-a-drive/")
    _clean(page, "host a drive")
    _type_into(page, "input[name=name]", "Irina Petrova")
    _type_into(page, "input[name=organisation]", "Student Union")
    _type_into(page, "input[name=email]", "irina@example.org")
    _type_into(page, "input[name=phone]", "+7 912 345-67-89")
    # Chromium orders a date field's parts by its own interface language (US English here).
    _type_into(page, "input[name=proposed_on]", f"{day:%m%d%Y}")
    assert page.input_value("input[name=proposed_on]") == day.isoformat()
    _type_into(page, "input[name=place]", "Main building, room 101")
    _type_into(page, "input[name=city]", "Moscow")
    _type_into(page, "input[name=expected_people]", "40")
    _choose(page, "select[name=partner]", str(lab.pk))
    _choose(page, "input[name=language]", lang)
    _tab(page, "input[name=consent]")
    page.keyboard.press("Space")
    _press(page, "form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/host-a-drive/thanks/$"))
    _clean(page, "thanks")
    proposal = DriveProposal.objects.get()
    assert proposal.proposed_on == day and proposal.partner == lab

    # 2. Staff approve it in the admin (with the second factor).
    staff = _site(browser, live_server, lang)
    user = coordinator()
    page = staff.open(f"/{lang}/admin/login/")
    _type_into(page, "input[name=username]", user.username)
    _type_into(page, "input[name=password]", PASSWORD)
    _type_into(page, "input[name=otp_token]", totp_code(user))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))
    _staff_action(page, lang, "driveproposal", proposal.pk, "approve")
    drive = Drive.objects.get()
    assert drive.status == "draft"

    # 3. The organiser sets a password from the email, signs in, sends the drive for approval.
    send_outbox()
    welcome = smtp.inbox.to("irina@example.org")[-1]
    text = welcome.get_body(("plain",)).get_content()
    link = re.search(r"/(?:ru|en)/organisers/password/[\w-]+/[\w-]+/", text)
    assert link, text
    organiser = _site(browser, live_server, lang, **PHONE)
    page = organiser.open(link.group(0))
    _clean(page, "set a password")
    _type_into(page, "input[name=new_password1]", ORGANISER_PASSWORD)
    _type_into(page, "input[name=new_password2]", ORGANISER_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/organisers/password/done/$"))
    page = organiser.open(f"/{lang}/organisers/sign-in/")
    _type_into(page, "input[name=username]", "irina@example.org")
    _type_into(page, "input[type=password]", ORGANISER_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/organisers/$"))
    page = organiser.open(f"/{lang}/organisers/drives/{drive.code}/")
    _clean(page, "dashboard")
    _press(page, f"form[action$='/drives/{drive.code}/submit/'] button")
    expect(page.locator(f"form[action$='/drives/{drive.code}/submit/']")).to_have_count(0)
    assert Drive.objects.get().status == "submitted"

    # 4. Staff publish it.
    _staff_action(page=staff.page, lang=lang, model="drive", pk=drive.pk, action="publish")
    assert Drive.objects.get().status == "published"

    # 5. A volunteer finds the drive by its code from the poster and signs up.
    volunteer = _site(browser, live_server, lang, **PHONE)
    page = volunteer.open(f"/{lang}/drives/")
    _clean(page, "drive list")
    _type_into(page, "input[name=code]", drive.code.lower())
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/drives/{drive.code}/$"))
    _clean(page, "drive page")
    _press(page, f"a.button[href$='/drives/{drive.code}/sign-up/']")
    expect(page).to_have_url(re.compile(r"/eligibility/\?next="))
    _pass_the_check(page, dt.date(1996, 3, 14))
    _press(page, "#checker a.button[href*='/sign-up/']")
    expect(page).to_have_url(re.compile(rf"/drives/{drive.code}/sign-up/$"))
    _clean(page, "sign-up form")
    _type_into(page, "input[name=name]", "Anna Smirnova")
    _type_into(page, "input[name=email]", "anna@example.org")
    _type_into(page, "input[name=phone]", "+7 912 000-11-22")
    _tab(page, "input[name=consent]")
    page.keyboard.press("Space")
    _press(page, "form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/drives/{drive.code}/signed-up/$"))
    _clean(page, "signed up")
    signup = DriveSignup.objects.get(drive=drive)
    assert signup.status == "signed_up" and signup.language == lang

    # 6. On the day the organiser checks her in on the phone.
    page = organiser.open(f"/{lang}/organisers/drives/{drive.code}/check-in/")
    _clean(page, "check-in")
    _type_into(page, "#checkin-q", "Smirn")
    row = page.locator(f"#signup-{signup.pk}")
    expect(row).to_be_visible()
    _press(page, f"#signup-{signup.pk} button[value=in]")
    expect(page.locator(f"#signup-{signup.pk} button[value=undo]")).to_be_visible()
    expect(page.locator("#checkin-counter .figure")).to_have_text("1")
    assert DriveSignup.objects.get(pk=signup.pk).status == "checked_in"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _clean(page, "checked in")
    for site in (proposer, staff, organiser, volunteer):
        site.context.close()
        assert site.foreign_requests() == [], "a request left the site's origin"
