"""Invariant 7: an organiser sees and changes only their own drives; anything else is a 404.

The URLs are read from the resolver, not listed here: every page named "organiser-…" that
takes a drive's code is checked, so a page added later cannot be forgotten."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from recruitment.models import DriveExport, DriveOrganiser, DriveSignup
from tests.factories import coordinator, drive, drive_signup, login_verified, organiser

pytestmark = pytest.mark.django_db


def _patterns(entries: list[Any]) -> list[URLPattern]:
    found: list[URLPattern] = []
    for entry in entries:
        if isinstance(entry, URLResolver):
            found += _patterns(entry.url_patterns)
        elif entry.name and entry.name.startswith("organiser-"):
            found.append(entry)
    return found


DRIVE_PAGES = sorted(
    {p.name: p for p in _patterns(get_resolver().url_patterns) if "code" in p.pattern.converters}
)


def _url(name: str, drive_: Any, signup: Any) -> str:
    pattern = next(p for p in _patterns(get_resolver().url_patterns) if p.name == name)
    kwargs: dict[str, Any] = {"code": drive_.code}
    if "signup_id" in pattern.pattern.converters:
        kwargs["signup_id"] = signup.pk
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def two_drives() -> dict[str, Any]:
    mine = drive("MYDRV1")
    theirs = drive("THEIR2")
    me = organiser(mine)
    them = organiser(theirs, username="other@example.org")
    return {
        "mine": mine,
        "theirs": theirs,
        "me": me,
        "them": them,
        "my_signup": drive_signup(mine, 1),
        "their_signup": drive_signup(theirs, 2),
    }


def test_the_list_of_drive_pages_is_read_from_the_resolver() -> None:
    # A sanity check of the matrix itself: it finds the pages this file must cover.
    for name in (
        "organiser-drive",
        "organiser-signups-csv",
        "organiser-checkin-search",
        "organiser-checkin-tap",
        "organiser-cancel",
        "organiser-walkin",
    ):
        assert name in DRIVE_PAGES


@pytest.mark.parametrize("name", DRIVE_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organisers_drive_is_not_there(
    name: str, method: str, two_drives: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(two_drives["me"])
    url = _url(name, two_drives["theirs"], two_drives["their_signup"])
    response = getattr(client, method)(url, {"confirm": "yes", "key": "x", "text": "Hello"})
    assert response.status_code == 404
    # Nothing of theirs changed either.
    assert DriveSignup.objects.get(pk=two_drives["their_signup"].pk).status == "signed_up"
    assert two_drives["theirs"].__class__.objects.get(pk=two_drives["theirs"].pk).status == (
        "published"
    )
    assert not DriveExport.objects.exists()


@pytest.mark.parametrize("name", DRIVE_PAGES)
def test_a_code_that_does_not_exist_answers_like_someone_elses(
    name: str, two_drives: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(two_drives["me"])
    missing = type(two_drives["mine"])(code="NOSUCH")
    assert client.get(_url(name, missing, two_drives["my_signup"])).status_code == 404


def test_a_sign_up_of_another_drive_is_not_there_at_my_desk(two_drives: dict[str, Any]) -> None:
    client = Client()
    client.force_login(two_drives["me"])
    url = _url("organiser-checkin-tap", two_drives["mine"], two_drives["their_signup"])
    key = "6f1c1f54-5d4c-4bb8-9a55-3b1e0f1f0a01"
    assert client.post(url, {"key": key}).status_code == 404
    assert client.post(url, {"key": key}, headers={"HX-Request": "true"}).status_code == 404
    assert DriveSignup.objects.get(pk=two_drives["their_signup"].pk).status == "signed_up"


@pytest.mark.parametrize("name", DRIVE_PAGES)
def test_my_own_drive_opens_or_says_which_method(name: str, two_drives: dict[str, Any]) -> None:
    # The other half of the matrix: the same URLs are not 404s for the drive's organiser, so
    # the 404s above are about whose drive it is, not a broken page.
    client = Client()
    client.force_login(two_drives["me"])
    response = client.get(_url(name, two_drives["mine"], two_drives["my_signup"]))
    assert response.status_code in (200, 405)


@pytest.mark.parametrize("name", DRIVE_PAGES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_someone_signed_out_is_sent_to_the_organisers_sign_in(
    name: str, method: str, two_drives: dict[str, Any]
) -> None:
    url = _url(name, two_drives["mine"], two_drives["my_signup"])
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/organisers/sign-in/?next=")


@pytest.mark.parametrize("name", DRIVE_PAGES)
def test_an_organiser_taken_off_the_drive_finds_nothing(
    name: str, two_drives: dict[str, Any]
) -> None:
    DriveOrganiser.objects.filter(user=two_drives["me"]).update(active=False)
    client = Client()
    client.force_login(two_drives["me"])
    assert client.get(_url(name, two_drives["mine"], two_drives["my_signup"])).status_code == 404
    assert client.post(_url(name, two_drives["mine"], two_drives["my_signup"])).status_code == 404


def test_a_switched_off_account_is_signed_out_everywhere(two_drives: dict[str, Any]) -> None:
    client = Client()
    client.force_login(two_drives["me"])
    two_drives["me"].is_active = False
    two_drives["me"].save()
    for name in DRIVE_PAGES:
        response = client.get(_url(name, two_drives["mine"], two_drives["my_signup"]))
        assert response.status_code == 302, name  # as for anyone signed out, whatever the code
        assert response["Location"].startswith("/en/organisers/sign-in/")
    assert client.get("/en/organisers/").status_code == 302


def test_staff_see_no_drive_they_do_not_organise(two_drives: dict[str, Any]) -> None:
    staff = coordinator("recruitment.view_drive", "recruitment.change_drive")
    client = login_verified(Client(), staff)
    for name in DRIVE_PAGES:
        response = client.get(_url(name, two_drives["mine"], two_drives["my_signup"]))
        assert response.status_code == 404, name
    home = client.get("/en/organisers/")
    assert home.status_code == 200 and "MYDRV1" not in home.text


def test_my_drives_lists_mine_only(two_drives: dict[str, Any]) -> None:
    client = Client()
    client.force_login(two_drives["me"])
    page = client.get("/en/organisers/")
    assert page.status_code == 200
    assert "/en/organisers/drives/MYDRV1/" in page.text
    assert "THEIR2" not in page.text
