"""Invariant 14: bad input never gives a 5xx. What the site cannot read gets a short, kind 400."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import permission_denied, server_error

pytestmark = pytest.mark.django_db

BORN = "stage=born&born_day=17&born_month=5&born_year=1995"


def _browser(path: str) -> tuple[Client, str]:
    """A client that, like a browser, carries the CSRF cookie of the page it posts from."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(path)
    return client, client.cookies["csrftoken"].value


@pytest.mark.parametrize("path", ["/ru/eligibility/", "/ru/admin/login/"])
@pytest.mark.parametrize("charset", ["utf-16", "utf-32", "cp037", "latin-1", "nonsense"])
def test_a_form_sent_in_a_charset_other_than_utf8_gets_a_400(path: str, charset: str) -> None:
    client, token = _browser(path)
    try:
        body = f"csrfmiddlewaretoken={token}&{BORN}".encode(charset)
    except LookupError:
        body = f"csrfmiddlewaretoken={token}&{BORN}".encode()
    response = client.generic(
        "POST", path, body, content_type=f"application/x-www-form-urlencoded; charset={charset}"
    )
    assert response.status_code == 400
    assert "Мы не смогли прочитать этот запрос" in response.content.decode()


def test_a_page_asked_for_in_utf16_gets_a_400() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/en/typing-sites/?city=Kazan", CONTENT_TYPE="text/plain; charset=utf-16")
    assert response.status_code == 400
    assert "We could not read this request" in response.content.decode()


def test_a_form_in_utf8_still_works() -> None:
    client, token = _browser("/ru/eligibility/")
    response = client.generic(
        "POST",
        "/ru/eligibility/",
        f"csrfmiddlewaretoken={token}&{BORN}".encode(),
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/ru/typing-sites/?city=%00",
        "/ru/typing-sites/?site=%00",
        "/en/typing-sites/?%00=1",
        "/ru/eligibility/?next=%00",
        "/ru/typing-sites/%00/",
    ],
)
def test_a_nul_byte_in_the_address_gets_a_400(url: str) -> None:
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 400


def test_a_nul_byte_in_a_form_gets_a_400() -> None:
    client, token = _browser("/ru/eligibility/")
    data = {"csrfmiddlewaretoken": token, "stage": "born", "born_day": "1\x00", "born_month": "5"}
    response = client.post("/ru/eligibility/", {**data, "born_year": "1995"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "broken", [b"%FF%FE", b"\xff\xfe", b"%E2%82"], ids=["escaped", "raw", "cut"]
)
def test_a_form_that_is_not_utf8_gets_a_400(broken: bytes) -> None:
    client, token = _browser("/ru/eligibility/")
    body = f"csrfmiddlewaretoken={token}&{BORN}&next=".encode() + broken
    response = client.generic(
        "POST", "/ru/eligibility/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_an_address_that_is_not_utf8_gets_a_400() -> None:
    response = Client(raise_request_exception=False).get("/en/typing-sites/?city=%FF%FE")
    assert response.status_code == 400


def test_a_nul_byte_in_an_admin_filter_gets_a_400() -> None:
    root = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-pass-9")
    client = Client(raise_request_exception=False)
    client.force_login(root)
    for url in (
        "/ru/admin/recruitment/appointment/?status=%00",
        "/ru/admin/recruitment/appointment/?q=%00",
        "/ru/admin/auth/user/?username=%00",
    ):
        assert client.get(url).status_code == 400, url


def test_a_nul_byte_in_the_session_cookie_gets_a_400() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/ru/admin/", HTTP_COOKIE='sessionid="' + "\\000" * 12 + '"')
    assert response.status_code == 400


def test_the_400_page_carries_the_sites_security_headers() -> None:
    response = Client(raise_request_exception=False).get("/ru/typing-sites/?city=%00")
    assert response.status_code == 400
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Content-Type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize(
    ("language", "text"), [("ru", "Страница не найдена"), ("en", "Page not found")]
)
def test_a_missing_page_says_so_in_the_visitors_language(language: str, text: str) -> None:
    response = Client().get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    assert text in response.content.decode()


def test_a_404_never_repeats_the_address_it_was_asked_for() -> None:
    """A manage link that no longer works must not be echoed back, e.g. in the language
    switcher, and every unusable link gets the very same page (invariant 6)."""
    first = Client().get("/en/booking/wrong-token-one/")
    second = Client().get("/en/booking/wrong-token-two/")
    assert first.status_code == second.status_code == 404
    assert b"wrong-token" not in first.content
    assert first.content == second.content


def test_a_refused_page_says_so_in_the_visitors_language() -> None:
    request = RequestFactory().get("/en/staff/day-sheet/")
    with translation.override("en"):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "This page is closed to you" in response.content.decode()


def test_the_500_page_speaks_both_languages_and_needs_no_request_context() -> None:
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "У нас что-то пошло не так" in page
    assert "Something went wrong on our side" in page


def test_a_form_without_its_security_token_gets_a_kind_page_in_both_languages() -> None:
    response = Client(enforce_csrf_checks=True).post("/ru/eligibility/", {"stage": "born"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Форма устарела" in page and "This form has expired" in page


def test_a_request_with_no_peer_address_is_still_answered() -> None:
    """gunicorn on a Unix socket passes no peer address; rate limits must not fail on it."""
    response = Client(REMOTE_ADDR="").post("/ru/eligibility/", {"stage": "born"})
    assert response.status_code == 200
