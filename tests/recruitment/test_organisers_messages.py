"""An organiser's message to everyone signed up, and a cancelled drive's notices: delivered to
a real SMTP server, each person once, in their own language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from recruitment.models import Drive, DriveMessage, DriveSignup, OutboxEmail
from tests.factories import drive, drive_signup, organiser, send_outbox

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def crowd() -> dict[str, Any]:
    lab = drive("CROWD1", capacity=3)
    people = [
        drive_signup(lab, 1, language="ru"),
        drive_signup(lab, 2, language="en"),
        drive_signup(lab, 3, language="en"),
    ]
    # The sign-up confirmations went out when they signed up; only what follows is counted.
    OutboxEmail.objects.update(status=OutboxEmail.Status.SENT)
    return {"drive": lab, "people": people, "client": signed_in(organiser(lab))}


def body(message: Any, kind: str = "plain") -> str:
    return str(message.get_body(preferencelist=(kind,)).get_content()).replace("\r\n", "\n")


def test_a_message_reaches_each_person_once_in_their_language(
    crowd: dict[str, Any], smtp: Any
) -> None:
    DriveSignup.objects.filter(pk=crowd["people"][2].pk).update(status="checked_in")
    note = "The room is now 204 <b>upstairs</b>.\nBring a passport."
    response = crowd["client"].post("/en/organisers/drives/CROWD1/message/", {"text": note})
    assert response.status_code == 302
    page = crowd["client"].get(response["Location"]).text
    assert "Your message is on its way to 3 people." in page
    assert "The room is now 204 &lt;b&gt;upstairs&lt;/b&gt;." in page  # in the log, escaped
    send_outbox()
    send_outbox()  # a second sweep sends nothing again
    assert len(smtp.inbox.messages) == 3
    ru = smtp.inbox.to("s1@example.org")
    en = smtp.inbox.to("s2@example.org")
    assert len(ru) == len(en) == 1
    assert "День донора в университете" in ru[0]["Subject"]
    assert "Donor day at the university" in en[0]["Subject"]
    assert note in body(en[0])  # verbatim in the plain text
    assert "204 &lt;b&gt;upstairs&lt;/b&gt;" in body(en[0], "html")  # escaped in the HTML
    assert "/en/drive-signup/" in body(en[0])  # their manage link
    checked_in = smtp.inbox.to("s3@example.org")
    assert len(checked_in) == 1 and "drive-signup/" not in body(checked_in[0])


def test_the_fourth_message_in_a_day_is_refused_kindly(crowd: dict[str, Any]) -> None:
    url = "/en/organisers/drives/CROWD1/message/"
    for number in range(3):
        assert crowd["client"].post(url, {"text": f"News {number}"}).status_code == 302
    refused = crowd["client"].post(url, {"text": "One more"})
    assert refused.status_code == 429
    assert "three messages in the last 24 hours" in refused.text
    assert DriveMessage.objects.count() == 3
    assert OutboxEmail.objects.filter(kind="drive-message").count() == 9


def test_an_empty_or_long_message_is_sent_back_to_fix(crowd: dict[str, Any]) -> None:
    url = "/en/organisers/drives/CROWD1/message/"
    empty = crowd["client"].post(url, {"text": "   "})
    assert empty.status_code == 400 and "Please write the message." in empty.text
    long = crowd["client"].post(url, {"text": "x" * 601})
    assert long.status_code == 400 and "600 characters" in long.text
    assert not DriveMessage.objects.exists()


def test_cancelling_twice_tells_each_person_once_in_their_language(
    crowd: dict[str, Any], smtp: Any
) -> None:
    client = crowd["client"]
    confirm = client.get("/en/organisers/drives/CROWD1/cancel/")
    assert "3 people signed up or waiting will each get an email" in confirm.text
    assert client.post("/en/organisers/drives/CROWD1/cancel/").status_code == 302  # no confirm
    assert Drive.objects.get(pk=crowd["drive"].pk).status == "published"
    first = client.post("/en/organisers/drives/CROWD1/cancel/", {"confirm": "yes"})
    second = client.post("/en/organisers/drives/CROWD1/cancel/", {"confirm": "yes"})
    assert "3 people signed up or waiting are being told" in client.get(first["Location"]).text
    assert second.status_code == 302
    send_outbox()
    assert sorted(m["To"] for m in smtp.inbox.messages) == [
        "s1@example.org",
        "s2@example.org",
        "s3@example.org",
    ]
    assert "День донора в университете" in smtp.inbox.to("s1@example.org")[0]["Subject"]
    assert "The drive is cancelled: Donor day" in smtp.inbox.to("s2@example.org")[0]["Subject"]
    assert Drive.objects.get(pk=crowd["drive"].pk).status == "cancelled"
    assert "Cancel the drive" not in client.get("/en/organisers/drives/CROWD1/").text
