"""Staff's view of the outbox with both channels: counts for the last day and week by channel
and status (with the SMS cost in parts), failures first; numbers that stopped SMS; replies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import OutboxEmail, SmsOptOut
from tests.factories import login_verified, staff_member

pytestmark = pytest.mark.django_db


def _row(**fields) -> OutboxEmail:
    values = {"kind": "appointment-reminder", "to": "anna@example.org", "language": "en"}
    return OutboxEmail.objects.create(**{**values, **fields})


@pytest.fixture
def staff_client() -> Client:
    """Staff who look after the messages: the outbox (with its retry) and the SMS lists."""
    user = staff_member(
        "recruitment.view_outboxemail",
        "recruitment.change_outboxemail",
        "recruitment.view_smsoptout",
        "recruitment.add_smsoptout",
        "recruitment.view_smsreply",
        username="messages",
    )
    client = Client()
    login_verified(client, user)
    return client


def test_the_outbox_shows_counts_by_channel_and_failures_first(staff_client: Client) -> None:
    now = timezone.now()
    _row(status="sent", channel="email")
    _row(status="sent", channel="sms", to="+79123456789", segments=3)
    _row(status="failed", channel="sms", to="+79123456780", last_error="SmsError: code 202")
    old = _row(status="sent", channel="sms", to="+79123456781", segments=2)
    OutboxEmail.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=3))
    page = staff_client.get("/en/admin/recruitment/outboxemail/").content.decode()
    start = page.index('class="outbox-counts"')
    table = page[start : page.index("</table>", start)]
    cells = [
        [cell.split(">", 1)[1] for cell in row.split("</td>")[:-1]]
        for row in table.split("<tr>")[2:]
    ]
    # period, channel, queued, sending, sent, failed, no longer needed, SMS parts
    assert ["last 24 hours", "email", "0", "0", "1", "0", "0", "—"] in cells
    assert ["last 24 hours", "SMS", "0", "0", "1", "1", "0", "3"] in cells
    assert ["last 7 days", "SMS", "0", "0", "2", "1", "0", "5"] in cells
    listing = page[page.index('id="result_list"') :]
    assert listing.index("+79123456780") < listing.index("+79123456789")  # the failure first
    assert "code 202" in listing


def test_the_retry_action_queues_failed_sms_again(staff_client: Client) -> None:
    failed = _row(status="failed", channel="sms", to="+79123456780", attempts=8)
    response = staff_client.post(
        "/en/admin/recruitment/outboxemail/",
        {"action": "retry", "_selected_action": [failed.pk]},
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "queued" and failed.attempts == 0


def test_staff_stop_sms_to_a_number_as_the_caller_says_it(staff_client: Client) -> None:
    response = staff_client.post(
        "/en/admin/recruitment/smsoptout/add/", {"phone": "8 (912) 345-67-89", "reason": "asked"}
    )
    assert response.status_code == 302
    assert SmsOptOut.objects.get().phone == "+79123456789"
    bad = staff_client.post("/en/admin/recruitment/smsoptout/add/", {"phone": "12", "reason": ""})
    assert "real phone number" in bad.content.decode() and SmsOptOut.objects.count() == 1
