"""The outbox in the admin: staff read what was sent, never a link that still opens anything,
and send failed emails again through the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import OutboxEmail
from recruitment.services.outbox import outbox_enqueue
from tests.factories import (
    appointment,
    link_in,
    login_verified,
    send_outbox,
    staff_member,
    typing_site,
)
from tests.factories import slot as make_slot
from tests.mail import SmtpServer

pytestmark = pytest.mark.django_db

LIST = "/en/admin/recruitment/outboxemail/"


def signed_in(*permissions: str) -> Client:
    return login_verified(Client(), staff_member(*permissions))


def test_staff_read_a_sent_email_without_the_link_that_still_works(smtp: SmtpServer) -> None:
    booked = appointment(make_slot(typing_site(), timezone.now() + dt.timedelta(days=1)))
    outbox_enqueue(
        kind="booking-confirmed",
        to=booked.email,
        language="en",
        appointment=booked,
        link=OutboxEmail.Link.MANAGE,
    )
    send_outbox()
    token = link_in(smtp.inbox.to(booked.email)[0], "booking")
    assert Client().get(f"/en/booking/{token}/").status_code == 200  # the person's link works
    email = OutboxEmail.objects.get()
    client = signed_in("recruitment.view_outboxemail")
    listing = client.get(LIST)
    detail = client.get(f"{LIST}{email.pk}/change/")
    assert listing.status_code == detail.status_code == 200
    assert booked.email in listing.content.decode()
    page = detail.content.decode()
    assert email.subject and email.subject in page
    assert "/en/booking/…/" in page
    assert token not in page and token not in listing.content.decode()
    assert token not in email.body_text


def test_the_outbox_change_form_saves_nothing() -> None:
    email = OutboxEmail.objects.create(kind="x", to="a@example.org", language="en")
    client = signed_in("recruitment.change_outboxemail")
    assert 'name="_save"' not in client.get(f"{LIST}{email.pk}/change/").content.decode()
    response = client.post(f"{LIST}{email.pk}/change/", {"status": "sent"})
    assert response.status_code == 403
    assert OutboxEmail.objects.get(pk=email.pk).status == "queued"


def test_staff_send_a_failed_email_again() -> None:
    email = OutboxEmail.objects.create(
        kind="x",
        to="a@example.org",
        language="en",
        status="failed",
        last_error="550 no such user",
    )
    signed_in("recruitment.change_outboxemail").post(
        LIST, {"action": "retry", "_selected_action": [email.pk]}
    )
    email.refresh_from_db()
    assert email.status == "queued" and email.attempts == 0
