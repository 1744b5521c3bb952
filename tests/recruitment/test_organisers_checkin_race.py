"""Two organisers at the desk tap the same person at the same moment (each page with its own
key): the person is checked in once and the counter says one arrival."""

from __future__ import annotations

import re
import threading
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from recruitment.models import CheckinAction, DriveSignup
from tests.factories import drive, drive_signup, organiser, reseed

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_organisers_tapping_the_same_person_count_one_arrival() -> None:
    reseed()
    lab = drive("RACE01")
    person = drive_signup(lab, 1)
    desks = [organiser(lab), organiser(lab, username="second@example.org")]
    clients = []
    for user in desks:
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    answers: list[Any] = [None] * len(clients)

    def tap(i: int) -> None:
        try:
            barrier.wait()
            answers[i] = clients[i].post(
                f"/en/organisers/drives/RACE01/check-in/{person.pk}/",
                {"key": str(uuid.uuid4()), "action": "in"},
                headers={"HX-Request": "true"},
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for answer in answers:
        assert answer.status_code == 200
        assert "Checked in at" in answer.text and "problem" not in answer.text
        counted = re.search(
            r'id="checkin-counter"[^>]*><span class="figure">(\d+)</span>', answer.text
        )
        assert counted is not None and counted.group(1) == "1"
    person.refresh_from_db()
    assert person.status == "checked_in"
    assert DriveSignup.objects.filter(drive=lab, status="checked_in").count() == 1
    # Whoever came second found the person already in: their tap is recorded, not repeated.
    first = CheckinAction.objects.filter(signup=person).order_by("at", "pk").first()
    assert first is not None and person.checked_in_by_id == first.by_id
