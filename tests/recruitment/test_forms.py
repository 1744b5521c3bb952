"""The public forms refuse what no person types, kindly, in the person's language, and the
refusal is visible on the page: the booking, waiting-list and phone-booking forms share one set
of details fields, and the eligibility check's date of birth takes any input without a 500."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid

import pytest
from django.test import Client
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from recruitment.forms import BornForm, DetailsForm, plain_text
from recruitment.models import Appointment, OutboxEmail, WaitlistEntry
from recruitment.services.eligibility import PROOF_COOKIE
from tests import factories

TODAY = dt.date(2026, 11, 27)
CHARACTERS = "This has characters that cannot be used here"
CHARACTERS_RU = "Здесь есть символы, которые нельзя использовать"


def details(**changes: str) -> dict[str, str]:
    return factories.booking_form(**changes)


def errors(**changes: str) -> dict[str, list[str]]:
    with translation.override("en"):
        form = DetailsForm(details(**changes), born_on=factories.BORN)
        form.is_valid()
        return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["\u200b", "\u200b\u200d\ufeff", " \u2060 ", "\u00ad", "\ufeff\u200b  \u200c"]
)
def test_a_name_made_only_of_invisible_characters_counts_as_no_name(name: str) -> None:
    assert errors(name=name) == {"name": ["Please enter your name."]}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("\u202eavonaP annA", id="right-to-left override"),
        pytest.param("Anna \u2066Petrova\u2069", id="left-to-right isolate"),
        pytest.param("\u200fAnna", id="right-to-left mark"),
        pytest.param("Anna\uffff", id="U+FFFF"),
        pytest.param("Anna\ufffe", id="U+FFFE"),
        pytest.param("Anna\ufdd0", id="U+FDD0"),
        pytest.param("Anna\U0010ffff", id="plane 16 noncharacter"),
        pytest.param("Anna\x00", id="NUL"),
        pytest.param("Anna\x07", id="bell"),
        pytest.param("Anna\nPetrova", id="newline"),
        pytest.param("Anna\u2028Petrova", id="line separator"),
        pytest.param("Anna\ud800", id="lone surrogate"),
        pytest.param("Anna P\ufffdtrova", id="broken UTF-8, as Django decodes it"),
    ],
)
def test_a_name_with_characters_no_keyboard_makes_is_refused_with_a_clear_message(
    name: str,
) -> None:
    (message,) = errors(name=name)["name"]
    assert message.startswith(CHARACTERS)


@pytest.mark.parametrize("name", ["12345", "!!!", "-", "😀😀", "+7 912 345-67-89"])
def test_a_name_needs_at_least_one_letter(name: str) -> None:
    assert errors(name=name) == {"name": ["Please write your name in letters."]}


def test_a_name_is_kept_trimmed_and_composed_with_the_joiners_some_scripts_need() -> None:
    form = DetailsForm(
        details(name="\ufeff  Ане\u0301ля Мохаммад\u200cзаде \u200b"), born_on=factories.BORN
    )
    assert form.is_valid(), form.errors
    name = form.cleaned_data["name"]
    assert name == "Ане\u0301ля Мохаммад\u200cзаде"
    assert unicodedata.is_normalized("NFC", name)


def test_the_length_limit_counts_the_name_as_it_will_be_stored() -> None:
    # U+0958 is one character typed and two once composed (a composition exclusion).
    assert "name" in errors(name="\u0958" * 150)
    assert "name" not in errors(name="क" * 200)


# --- email ---------------------------------------------------------------------------------


def long_email(length: int) -> str:
    address = ("a" * 64 + "@" + ".".join(["b" * 63] * 5))[: length - 4].rstrip(".") + ".org"
    assert len(address) == length
    return address


@pytest.mark.parametrize("length", [255, 280, 320])
def test_an_email_longer_than_254_characters_gets_a_kind_message(length: int) -> None:
    assert errors(email=long_email(length)) == {
        "email": ["An email address can be at most 254 characters long. Please check it."]
    }


def test_an_email_of_254_characters_is_accepted() -> None:
    assert errors(email=long_email(254)) == {}


@pytest.mark.parametrize(
    "email", ["anna@exa\u202emple.org", "anna@exa\u200bmple.org", "anna@exa\uffffmple.org"]
)
def test_an_email_with_invisible_or_impossible_characters_is_refused(email: str) -> None:
    (message,) = errors(email=email)["email"]
    assert message.startswith(CHARACTERS)


def test_an_email_whose_domain_mail_cannot_reach_is_refused() -> None:
    # Django's validator takes 63 Cyrillic letters as a label; as ASCII it is far too long.
    assert errors(email="anna@" + "я" * 63 + ".ru") == {
        "email": ["Please enter an email address like name@example.com."]
    }


# --- phone, language, request key ----------------------------------------------------------


@pytest.mark.parametrize(
    "phone", ["9" * 1000, "\x00", "+7 912 345-67-89\x00", "+", "١٢", "+" * 32, "\u202e+7912"]
)
def test_a_phone_number_nobody_has_gets_a_kind_message_and_never_an_exception(
    phone: str,
) -> None:
    (message,) = errors(phone=phone)["phone"]
    assert message.startswith(("This does not look like a real phone number.", CHARACTERS))


def test_a_phone_number_in_arabic_indic_digits_is_read() -> None:
    form = DetailsForm(details(phone="+٧ ٩١٢ ٣٤٥ ٦٧ ٨٩"), born_on=factories.BORN)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "+79123456789"


@pytest.mark.parametrize("language", ["de", "", " en", "EN"])
def test_an_unknown_language_is_refused_kindly(language: str) -> None:
    assert errors(language=language) == {
        "language": ["Please choose the language of our messages."]
    }


@pytest.mark.parametrize("key", ["", "not-a-key", "1" * 33])
def test_a_broken_request_key_says_the_form_expired_and_carries_a_fresh_key(key: str) -> None:
    data = details(request_key=key)
    form = DetailsForm(data, born_on=factories.BORN)
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "This form has expired. Please check your details and send it again."
    ]
    assert "request_key" not in form.errors
    fresh = form["request_key"].value()
    assert uuid.UUID(fresh) and fresh != key
    assert form["name"].value() == "Anna Petrova"  # what was typed stays
    assert data["request_key"] == key  # the caller's data is left as it was


# --- date of birth -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("1", "1", "0"),
        ("1", "1", "0000"),
        ("1", "1", "99999"),
        ("-1", "-1", "-1995"),
        ("1", "1", "1" + "0" * 40),
        ("99999999999999999999", "1", "1995"),
        ("1\x00", "1", "1995"),
        ("١٢", "١٢", "١٢"),
        ("31", "12", "9999"),
        ("29", "2", "2023"),
        ("", "", "1995"),
    ],
)
def test_the_date_of_birth_refuses_impossible_dates_with_a_message(
    day: str, month: str, year: str
) -> None:
    with translation.override("en"):
        form = BornForm({"born_day": day, "born_month": month, "born_year": year}, today=TODAY)
        assert not form.is_valid()
        (message,) = form.errors["born"]
        assert "Please" in message


@settings(max_examples=300, deadline=None, database=None)
@given(
    parts=st.fixed_dictionaries(
        {
            name: st.one_of(
                st.text(st.characters(exclude_categories=()), max_size=12),
                st.integers(-(10**30), 10**30).map(str),
                st.sampled_from(["0", "00", "9999", "99999", "١٩٩٥", "٠٥", "1e3"]),
            )
            for name in ("born_day", "born_month", "born_year", "born")
        }
    )
)
def test_the_date_of_birth_takes_any_input_and_gives_a_date_or_a_message(parts) -> None:
    form = BornForm(parts, today=TODAY)
    if form.is_valid():
        born = form.cleaned_data["born"]
        assert dt.date(TODAY.year - 120, 1, 1) <= born <= TODAY
    else:
        assert list(form.errors) == ["born"]


# --- over HTTP: the message is on the page, in the person's language -------------------------


@pytest.fixture
def slot(db: None):
    site = factories.typing_site()
    return factories.slot(site, timezone.now() + dt.timedelta(days=3), capacity=2)


@pytest.fixture
def volunteer(db: None) -> Client:
    client = Client()
    client.cookies[PROOF_COOKIE] = factories.proof_for()
    return client


def book_url(slot, lang: str = "en") -> str:
    return f"/{lang}/typing-sites/{slot.site.slug}/book/{slot.pk}/"


def nothing_stored() -> bool:
    return not (
        Appointment.objects.exists()
        or WaitlistEntry.objects.exists()
        or OutboxEmail.objects.exists()
    )


def test_a_missing_request_key_is_said_at_the_top_and_the_next_send_books(volunteer, slot):
    data = details()
    del data["request_key"]
    page = volunteer.post(book_url(slot), data)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("This form has expired") < html.index('name="name"')
    assert nothing_stored()
    fresh = re.search(r'name="request_key" value="([0-9a-f-]{36})"', html)
    assert fresh, "the form shown again carries a new key"
    again = volunteer.post(book_url(slot), {**data, "request_key": fresh.group(1)})
    assert again.status_code == 302
    assert Appointment.objects.count() == 1


def test_an_unknown_language_is_said_beside_the_choice_in_russian(volunteer, slot):
    page = volunteer.post(book_url(slot, "ru"), details(language="xx"))
    html = page.content.decode()
    assert "Пожалуйста, выберите язык наших сообщений." in html
    assert html.index('id="language-error"') < html.index('name="language"')
    assert nothing_stored()


@pytest.mark.parametrize(
    ("lang", "message"), [("en", CHARACTERS), ("ru", CHARACTERS_RU)], ids=["en", "ru"]
)
@pytest.mark.parametrize(
    "name", ["\u202eavonaP annA", "Anna\uffff", "Anna P\ufffdtrova"], ids=["bidi", "FFFF", "broken"]
)
def test_a_hostile_name_gets_a_clear_message_in_both_languages_and_stores_nothing(
    volunteer, slot, lang: str, message: str, name: str
) -> None:
    response = volunteer.post(book_url(slot, lang), details(name=name))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert nothing_stored()


def test_an_email_of_300_characters_gets_a_kind_message_not_a_500(volunteer, slot):
    response = volunteer.post(book_url(slot, "ru"), details(email=long_email(300)))
    assert response.status_code == 200
    assert "не длиннее 254 символов" in response.content.decode()
    assert nothing_stored()


def test_the_waiting_list_form_shows_an_expired_form_at_the_top(volunteer, slot):
    factories.appointment(slot, i=1)
    factories.appointment(slot, i=2)
    url = f"/en/typing-sites/{slot.site.slug}/waiting-list/?day={slot.day:%Y-%m-%d}"
    assert volunteer.get(url).status_code == 200  # the day is full: the list is open
    page = volunteer.post(url, details(request_key="", language="de"))
    html = page.content.decode()
    assert "This form has expired" in html
    assert "Please choose the language of our messages." in html
    assert not WaitlistEntry.objects.exists()


def test_the_phone_booking_form_shows_an_expired_form_at_the_top(slot):
    staff = factories.login_verified(Client(), factories.coordinator())
    data = {
        **details(request_key="stale", born_day="3", born_month="4", born_year="1990"),
        "slot": str(slot.pk),
        "eligibility_confirmed": "on",
    }
    page = staff.post(f"/en/staff/assisted-booking/?site={slot.site.slug}", data)
    assert "This form has expired" in page.content.decode()
    assert not Appointment.objects.exists()


def test_plain_text_leaves_ordinary_text_alone() -> None:
    assert plain_text("Anna-Maria O’Neil") == "Anna-Maria O’Neil"
    assert plain_text(" \u200b ") == ""
