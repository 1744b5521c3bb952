"""Organisers sign in with a password (django-axes locks a sign-in out after five failures),
set it through a one-time emailed link, and ask for a new link without learning whose
address is known."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from recruitment.models import OutboxEmail
from tests.factories import coordinator, drive, organiser, send_outbox

pytestmark = pytest.mark.django_db

PASSWORD = "organiser-pass-2026"


def sign_in(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(
        "/en/organisers/sign-in/", {"username": username, "password": password}, **extra
    )


def test_an_organiser_signs_in_with_their_email_and_lands_on_their_drives() -> None:
    lab = drive("SIGNIN")
    organiser(lab)
    client = Client()
    response = sign_in(client, " Organiser@Example.org", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/en/organisers/"
    assert "SIGNIN" in client.get("/en/organisers/").text


def test_sign_in_goes_back_to_the_page_asked_for() -> None:
    lab = drive("NEXTPG")
    organiser(lab)
    client = Client()
    asked = client.get("/en/organisers/drives/NEXTPG/check-in/")
    assert asked.status_code == 302
    form = client.get(asked["Location"])
    assert 'name="next" value="/en/organisers/drives/NEXTPG/check-in/"' in form.text
    done = client.post(
        asked["Location"],
        {
            "username": "organiser@example.org",
            "password": PASSWORD,
            "next": "/en/organisers/drives/NEXTPG/check-in/",
        },
    )
    assert done["Location"] == "/en/organisers/drives/NEXTPG/check-in/"


def test_a_wrong_password_is_refused_kindly_without_saying_which_part_was_wrong() -> None:
    organiser(drive("WRONGP"))
    response = sign_in(Client(), "organiser@example.org", "not-it")
    assert response.status_code == 200
    assert "That email and password do not match" in response.text
    assert "not-it" not in response.text


def test_five_wrong_passwords_pause_sign_in_even_with_the_right_one() -> None:
    organiser(drive("LOCKED"))
    client = Client()
    for _ in range(5):
        sign_in(client, "organiser@example.org", "guess", REMOTE_ADDR="203.0.113.9")
    locked = sign_in(client, "organiser@example.org", PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert locked.status_code == 429
    assert "Sign-in is paused" in locked.text
    # Organisers have no authenticator app: they are pointed to the password reset instead.
    assert "authenticator" not in locked.text and "Forgot your password" in locked.text
    assert client.get("/en/organisers/").status_code == 302  # still signed out
    # Only from that address: the owner elsewhere is not locked out.
    elsewhere = sign_in(Client(), "organiser@example.org", PASSWORD, REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302


def test_staff_who_organise_nothing_cannot_sign_in_here() -> None:
    staff = coordinator()
    response = sign_in(Client(), staff.username, "a-long-test-password")
    assert response.status_code == 200
    assert "not an organiser" in response.text


def test_sign_out_takes_a_post_and_ends_the_session() -> None:
    organiser(drive("SIGNOT"))
    client = Client()
    sign_in(client, "organiser@example.org", PASSWORD)
    assert client.get("/en/organisers/sign-out/").status_code == 405
    assert client.post("/en/organisers/sign-out/")["Location"] == "/en/organisers/sign-in/"
    assert client.get("/en/organisers/").status_code == 302


def _password_link(smtp: Any, address: str) -> str:
    send_outbox()
    message = smtp.inbox.to(address)[-1]
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://[^/\s]+(/(?:ru|en)/organisers/password/[\w-]+/[\w-]+/)", body)
    assert found, body
    return found.group(1)


def test_the_emailed_link_sets_a_password_once(smtp: Any) -> None:
    user = organiser(drive("SETPWD"))
    response = Client().post("/en/organisers/password/reset/", {"email": user.email})
    assert response.status_code == 302
    link = _password_link(smtp, user.email)

    client = Client()
    opened = client.get(link)
    assert opened.status_code == 302  # to the same page without the token in the address
    form = client.get(opened["Location"])
    assert "Set your password" in form.text
    saved = client.post(
        opened["Location"],
        {"new_password1": "a brand new phrase 77", "new_password2": "a brand new phrase 77"},
    )
    assert saved["Location"] == "/en/organisers/password/done/"
    assert "Sign in" in client.get(saved["Location"]).text
    assert sign_in(Client(), user.email, "a brand new phrase 77").status_code == 302

    again = Client().get(link)
    assert again.status_code == 200
    assert "This link no longer works" in again.text
    assert "/en/organisers/password/reset/" in again.text


def test_a_made_up_link_is_the_same_kind_page() -> None:
    page = Client().get("/en/organisers/password/MTIzNDU/abc-123/")
    assert page.status_code == 200 and "This link no longer works" in page.text


def test_asking_for_a_link_answers_the_same_whoever_asks(smtp: Any) -> None:
    user = organiser(drive("RESETS"))
    staff = coordinator(email="staff@example.org")
    pages = []
    for address in (user.email, "nobody@example.org", staff.email):
        client = Client()
        response = client.post("/en/organisers/password/reset/", {"email": address})
        assert response.status_code == 302
        page = client.get(response["Location"]).text
        # The same page but for the address typed and each visitor's own CSRF token.
        pages.append(re.sub(r"[\w-]{64}", "TOKEN", page.replace(address, "ADDRESS")))
    assert pages[0] == pages[1] == pages[2]
    assert "ADDRESS is the address of an organiser" in pages[0]
    assert list(OutboxEmail.objects.values_list("to", "kind")) == [
        (user.email, "organiser-password-reset")
    ]
    send_outbox()
    assert len(smtp.inbox.messages) == 1


def test_asking_for_links_is_rate_limited(smtp: Any) -> None:
    user = organiser(drive("RATELM"))
    client = Client()
    statuses = [
        client.post("/en/organisers/password/reset/", {"email": user.email}).status_code
        for _ in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert OutboxEmail.objects.filter(kind="organiser-password-reset").count() == 3


def test_a_switched_off_organiser_gets_no_link() -> None:
    user = organiser(drive("OFFACC"))
    user.is_active = False
    user.save()
    response = Client().post("/en/organisers/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert not OutboxEmail.objects.exists()


def test_the_sign_in_page_works_in_russian_too() -> None:
    page = Client().get("/ru/organisers/sign-in/")
    assert page.status_code == 200 and 'lang="ru"' in page.text
