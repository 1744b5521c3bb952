"""Drives in the admin, as a site coordinator uses them: deciding proposals, publishing, sending
back or cancelling drives through the services, stopping an organiser, and the month's view of
sign-ups against targets."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from recruitment.models import Drive, DriveOrganiser, DriveProposal, DriveSignup
from recruitment.services.organisers import organiser_invite
from tests.factories import (
    coordinator,
    drive,
    drive_signup,
    emails_now,
    login_verified,
    organiser,
    send_outbox,
    staff_member,
    typing_site,
)
from tests.mail import SmtpServer

pytestmark = pytest.mark.django_db

PROPOSALS = "/en/admin/recruitment/driveproposal/"
DRIVES = "/en/admin/recruitment/drive/"
ORGANISERS = "/en/admin/recruitment/driveorganiser/"
MONTH = "/en/admin/recruitment/drive/this-month/"
SIGN_IN = "/en/organisers/sign-in/"


@pytest.fixture
def staff() -> Client:
    """A site coordinator with only the group's permissions (migration 0013 for drives)."""
    return login_verified(Client(), coordinator())


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def act(client: Client, url: str, action: str, *rows, **extra):
    data = {"action": action, "_selected_action": [row.pk for row in rows], **extra}
    return client.post(url, data, follow=True)


def proposed(**fields) -> DriveProposal:
    values = {
        "name": "Irina Sokolova",
        "organisation": "Student union",
        "email": "Irina@Example.org",
        "phone": "+79123456789",
        "language": "en",
        "kind": "venue",
        "proposed_on": timezone.localdate() + dt.timedelta(days=30),
        "place": "Main hall",
        "city": "Moscow",
        "expected_people": 60,
        "partner": typing_site(slug="proposal-lab"),
        **fields,
    }
    return DriveProposal.objects.create(**values)


def password_link(message) -> str:
    """The set-password path in an email's plain text."""
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://[^/\s]+(/(?:ru|en)/organisers/password/[\w-]+/[\w-]+/)", body)
    assert found, body
    return found.group(1)


def test_approving_makes_an_organiser_without_a_password_a_draft_and_a_welcome_email(
    staff, smtp: SmtpServer
) -> None:
    proposal = proposed()
    response = act(staff, PROPOSALS, "approve", proposal)
    assert messages_of(response) == [
        "1 proposal approved: its organiser has an email to set up their account, and a "
        "draft drive to fill in."
    ]
    proposal.refresh_from_db()
    assert proposal.status == "approved" and proposal.decided_by is not None
    user = get_user_model().objects.get(username="irina@example.org")
    assert list(user.groups.values_list("name", flat=True)) == ["organisers"]
    assert not user.has_usable_password() and not user.is_staff
    draft = proposal.drive
    assert draft is not None and draft.status == "draft" and draft.title == "Student union"
    assert DriveOrganiser.objects.filter(drive=draft, user=user, active=True).exists()
    send_outbox()
    [welcome] = smtp.inbox.to("irina@example.org")
    assert "approved" in welcome["Subject"]
    assert draft.code in welcome.get_body(preferencelist=("plain",)).get_content()
    link = password_link(welcome)
    page = Client().get(link, follow=True)
    assert page.status_code == 200
    assert 'type="password"' in page.content.decode()  # the page to choose a password opens


def test_an_organiser_with_a_password_is_sent_to_sign_in_instead(staff, smtp: SmtpServer) -> None:
    person = organiser(drive("OLDD43"))
    proposal = proposed(email="Organiser@example.org")
    act(staff, PROPOSALS, "approve", proposal)
    assert DriveOrganiser.objects.filter(user=person).count() == 2
    person.refresh_from_db()
    assert person.check_password("organiser-pass-2026")  # their password is left alone
    send_outbox()
    [welcome] = smtp.inbox.to("organiser@example.org")
    body = welcome.get_body(preferencelist=("plain",)).get_content()
    assert "/en/organisers/sign-in/" in body and "/organisers/password/" not in body
    assert Client().get("/en/organisers/sign-in/").status_code == 200


