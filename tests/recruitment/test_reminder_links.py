"""The links that reminders carry: stop reminders (the page's button and a mail app's one-click
unsubscribe), book again after a missed appointment, the short link of an SMS, and "Yes, I'm
coming" on the manage pages."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone, translation

from recruitment.models import (
    Appointment,
    Condition,
    DriveSignup,
    LinkToken,
    OutboxEmail,
    RulesVersion,
)
from recruitment.services.appointments import (
    appointment_cancel,
    appointment_reschedule,
)
from recruitment.services.drives import signup_cancel
from recruitment.services.eligibility import PROOF_COOKIE, rules_publish
from recruitment.services.messages import again_url, outbox_render, sms_render, stop_url
from recruitment.services.reminders import appointment_reminders_plan
from recruitment.signed_links import AGAIN_SALT, STOP_SALT, sign_booking
from tests.factories import (
    appointment,
    booked,
    drive,
    drive_signup,
    drive_window,
    manage_token,
    send_outbox,
    typing_site,
)
from tests.factories import slot as make_slot
from tests.mail import SmtpServer

pytestmark = pytest.mark.django_db

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


@pytest.fixture
def now(time_machine) -> dt.datetime:
    """Monday 1 March 2027, 09:00 in Moscow."""
    moment = dt.datetime(2027, 3, 1, 9, 0, tzinfo=MOSCOW)
    time_machine.move_to(moment, tick=False)
    return moment


def _book(slot, language: str = "en", **fields) -> Appointment:
    """Booked as the booking form books: confirmation email and reminders queued."""
    return booked(slot, language=language, **fields)


def _path(url: str) -> str:
    return urlsplit(url).path


def _stop(booked: Appointment | DriveSignup) -> str:
    """The stop link's path as the booking's emails carry it (in its language)."""
    with translation.override(booked.language):
        return _path(stop_url(booked))


def _again(booked: Appointment | DriveSignup) -> str:
    with translation.override(booked.language):
        return _path(again_url(booked))


def _reminder_statuses(**owner) -> list[str]:
    rows = OutboxEmail.objects.filter(kind__endswith="-reminder", **owner).order_by("send_after")
    return [row.status for row in rows]


# --- stop reminders -----------------------------------------------------------------------


def test_the_stop_link_says_what_it_stops_and_opening_it_stops_nothing(now, client) -> None:
    booked = _book(make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)))
    response = client.get(_stop(booked))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1>") == 1
    assert "Thursday, 4 March 2027 at 10:00, Moscow time (UTC+3), at Test Lab" in page
    assert "the confirmation, and any change or cancellation, still reach you" in page.lower()
    assert f'action="{_stop(booked)}"' in page
    assert 'type="submit">Stop reminders</button>' in page
    assert response["Cache-Control"].startswith("max-age=0, no-cache, no-store")
    # A mail scanner that follows the link does not stop anything.
    assert _reminder_statuses(appointment=booked) == ["queued", "queued"]
    booked.refresh_from_db()
    assert booked.reminders_stopped_at is None


def test_the_page_is_in_the_language_of_the_email(now, client) -> None:
    booked = _book(make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)), language="ru")
    path = _stop(booked)
    assert path.startswith("/ru/reminders/stop/")
    page = client.get(path).content.decode()
    assert '<html lang="ru">' in page
    assert "4 марта 2027" in page and "московское время (UTC+3)" in page


def test_pressing_the_button_stops_the_reminders_but_not_what_confirms_or_cancels(
    now, time_machine, client, smtp: SmtpServer
) -> None:
    lab = typing_site()
    starts = now + dt.timedelta(days=3, hours=1)
    booked = _book(make_slot(lab, starts))
    send_outbox()  # the confirmation
    response = client.post(_stop(booked))
    assert response.status_code == 200
    assert "Reminders are stopped" in response.content.decode()
    assert "cancel with the link in your confirmation email" in response.content.decode()
    assert _reminder_statuses(appointment=booked) == ["cancelled", "cancelled"]
    opened_again = client.get(_stop(booked)).content.decode()
    assert "Reminders are stopped" in opened_again and "<form" not in opened_again
    # A move plans the new time's reminders; none of them goes out, the news of the move does.
    later = make_slot(lab, starts + dt.timedelta(days=1))
    appointment_reschedule(appointment_id=booked.pk, new_slot_id=later.pk, now=timezone.now())
    time_machine.move_to(later.starts_at - dt.timedelta(hours=1), tick=False)
    send_outbox()
    subjects = [m["Subject"] for m in smtp.inbox.to("anna@example.org")]
    assert not [s for s in subjects if "eminder" in s], subjects
    assert len(subjects) == 2 and "moved" in subjects[1], subjects
    appointment_cancel(appointment_id=booked.pk, now=timezone.now())
    send_outbox()
    assert "cancelled" in smtp.inbox.to("anna@example.org")[-1]["Subject"]
    # Pressed again (a second tab): the same page, nothing new.
    assert client.post(_stop(booked)).status_code == 200


def test_a_mail_apps_one_click_post_stops_them_without_cookies_or_a_csrf_token(now) -> None:
    """RFC 8058: the mail provider's server posts `List-Unsubscribe=One-Click` to the address
    in the List-Unsubscribe header, with no cookie of ours and no token."""
    booked = _book(make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)))
    mail_app = Client(enforce_csrf_checks=True)
    response = mail_app.post(
        _stop(booked),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert _reminder_statuses(appointment=booked) == ["cancelled", "cancelled"]
    booked.refresh_from_db()
    assert booked.reminders_stopped_at == now
    # The page's own button, from a browser that never loaded the form, works the same.
    assert Client(enforce_csrf_checks=True).post(_stop(booked)).status_code == 200


def test_a_forged_or_altered_stop_link_opens_nothing(now, client, settings) -> None:
    settings.RATELIMIT_ENABLE = False  # more tries than the limit allows a minute
    booked = _book(make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)))
    value = _stop(booked).split("/")[-2]
    altered = value[:-1] + ("A" if value[-1] != "A" else "B")
    other_salt = sign_booking("a", booked.pk, salt=AGAIN_SALT)
    forged = signing.dumps(["a", booked.pk], salt=STOP_SALT, key="not-our-secret-key")
    for bad in (altered, other_salt, forged, "a", "x" * 300):
        assert client.get(f"/en/reminders/stop/{bad}/").status_code == 404, bad
        assert client.post(f"/en/reminders/stop/{bad}/").status_code == 404, bad
    assert _reminder_statuses(appointment=booked) == ["queued", "queued"]
    assert client.get(_stop(booked)).status_code == 200


def test_a_cancelled_or_past_booking_is_told_nothing_more_will_be_sent(now, client) -> None:
    booked = _book(make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)))
    appointment_cancel(appointment_id=booked.pk, now=timezone.now())
    for method in (client.get, client.post):
        response = method(_stop(booked))
        assert response.status_code == 200
        assert "This appointment is over or cancelled" in response.content.decode()


def test_a_drive_sign_up_stops_its_reminders_too(now, client) -> None:
    day = drive(days=5)
    signup = drive_signup(day, 1, window=drive_window(day, 13))
    page = client.get(_stop(signup)).content.decode()
    assert "your place at the drive “Donor day at the university”" in page
    assert "Saturday, 6 March 2027 at 13:00, Moscow time (UTC+3)" in page
    assert "Main building, 1 Universitetskaya St" in page
    assert _reminder_statuses(drive_signup=signup) == ["queued", "queued"]
    assert client.post(_stop(signup)).status_code == 200
    assert _reminder_statuses(drive_signup=signup) == ["cancelled", "cancelled"]
    signup.refresh_from_db()
    assert signup.reminders_stopped_at == now
    signup_cancel(signup_id=signup.pk, now=now)
    over = client.get(_stop(signup)).content.decode()
    assert "This drive sign-up is over or cancelled" in over


def test_too_many_stop_pages_from_one_address_wait_but_one_click_posts_do_not(
    now, client, settings
) -> None:
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_BOOKING = "3/m"
    booked = _book(make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)))
    path = _stop(booked)
    assert [client.get(path).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = client.get(path)
    assert limited["Retry-After"] == "60" and "Please wait a little" in limited.content.decode()
    # A mail provider posts for many people from a few addresses: never refused.
    one_click = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert _reminder_statuses(appointment=booked) == ["cancelled", "cancelled"]


def test_a_reminder_email_carries_the_one_click_headers_and_a_confirmation_does_not(
    now, client
) -> None:
    booked = _book(make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)))
    reminder = OutboxEmail.objects.filter(appointment=booked, kind="appointment-reminder").first()
    assert reminder is not None
    message, _token = outbox_render(reminder, now)
    header = message.message()["List-Unsubscribe"]
    found = re.fullmatch(r"<(http://[^>]+/en/reminders/stop/[^>/]+/)>", header)
    assert found, header
    assert message.message()["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert found.group(1) in message.body  # the same link in the text the person reads
    assert client.get(_path(found.group(1))).status_code == 200
    confirmation = OutboxEmail.objects.get(appointment=booked, kind="booking-confirmed")
    sent, _token = outbox_render(confirmation, now)
    assert sent.message()["List-Unsubscribe"] is None
    assert sent.message()["List-Unsubscribe-Post"] is None
    assert "/reminders/stop/" not in sent.body


# --- book again ---------------------------------------------------------------------------


@pytest.fixture
def missed(now) -> Appointment:
    """Someone who booked for yesterday under the current rules and did not come; tomorrow
    has free times."""
    lab = typing_site()
    make_slot(lab, now + dt.timedelta(days=1))
    return appointment(
        make_slot(lab, now - dt.timedelta(days=1)),
        rules_version=RulesVersion.objects.current().number,
        rules_checked_on=timezone.localdate() - dt.timedelta(days=5),
    )


def test_book_again_skips_the_check_while_the_last_one_holds(now, missed) -> None:
    visitor = Client()
    response = visitor.get(_again(missed))
    assert response.status_code == 302
    assert response["Location"] == "/en/typing-sites/test-lab/"
    cookie = response.cookies[PROOF_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 25 * 24 * 3600  # what was left of a 30-day proof
    site_page = visitor.get(response["Location"])
    assert site_page.status_code == 200
    tomorrow = missed.slot.site.slots.filter(starts_at__gt=now).get()
    book = f"/en/typing-sites/test-lab/book/{tomorrow.pk}/"
    assert book in site_page.content.decode()
    # The time opens the booking form itself, not the eligibility check.
    form = visitor.get(book)
    assert form.status_code == 200
    assert 'name="email"' in form.content.decode()


def test_book_again_lands_in_the_persons_language(now, missed, client) -> None:
    Appointment.objects.filter(pk=missed.pk).update(language="ru")
    missed.refresh_from_db()
    response = client.get(_again(missed))
    assert response["Location"] == "/ru/typing-sites/test-lab/"


def test_book_again_after_the_rules_changed_asks_the_new_questions_first(
    now, missed, client
) -> None:
    Condition.objects.create(
        key="sickle-cell",
        question_en="Do you have sickle cell disease?",
        question_ru="Есть ли у вас серповидноклеточная анемия?",
        outcome="exclude",
        order=999,
    )
    rules_publish()
    response = client.get(_again(missed))
    assert response.status_code == 302
    assert response["Location"] == "/en/eligibility/?next=%2Fen%2Ftyping-sites%2Ftest-lab%2F"
    assert PROOF_COOKIE not in response.cookies


def test_book_again_after_the_check_grew_old_goes_through_the_check(now, missed, client) -> None:
    Appointment.objects.filter(pk=missed.pk).update(
        rules_checked_on=timezone.localdate() - dt.timedelta(days=30)
    )
    missed.refresh_from_db()
    response = client.get(_again(missed))
    assert response["Location"].startswith("/en/eligibility/?next=")
    assert PROOF_COOKIE not in response.cookies


def test_a_book_again_link_lasts_sixty_days(now, missed, client, time_machine) -> None:
    path = _again(missed)
    time_machine.move_to(now + dt.timedelta(days=59), tick=False)
    assert client.get(path).status_code == 302
    time_machine.move_to(now + dt.timedelta(days=61), tick=False)
    assert client.get(path).status_code == 404


def test_a_forged_book_again_link_or_a_post_opens_nothing(now, missed, client) -> None:
    stop_value = sign_booking("a", missed.pk, salt=STOP_SALT)
    assert client.get(f"/en/book-again/{stop_value}/").status_code == 404
    assert client.get("/en/book-again/nonsense/").status_code == 404
    assert client.post(_again(missed)).status_code == 405


def test_book_again_after_a_drive_goes_to_the_list_of_drives(now, client) -> None:
    signup = drive_signup(drive(days=5), 1)
    DriveSignup.objects.filter(pk=signup.pk).update(language="ru")
    signup.refresh_from_db()
    response = client.get(_again(signup))
    assert response["Location"] == "/ru/drives/"
    assert PROOF_COOKIE in response.cookies


# --- the short link of an SMS -------------------------------------------------------------


def test_the_short_link_in_a_reminder_sms_opens_the_manage_page_in_the_persons_language(
    now, client, settings
) -> None:
    settings.SMS_ENABLED = True
    booked = appointment(
        make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)),
        language="ru",
        sms_reminders=True,
    )
    sms = next(r for r in appointment_reminders_plan(booked, now) if r.channel == "sms")
    text, code = sms_render(sms, now)
    assert f"{settings.SITE_URL.split('://')[1]}/s/{code}" in text
    response = client.get(f"/s/{code}")
    assert response.status_code == 302
    assert response["Location"] == f"/ru/booking/{code}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Ваша запись" in page.content.decode()
    # Typed back from the screen in capitals, it still opens.
    assert client.get(f"/s/{code.upper()}")["Location"] == f"/ru/booking/{code}/"


def test_the_short_link_of_a_drive_sign_up_opens_its_manage_page(now, client) -> None:
    signup = drive_signup(drive(days=5), 1)
    code = LinkToken.mint(now=now, drive_signup=signup, short=True)
    response = client.get(f"/s/{code}")
    assert response["Location"] == f"/en/drive-signup/{code}/"
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_expired_or_cancelled_short_link_is_the_usual_404(now, client) -> None:
    booked = appointment(make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)))
    code = LinkToken.mint(now=now, appointment=booked, short=True)
    assert client.get("/s/abcdefghjkm").status_code == 404
    assert client.get("/s/short").status_code == 404
    assert client.get(f"/s/{manage_token(booked)}").status_code == 404  # not a short code
    appointment_cancel(appointment_id=booked.pk, now=now)
    response = client.get(f"/s/{code}")
    assert response.status_code == 404
    assert response.content == client.get("/ru/booking/wrongtoken/").content


def test_guessing_short_codes_is_refused_after_thirty_a_minute(
    now, client, settings, time_machine
) -> None:
    settings.RATELIMIT_ENABLE = True
    booked = appointment(make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)))
    code = LinkToken.mint(now=now, appointment=booked, short=True)
    guesses = [client.get(f"/s/abcdefg{n:04d}").status_code for n in range(30)]
    assert set(guesses) == {404}
    refused = client.get(f"/s/{code}")  # even a right code, from this address, for now
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert Client(REMOTE_ADDR="192.0.2.7").get(f"/s/{code}").status_code == 302
    time_machine.move_to(now + dt.timedelta(minutes=1), tick=False)
    assert client.get(f"/s/{code}").status_code == 302


# --- "Yes, I'm coming" --------------------------------------------------------------------


def test_the_confirm_button_records_it_and_the_page_then_thanks(now, client) -> None:
    booked = appointment(make_slot(typing_site(), now + dt.timedelta(days=3, hours=1)))
    token = manage_token(booked)
    page = client.get(f"/en/booking/{token}/").content.decode()
    assert f'action="/en/booking/{token}/confirm/"' in page
    assert "Yes, I'm coming</button>" in page
    assert "You confirmed you" not in page
    assert client.get(f"/en/booking/{token}/confirm/").status_code == 405
    response = client.post(f"/en/booking/{token}/confirm/")
    assert response.status_code == 302 and response["Location"] == f"/en/booking/{token}/"
    booked.refresh_from_db()
    assert booked.confirmed_at == now
    page = client.get(response["Location"]).content.decode()
    assert "You confirmed you're coming. Thank you!" in page
    assert "Yes, I'm coming</button>" not in page
    assert client.post("/en/booking/wrongtoken/confirm/").status_code == 404


def test_a_drive_sign_up_is_confirmed_the_same_way(now, client) -> None:
    signup = drive_signup(drive(days=5), 1)
    token = LinkToken.mint(now=now, drive_signup=signup)
    assert "Yes, I'm coming</button>" in client.get(f"/en/drive-signup/{token}/").content.decode()
    response = client.post(f"/en/drive-signup/{token}/confirm/")
    assert response["Location"] == f"/en/drive-signup/{token}/"
    signup.refresh_from_db()
    assert signup.confirmed_at == now
    page = client.get(response["Location"]).content.decode()
    assert "You confirmed you're coming. Thank you!" in page


def test_the_copy_kept_of_a_sent_reminder_holds_no_working_link(time_machine) -> None:
    """The stop link is signed, not stored; the outbox's copy of the text cuts it out as it
    cuts the manage link's token, so no row holds a link that does anything."""
    from recruitment.services.outbox import outbox_sweep

    time_machine.move_to(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False)
    starts = dt.datetime(2027, 3, 4, 10, 0, tzinfo=dt.UTC)
    appointment = _book(make_slot(typing_site(), starts))
    time_machine.move_to(starts - dt.timedelta(hours=24), tick=False)
    outbox_sweep(now=timezone.now())
    row = OutboxEmail.objects.get(
        appointment=appointment, kind="appointment-reminder", status="sent"
    )
    assert "/reminders/stop/…/" in row.body_text
    assert "/booking/…/" in row.body_text
