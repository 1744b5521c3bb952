"""After a drive: everyone checked in is thanked, everyone who did not come gets a kind note
with a way back, both on the next morning, in their language."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import OutboxEmail
from recruitment.services.drive_desk import checkin, drive_finish
from recruitment.services.eligibility import PROOF_COOKIE
from tests.factories import drive, drive_signup, organiser, send_outbox
from tests.mail import SmtpServer

pytestmark = pytest.mark.django_db


def test_a_finished_drive_thanks_who_came_and_misses_who_did_not(
    time_machine, smtp: SmtpServer, client: Client
) -> None:
    lab = drive(days=2)
    came = drive_signup(lab, 1, language="ru")
    away = drive_signup(lab, 2, language="en")
    send_outbox()  # the confirmations
    smtp.inbox.messages.clear()
    time_machine.move_to(lab.starts_at + dt.timedelta(hours=1), tick=False)
    desk = organiser(lab)
    assert checkin(drive=lab, signup_id=came.pk, key=uuid.uuid4(), by=desk, now=timezone.now())
    time_machine.move_to(lab.ends_at + dt.timedelta(hours=1), tick=False)
    assert drive_finish(drive_id=lab.pk, now=timezone.now()) == 1
    send_outbox()  # nothing before the next morning (16:00 + 1 h, Moscow)
    assert [m["Subject"] for m in smtp.inbox.messages if "reminder" not in m["Subject"]] == []
    next_morning = dt.datetime.combine(
        lab.day + dt.timedelta(days=1), dt.time(10, 0, 30), tzinfo=lab.zone
    )
    time_machine.move_to(next_morning, tick=False)
    send_outbox()
    (thanks,) = smtp.inbox.to(came.email)
    assert thanks["Subject"].strip().startswith("Спасибо")
    (missed,) = smtp.inbox.to(away.email)
    body = missed.get_body(("plain",)).get_content()
    assert "Donor day at the university" in body
    link = next(line for line in body.splitlines() if "/book-again/" in line).strip()
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    assert response.status_code == 302 and "/en/" in response["Location"]
    assert PROOF_COOKIE in response.cookies
    kinds = OutboxEmail.objects.filter(kind__startswith="visit-").values_list("kind", "status")
    assert sorted(kinds) == [("visit-missed", "sent"), ("visit-thanks", "sent")]
