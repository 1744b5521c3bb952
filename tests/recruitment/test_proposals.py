"""Offering to host a drive: the form, its errors and limits, and the email that says it came."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import DriveProposal, OutboxEmail
from tests.factories import send_outbox, typing_site
from tests.mail import SmtpServer

pytestmark = pytest.mark.django_db

FORM = "/en/host-a-drive/"


def proposal(**changes: Any) -> dict[str, Any]:
    """What a student union's organiser types into the form."""
    return {
        "name": "Irina Sokolova",
        "organisation": "Student union of the Polytechnic",
        "email": "irina@example.org",
        "phone": "+7 912 345-67-89",
        "kind": "venue",
        "proposed_on": f"{timezone.localdate() + dt.timedelta(days=30):%Y-%m-%d}",
        "place": "Main building, ground-floor hall",
        "city": "Moscow",
        "expected_people": "60",
        "partner": "",
        "message": "We have a hall and ten volunteers.",
        "language": "en",
        "consent": "on",
        **changes,
    }


def test_the_page_explains_who_can_organise_and_offers_the_active_partners(client) -> None:
    lab = typing_site(slug="polyanka", name_en="Polyanka Lab")
    typing_site(slug="closed-lab", name_en="Closed Lab", active=False)
    page = client.get(FORM).content.decode()
    assert "student union" in page and "partner lab" in page
    assert f'value="{lab.pk}"' in page and "Polyanka Lab" in page
    assert "Closed Lab" not in page
    assert "Not sure yet" in page
    assert "Consent to the processing of personal data (version" in page
    assert client.get("/ru/host-a-drive/").status_code == 200


def test_a_proposal_is_kept_and_the_proposer_is_emailed_in_the_language_they_chose(
    client, smtp: SmtpServer
) -> None:
    lab = typing_site()
    day = timezone.localdate() + dt.timedelta(days=30)
    response = client.post(FORM, proposal(language="ru", partner=str(lab.pk)))
    assert response.status_code == 302 and response["Location"] == "/en/host-a-drive/thanks/"
    thanks = client.get(response["Location"]).content.decode()
    assert "irina@example.org" in thanks and "within a few working days" in thanks
    saved = DriveProposal.objects.get()
    assert (saved.status, saved.kind, saved.language, saved.proposed_on) == (
        "pending",
        "venue",
        "ru",
        day,
    )
    assert saved.partner == lab and saved.phone == "+79123456789"
    assert saved.expected_people == 60 and saved.city == "Moscow"
    # The proof of consent: which text was accepted, and when.
    assert saved.consent is not None and saved.consent.version >= 1
    assert saved.consented_at is not None
    send_outbox()
    [email] = smtp.inbox.to("irina@example.org")
    body = email.get_body(preferencelist=("plain",)).get_content()
    months_ru = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа"]
    months_ru += ["сентября", "октября", "ноября", "декабря"]
    assert f"{day.day} {months_ru[day.month - 1]} {day.year}" in body  # a Russian date
    assert "Student union of the Polytechnic" in body and "60" in body


def test_the_same_proposal_sent_twice_is_kept_once_and_answered_once(
    client, smtp: SmtpServer
) -> None:
    first = client.post(FORM, proposal())
    second = client.post(FORM, proposal())
    assert first.status_code == second.status_code == 302
    assert DriveProposal.objects.count() == 1
    page = client.get("/en/host-a-drive/thanks/").content.decode()
    assert client.get("/en/host-a-drive/thanks/").content.decode() == page
    send_outbox()
    assert len(smtp.inbox.to("irina@example.org")) == 1


def test_an_online_appeal_needs_no_date_or_place_and_keeps_none(client) -> None:
    data = proposal(kind="appeal", place="", city="", proposed_on="2020-01-01")
    data["proposed_on"] = ""
    assert client.post(FORM, data).status_code == 302
    saved = DriveProposal.objects.get()
    assert saved.kind == "appeal" and saved.proposed_on is None


def test_missing_and_wrong_answers_are_named_and_nothing_is_kept(client) -> None:
    response = client.post(FORM, {"kind": "venue", "expected_people": "many"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    for message in (
        "Please enter your name.",
        "Please enter your email address.",
        "Please enter your phone number.",
        "Please enter a whole number, for example 40.",
        "Please choose a date for the drive.",
        "Please tell us where the drive would be.",
        "Please enter the city.",
        "Please give your consent so that we can reply to your proposal.",
    ):
        assert message in page, message
    assert 'href="#id_name"' in page  # the summary leads to the field
    yesterday = f"{timezone.localdate() - dt.timedelta(days=1):%Y-%m-%d}"
    past = client.post(FORM, proposal(proposed_on=yesterday, phone="12")).content.decode()
    assert "The date has to be in the future." in past
    assert "This does not look like a real phone number." in past
    assert 'value="Irina Sokolova"' in past  # what was typed stays
    assert DriveProposal.objects.count() == 0
    assert not OutboxEmail.objects.exists()


def test_the_russian_page_names_the_errors_in_russian(client) -> None:
    page = client.post("/ru/host-a-drive/", {"kind": "appeal"}).content.decode()
    assert "Ваши имя и фамилия" in page
    assert "Пожалуйста, укажите ваше имя." in page
    assert "Пожалуйста, укажите адрес электронной почты." in page


def test_a_bot_filling_the_hidden_field_sees_the_thanks_page_and_nothing_is_kept(client) -> None:
    response = client.post(FORM, proposal(website="http://spam.example"))
    assert response.status_code == 302
    assert DriveProposal.objects.count() == 0
    assert not OutboxEmail.objects.exists()


def test_proposals_are_rate_limited_per_client_and_per_email(settings) -> None:
    settings.RATELIMIT_BOOKING = "3/m"
    client = Client(REMOTE_ADDR="10.0.0.7")
    statuses = [client.post(FORM, proposal(phone="bad")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "try again in 1 minute" in client.post(FORM, proposal()).content.decode()
    settings.RATELIMIT_BOOKING = "100/m"
    settings.RATELIMIT_BOOKING_EMAIL = "2/h"
    other = Client(REMOTE_ADDR="10.0.0.8")
    # Junk posts with someone's address never lock that person out…
    junk = [other.post(FORM, proposal(email="x@example.org", phone="bad")) for _ in range(4)]
    assert [r.status_code for r in junk] == [200] * 4
    # …while well-formed ones for one address are counted, and the page says how long.
    codes = [other.post(FORM, proposal(email="x@example.org", city=f"C{i}")) for i in range(3)]
    assert [c.status_code for c in codes] == [302, 302, 429]
    assert codes[2]["Retry-After"] == "3600"
    assert "try again in 60 minutes" in codes[2].content.decode()
    assert DriveProposal.objects.count() == 2


def test_the_form_needs_its_csrf_token_and_the_thanks_page_takes_no_post() -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(FORM, proposal()).status_code == 403
    assert DriveProposal.objects.count() == 0
    assert Client().put(FORM).status_code == 405
    assert Client().post("/en/host-a-drive/thanks/").status_code == 405