def test_an_invited_co_organiser_learns_who_invited_them_and_how_to_begin(
    smtp: SmtpServer,
) -> None:
    lab = drive(language="en")
    inviter = organiser(lab, name="Olga Petrova")
    organiser_invite(drive=lab, email="co@example.org", name="Pavel", language="en", by=inviter)
    send_outbox()
    [invited] = smtp.inbox.to("co@example.org")
    assert "Donor day at the university" in invited["Subject"]
    body = invited.get_body(preferencelist=("plain",)).get_content()
    assert "Olga Petrova has invited you to co-organise" in body
    assert Client().get(password_link(invited), follow=True).status_code == 200


def test_approving_twice_makes_nothing_more(staff, smtp: SmtpServer) -> None:
    proposal = proposed()
    act(staff, PROPOSALS, "approve", proposal)
    again = act(staff, PROPOSALS, "approve", proposal)
    assert messages_of(again) == [
        "0 proposals approved: their organisers have an email to set up their accounts, and a "
        "draft drive each to fill in.",
        "1 proposal was already decided and was left as it was.",
    ]
    assert Drive.objects.count() == 1
    assert get_user_model().objects.filter(username="irina@example.org").count() == 1
    send_outbox()
    assert len(smtp.inbox.to("irina@example.org")) == 1


def test_declining_asks_first_then_sends_the_reason_kindly(staff, smtp: SmtpServer) -> None:
    proposal = proposed()
    ask = staff.post(PROPOSALS, {"action": "decline", "_selected_action": [proposal.pk]})
    page = ask.content.decode()
    assert ask.status_code == 200 and "Irina Sokolova" in page and 'name="reason"' in page
    assert DriveProposal.objects.get(pk=proposal.pk).status == "pending"  # nothing yet
    reason = "The partner lab has no team free that week; could you pick a day in October?"
    response = act(staff, PROPOSALS, "decline", proposal, confirmed="yes", reason=reason)
    assert messages_of(response) == ["1 proposal declined; the proposer has been told."]
    assert DriveProposal.objects.get(pk=proposal.pk).status == "declined"
    assert not Drive.objects.exists() and not get_user_model().objects.filter(is_staff=False)
    send_outbox()
    [declined] = smtp.inbox.to("Irina@Example.org")
    body = declined.get_body(preferencelist=("plain",)).get_content()
    assert reason in body and "You can propose another date or place" in body


def test_publishing_a_submitted_drive_tells_its_organisers_where_it_lives(
    staff, smtp: SmtpServer
) -> None:
    submitted = drive("SUBM47", status="submitted", language="en")
    organiser(submitted)
    draft = drive("DRAF74", status="draft")
    response = act(staff, DRIVES, "publish", submitted, draft)
    assert messages_of(response) == [
        "1 drive published; its organisers have been told.",
        "1 drive was not published: only a drive its organisers submitted, with all its "
        "details filled in, can be.",
    ]
    assert Drive.objects.get(pk=submitted.pk).status == "published"
    assert Drive.objects.get(pk=draft.pk).status == "draft"
    send_outbox()
    [live] = smtp.inbox.to("organiser@example.org")
    body = live.get_body(preferencelist=("plain",)).get_content()
    assert "/en/drives/SUBM47/" in body and "/en/drives/SUBM47/poster/" in body
    assert Client().get("/en/drives/SUBM47/").status_code == 200  # the link opens


def test_sending_back_makes_a_submitted_drive_a_draft_again(staff) -> None:
    submitted = drive("SUBM47", status="submitted")
    published = drive("PUBL46")
    response = act(staff, DRIVES, "send_back", submitted, published)
    assert messages_of(response) == [
        "1 drive sent back to its organisers as a draft.",
        "1 drive was not waiting for approval and was left as it was.",
    ]
    assert Drive.objects.get(pk=submitted.pk).status == "draft"
    assert Drive.objects.get(pk=published.pk).status == "published"


def test_cancelling_asks_first_then_tells_everyone_signed_up(staff, smtp: SmtpServer) -> None:
    lab = drive()
    drive_signup(lab, 1)
    drive_signup(lab, 2)
    send_outbox()  # their confirmations
    ask = staff.post(DRIVES, {"action": "cancel", "_selected_action": [lab.pk]})
    assert "2 people signed up or waiting" in ask.content.decode()
    assert Drive.objects.get(pk=lab.pk).status == "published"
    response = act(staff, DRIVES, "cancel", lab, confirmed="yes")
    assert messages_of(response) == ["1 drive cancelled. 2 people are being told."]
    lab.refresh_from_db()
    assert lab.status == "cancelled" and lab.signed_up == 0
    assert set(DriveSignup.objects.values_list("status", flat=True)) == {"cancelled"}
    send_outbox()
    for address in ("s1@example.org", "s2@example.org"):
        assert len(smtp.inbox.to(address)) == 2  # the confirmation, then the cancellation


def test_the_change_form_edits_details_but_never_the_status_or_the_places_taken(staff) -> None:
    lab = drive(capacity=5)
    page = staff.get(f"{DRIVES}{lab.pk}/change/").content.decode()
    assert 'name="signed_up"' not in page and 'name="status"' not in page
    assert "TEST42" in page
    form = {
        "kind": "venue",
        "visibility": "listed",
        "language": "ru",
        "partner": lab.partner_id,
        "time_zone": "Europe/Moscow",
        "starts_at_0": f"{lab.starts_at.astimezone(lab.zone):%Y-%m-%d}",
        "starts_at_1": "10:00:00",
        "ends_at_0": f"{lab.ends_at.astimezone(lab.zone):%Y-%m-%d}",
        "ends_at_1": "16:00:00",
        "capacity": "5",
        "target": "9",
        "title_ru": lab.title_ru,
        "title_en": lab.title_en,
        "description_ru": lab.description_ru,
        "description_en": lab.description_en,
        "venue_ru": lab.venue_ru,
        "venue_en": lab.venue_en,
        "city_ru": lab.city_ru,
        "city_en": lab.city_en,
        "windows-TOTAL_FORMS": "0",
        "windows-INITIAL_FORMS": "0",
        "organisers-TOTAL_FORMS": "0",
        "organisers-INITIAL_FORMS": "0",
        "signed_up": "0",  # a forged post: neither is a field of the form
        "status": "cancelled",
    }
    drive_signup(lab, 1)
    response = staff.post(f"{DRIVES}{lab.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    lab.refresh_from_db()
    assert (lab.target, lab.signed_up, lab.status) == (9, 1, "published")
    form["capacity"] = "0"
    refused = staff.post(f"{DRIVES}{lab.pk}/change/", form).content.decode()
    assert "1 people have signed up" in refused
    assert Drive.objects.get(pk=lab.pk).capacity == 5


def test_deactivating_an_organiser_stops_their_account_and_every_role(staff) -> None:
    first, second = drive("FIRS73"), drive("SECN74")
    person = organiser(first)
    DriveOrganiser.objects.create(drive=second, user=person)
    role = DriveOrganiser.objects.get(drive=first, user=person)
    before = Client()
    before.post(SIGN_IN, {"username": person.email, "password": "organiser-pass-2026"})
    assert before.session.get("_auth_user_id") == str(person.pk)  # the account worked
    response = act(staff, ORGANISERS, "deactivate", role)
    assert messages_of(response)[0].startswith("1 organiser's account deactivated")
    person.refresh_from_db()
    assert not person.is_active
    assert not DriveOrganiser.objects.filter(user=person, active=True).exists()
    after = Client()
    after.post(SIGN_IN, {"username": person.email, "password": "organiser-pass-2026"})
    assert "_auth_user_id" not in after.session
    assert not Drive.objects.of_organiser(person).exists()


def test_the_month_lists_its_drives_against_their_targets_and_moves_between_months(
    staff, time_machine
) -> None:
    time_machine.move_to(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False)
    march = drive("MARC43", days=5, capacity=50, target=40)  # 15 March
    for i in range(1, 11):
        drive_signup(march, i)
    april = drive("APRL44", days=30, target=0)  # 9 April, no target
    drive("VLAD47", days=21, time_zone="Asia/Vladivostok", target=10)  # 31 March there
    # 8:00 on 1 April in Vladivostok is still 31 March in UTC: it is an April drive.
    vladivostok = zoneinfo.ZoneInfo("Asia/Vladivostok")
    drive(
        "EDGE33",
        time_zone="Asia/Vladivostok",
        starts_at=dt.datetime(2026, 4, 1, 8, tzinfo=vladivostok),
        ends_at=dt.datetime(2026, 4, 1, 12, tzinfo=vladivostok),
    )
    page = staff.get(MONTH).content.decode()
    assert "Drives in March 2026" in page
    assert "MARC43" in page and "VLAD47" in page
    assert "APRL44" not in page and "EDGE33" not in page
    assert "25%" in page  # 10 of 40
    assert "0%" in page  # none of 10
    assert "10 sign-ups against a target of 50" in page
    assert 'href="?month=2026-02"' in page and 'href="?month=2026-04"' in page
    next_month = staff.get(f"{MONTH}?month=2026-04").content.decode()
    assert "Drives in April 2026" in next_month
    assert april.code in next_month and "EDGE33" in next_month and "MARC43" not in next_month
    assert "no target set" in next_month
    assert "No drives take place" in staff.get(f"{MONTH}?month=2026-07").content.decode()
    assert "this-month/" in staff.get(DRIVES).content.decode()  # linked from the list


def test_the_month_and_the_lists_are_for_staff_who_may_see_drives_only() -> None:
    assert Client().get(MONTH).status_code == 302  # to the admin's sign-in
    password_only = Client()
    password_only.force_login(coordinator(username="no-code"))  # skipped the second factor
    assert password_only.get(MONTH).status_code == 302
    assert password_only.get(PROPOSALS).status_code == 302
    nobody = login_verified(Client(), staff_member(username="no-drives"))
    assert nobody.get(MONTH).status_code == 403
    assert nobody.get(DRIVES).status_code == 403


def test_the_admin_lists_speak_russian_on_the_russian_admin(staff) -> None:
    lab = drive()
    drive_signup(lab, 1)
    proposed()
    drives = staff.get("/ru/admin/recruitment/drive/").content.decode()
    assert "одобрена и опубликована" in drives  # the status, in Russian
    assert "Москва" in drives
    assert "День донора в университете" in drives
    signups = staff.get("/ru/admin/recruitment/drivesignup/").content.decode()
    assert "записи на акции" in signups.lower()
    proposals = staff.get("/ru/admin/recruitment/driveproposal/").content.decode()
    assert "предложения акций" in proposals.lower()


def test_records_of_a_drive_are_read_only(staff) -> None:
    lab = drive()
    signup = drive_signup(lab, 1)
    for model in ("drivesignup", "checkinaction", "driveexport", "drivemessage", "sample"):
        assert staff.get(f"/en/admin/recruitment/{model}/").status_code == 200, model
        assert staff.get(f"/en/admin/recruitment/{model}/add/").status_code == 403, model
    page = staff.get(f"/en/admin/recruitment/drivesignup/{signup.pk}/change/").content.decode()
    assert "Signed Up 1" in page and 'name="_save"' not in page
    response = staff.post(f"/en/admin/recruitment/drivesignup/{signup.pk}/change/", {})
    assert response.status_code == 403
    deleted = staff.post(f"/en/admin/recruitment/drivesignup/{signup.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert DriveSignup.objects.filter(pk=signup.pk).exists()
    assert emails_now().filter(drive_signup=signup).count() == 1
