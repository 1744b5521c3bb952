"""Generated input thrown at every public form over HTTP.

Whatever arrives (any Unicode, lone surrogates and broken UTF-8 as raw bytes, NUL, huge values,
fields missing, doubled or extra, lists where one value belongs) the site answers below 500,
and input that cannot be valid stores nothing: no appointment, no waiting-list place, no email.
When such input redisplays a form, the person can see what is wrong.

Bodies are encoded here rather than by the test client, so that a lone surrogate travels as the
bytes a broken client would send and lists travel as repeated keys.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import unicodedata
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase, from_form

from recruitment.forms import DetailsForm
from recruitment.models import (
    Appointment,
    DriveProposal,
    DriveSignup,
    OutboxEmail,
    RulesVersion,
    Slot,
    WaitlistEntry,
)
from recruitment.services.eligibility import PROOF_COOKIE
from tests import factories

BORN = factories.BORN


def fuzz(examples: int) -> Any:
    """Modest counts, so the file runs in well under a minute on two cores."""
    return settings(
        max_examples=examples,
        deadline=None,
        # CI runs the same examples every time (a red run can be replayed); elsewhere each run
        # draws new ones, so running the suite keeps searching.
        derandomize=bool(os.environ.get("CI")),
        database=None,  # nothing left behind in the working tree
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


Value = str | list[str]  # a list is sent as the same key repeated; an empty one not at all
Data = dict[str, Value]

SEEN: collections.Counter[str] = collections.Counter()
CAUSES: collections.Counter[str] = collections.Counter()


@pytest.fixture(autouse=True, scope="module")
def _summary(pytestconfig: pytest.Config) -> Iterator[None]:
    """One line for the lead's report, printed even with -q."""
    yield
    lines = [f"fuzz: {SEEN['requests']} requests, {SEEN['5xx']} 5xx"]
    lines += [f"  {count} × {cause}" for cause, count in CAUSES.most_common()]
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write("\n" + "\n".join(lines) + "\n")


# --- what is sent ------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "Anna\x00",
    "\u200b",
    "\u200b\u200d\ufeff",
    "\u202eavonaP annA",
    "Anna\u2066x\u2069",
    "\u200fAnna",
    "\uffff",
    "\ufffe",
    "\ufdd0",
    "\U0010ffff",
    "\ud800",
    "Anna\udfff",
    "\ufffd",
    "١٢",
    "١٩٩٥",
    "0",
    "-1",
    "99999",
    "1e309",
    "nan",
    "-inf",
    "9" * 5000,
    "1" * 30,
    "a" * 255,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "%FF",
    "\r\n",
    "\t",
    "\x1b[31m",
    "true",
    "false",
    "yes",
    "on",
    "ru",
    "en",
    "zz",
    "None",
    "\u0301",
    "e\u0301",
    "\u0958" * 150,
    "𝔄𝔫𝔫𝔞",
    "😀",
    "x@example.org",
    "+7 912 345-67-89",
]


def texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(exclude_categories=()), max_size=40),  # surrogates included
        st.text(max_size=300),
        st.integers(-(10**40), 10**40).map(str),
        st.integers(1_000, 20_000).map(lambda n: "Я" * n),  # past every limit; bigger: raw cases
    )


def values() -> st.SearchStrategy[Value]:
    return st.one_of(texts(), st.lists(texts(), max_size=3))


def _quote(text: str) -> str:
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def encode(data: Data) -> str:
    pairs = []
    for key, value in data.items():
        for item in [value] if isinstance(value, str) else value:
            pairs.append(f"{_quote(key)}={_quote(item)}")
    return "&".join(pairs)


def last(data: Data, key: str) -> str | None:
    """The value Django reads for a single-valued field (the last one sent)."""
    value = data.get(key)
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def mutated(data: Data, pool: dict[str, st.SearchStrategy[Value]]) -> st.SearchStrategy[Data]:
    """`data` with some of its fields replaced by junk or left out, and junk fields added."""

    @st.composite
    def build(draw: st.DrawFn) -> Data:
        result = dict(data)
        for key in draw(st.lists(st.sampled_from(sorted(pool)), unique=True, max_size=4)):
            result[key] = draw(pool[key])
        for key, value in draw(st.dictionaries(texts(), values(), max_size=3)).items():
            result.setdefault(key, value)
        return result

    return build()


def junk(*more: st.SearchStrategy[Value]) -> st.SearchStrategy[Value]:
    return st.one_of(*more, values())


def names() -> st.SearchStrategy[str]:
    """Real names with the characters that do not belong in one mixed in."""
    parts = ["Anna", "Пётр", " ", "\u200b", "\u200d", "\ufeff", "\u202e", "\u2066", "\u200f"]
    parts += ["\uffff", "\ufdd0", "\x00", "\x07", "\ud800", "\ufffd", "e\u0301", "\u0958", "\u2028"]
    return st.lists(st.sampled_from(parts), max_size=6).map("".join)


def emails() -> st.SearchStrategy[str]:
    """Addresses Django's validator accepts, some longer than the column, some with a
    character no one types in the domain."""
    long = st.integers(240, 330).map(
        lambda n: ("a" * 64 + "@" + ".".join(["b" * 63] * 5))[: n - 4].rstrip(".") + ".org"
    )
    odd = st.sampled_from(["\u202e", "\u200b", "\uffff", "\ufeff", "\u00ad", "\x00", "\u2028"])
    return st.one_of(long, odd.map(lambda c: f"anna@exa{c}mple.org"), st.emails())


def phones() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            ["+", "+7", "8", "+7 912 345-67-89\x00", "+٧ ٩١٢ ٣٤٥ ٦٧ ٨٩", "＋７９１２３４５６７８９"]
        ),
        st.integers(0, 2000).map(lambda n: "9" * n),
        st.text(st.sampled_from("+0123456789 ()-.#*x;ext=\x00\u200b\u202e٧"), max_size=60),
    )


def borns() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-(10**30), 10**30).map(str),
        st.sampled_from(["0", "00", "0000", "99999", "-1", "١٢", "١٩٩٥", "٠", "1e3", "1_995"]),
        st.sampled_from(["0000-00-00", "0001-01-01", "9999-12-31", "99999-01-01", "1995-02-30"]),
        st.sampled_from(["17.5.1995", "31.12.9999", "1.1.1", "29.02.2023", "-1.-1.-1995"]),
        st.dates().map(str),
    )


# --- what a person would type --------------------------------------------------------------


def good_details(**changes: Value) -> Data:
    return factories.booking_form(**changes)


DETAILS_JUNK: dict[str, st.SearchStrategy[Value]] = {
    "name": junk(names()),
    "email": junk(emails()),
    "phone": junk(phones()),
    "born": junk(borns()),
    "born_day": junk(borns()),
    "born_month": junk(borns()),
    "born_year": junk(borns()),
    "language": junk(st.sampled_from(["ru", "en", "de", "RU", " en", ""])),
    "consent": junk(st.sampled_from(["on", "off", "false", "0", ""])),
    "request_key": junk(st.uuids().map(str), st.sampled_from(["", "0" * 32, "not-a-key"])),
    "website": junk(),
}


def from_details_form() -> st.SearchStrategy[Data]:
    """hypothesis' own idea of the form's data, with free text wherever text goes."""
    return from_form(
        DetailsForm,
        form_kwargs={"born_on": None},
        name=st.one_of(names(), texts()),
        email=st.one_of(emails(), texts()),
        phone=st.one_of(st.sampled_from(["+7 912 345-67-89", "8 (912) 345 67 89"]), phones()),
        born=st.just(BORN),
        website=st.one_of(st.just(""), texts()),
    ).map(_form_data)


def _form_data(form: Any) -> Data:
    data: Data = {}
    for key, value in form.data.items():
        if value is True:
            data[key] = "on"
        elif value is not False and value is not None:
            data[key] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return data


def details_input() -> st.SearchStrategy[Data]:
    return st.one_of(mutated(good_details(), DETAILS_JUNK), from_details_form())


# --- what must never be stored -------------------------------------------------------------

BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _unusable(char: str) -> bool:
    """A character no person types in a name or an address. A lone surrogate arrives as
    U+FFFD, which is what Django makes of bytes that are not UTF-8."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")
        or char in BIDI
        or char == "\ufffd"
        or 0xFDD0 <= code <= 0xFDEF
        or (code & 0xFFFE) == 0xFFFE
    )


def _stripped(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip()


def surely_invalid(data: Data, *, extra_required: tuple[str, ...] = ()) -> list[str]:
    """Why the form cannot accept this data, judged without the form's code (empty when it
    may be valid)."""
    why = [
        f"no {key}"
        for key in ("name", "email", "phone", "language", "request_key")
        if not (last(data, key) or "").strip()
    ]
    why += [  # a checkbox is ticked by any value but "" and "false"
        f"no {key}"
        for key in ("consent", *extra_required)
        if (last(data, key) or "false").lower() == "false"
    ]
    name = last(data, "name") or ""
    if any(_unusable(c) for c in name) or not any(c.isalpha() for c in name):
        why.append("name")
    if len(name.strip()) > 200:
        why.append("long name")
    email = (last(data, "email") or "").strip()
    if len(email) > 254 or "@" not in email or any(_unusable(c) for c in email):
        why.append("email")
    if last(data, "language") not in ("ru", "en"):
        why.append("language")
    try:
        uuid.UUID((last(data, "request_key") or "").strip())
    except ValueError:
        why.append("request_key")
    return why


def clean_person(row: Any) -> bool:
    """What a stored row must look like whatever was posted."""
    name, email = row.name, row.email
    return (
        name == name.strip()
        and unicodedata.is_normalized("NFC", name)
        and not any(_unusable(c) for c in name + email + row.phone)
        and any(c.isalpha() for c in name)
        and _stripped(name) != ""
        and len(email) <= 254
        and row.language in ("ru", "en")
    )


def counts() -> tuple[int, ...]:
    return (
        Appointment.objects.count(),
        WaitlistEntry.objects.count(),
        OutboxEmail.objects.count(),
        DriveSignup.objects.count(),
        DriveProposal.objects.count(),
    )


def shows_an_error(response: HttpResponse) -> bool:
    html = response.content.decode()
    return 'class="errorlist' in html or 'class="error-summary' in html


def sent(client: Client, method: str, path: str, data: Data | None = None, **headers: str) -> Any:
    """One request, its body or query encoded here; counted before the test judges it."""
    if method == "GET":
        query = encode(data or {})
        response = client.get(f"{path}?{query}" if query else path, headers=headers)
    else:
        response = client.generic(
            method,
            path,
            encode(data or {}).encode("ascii"),
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
    return counted(response, f"{method} {path.split('/')[2]}")


def counted(response: Any, label: str) -> Any:
    """Count a request, and a 5xx with its cause, for the summary line."""
    SEEN["requests"] += 1
    if response.status_code >= 500:
        SEEN["5xx"] += 1
        error = getattr(response, "exc_info", None)
        cause = f"{type(error[1]).__name__}: {str(error[1])[:90]}" if error else "no exception"
        CAUSES[f"{label}: {cause}"] += 1
    return response


def no_5xx(response: Any) -> None:
    error = getattr(response, "exc_info", None)
    assert response.status_code < 500, error


# --- the forms ------------------------------------------------------------------------------


@override_settings(RATELIMIT_ENABLE=False)
class PublicFormsTakeAnyInput(TestCase):
    """Each example runs in its own transaction, so one booking never changes the next."""

    @classmethod
    def setUpTestData(cls) -> None:
        now = timezone.now()
        cls.site = factories.typing_site()
        cls.open_slot = factories.slot(cls.site, now + dt.timedelta(days=3), capacity=50)
        cls.other_slot = factories.slot(cls.site, now + dt.timedelta(days=3, hours=1))
        full = factories.slot(cls.site, now + dt.timedelta(days=5), capacity=1)
        factories.appointment(full, i=1)
        cls.full_day = full.day
        booked = factories.appointment(cls.other_slot, i=2)
        cls.booked_id = booked.pk
        cls.manage = factories.manage_token(booked)
        # Joining a day with a free place is offered one at once: an open offer to accept.
        waiting = factories.waiting(cls.site, cls.open_slot.day, i=9)
        cls.offer = factories.offer_token(waiting)
        cls.staff = factories.coordinator()
        cls.rules = RulesVersion.objects.current().rules()
        cls.drive = factories.drive(capacity=50)

    def volunteer(self) -> Client:
        client = Client(raise_request_exception=False)
        client.cookies[PROOF_COOKIE] = factories.proof_for()
        return client

    def judge_details(
        self, response: Any, data: Data, before: tuple[int, ...], *, staff: bool = False
    ) -> None:
        no_5xx(response)
        why = surely_invalid(data, extra_required=("eligibility_confirmed",) if staff else ())
        # Staff are no bots: their form has no honeypot to fill.
        bot = not staff and bool((last(data, "website") or "").strip())
        if why or bot:
            assert counts() == before, why
        if why and response.status_code == 200 and not bot:
            assert shows_an_error(response), why
        rows = [*Appointment.objects.all(), *WaitlistEntry.objects.all()]
        for row in [*rows, *DriveSignup.objects.all(), *DriveProposal.objects.all()]:
            assert clean_person(row), (row.name, row.email, row.phone)

    @fuzz(100)
    @given(data=details_input(), htmx=st.booleans())
    def test_the_booking_form(self, data: Data, htmx: bool) -> None:
        before = counts()
        path = f"/en/typing-sites/{self.site.slug}/book/{self.open_slot.pk}/"
        response = sent(self.volunteer(), "POST", path, data, **_htmx(htmx))
        self.judge_details(response, data, before)

    @fuzz(80)
    @given(data=details_input())
    def test_the_waiting_list_form(self, data: Data) -> None:
        before = counts()
        path = f"/en/typing-sites/{self.site.slug}/waiting-list/?day={self.full_day:%Y-%m-%d}"
        response = sent(self.volunteer(), "POST", path, data)
        self.judge_details(response, data, before)

    @fuzz(60)
    @given(
        data=mutated(
            good_details(born_day="1", born_month="1", born_year="1990", language="ru"),
            {**DETAILS_JUNK, "slot": junk(borns()), "eligibility_confirmed": junk()},
        ).map(lambda d: {"slot": "0", "eligibility_confirmed": "on", **d}),
        slot=st.booleans(),
    )
    def test_the_assisted_booking_form(self, data: Data, slot: bool) -> None:
        if slot and "slot" in data and data["slot"] == "0":
            data["slot"] = str(self.open_slot.pk)
        client = factories.login_verified(Client(raise_request_exception=False), self.staff)
        before = counts()
        path = f"/en/staff/assisted-booking/?site={self.site.slug}"
        response = sent(client, "POST", path, data)
        assert "login" not in response.get("Location", "")  # the form itself was reached
        self.judge_details(response, data, before, staff=True)

    @fuzz(80)
    @given(data=details_input())
    def test_the_drive_signup_form(self, data: Data) -> None:
        before = counts()
        response = sent(self.volunteer(), "POST", f"/en/drives/{self.drive.code}/sign-up/", data)
        self.judge_details(response, data, before)

    @fuzz(60)
    @given(
        data=mutated(
            {
                "name": "Irina Petrova",
                "organisation": "Student union",
                "email": "irina@example.org",
                "phone": "+7 912 345-67-89",
                "kind": "venue",
                "proposed_on": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
                "place": "Main building",
                "city": "Moscow",
                "expected_people": "60",
                "message": "",
                "language": "ru",
                "consent": "on",
                "website": "",
            },
            {
                **{k: DETAILS_JUNK[k] for k in ("name", "email", "phone", "language", "consent")},
                "organisation": junk(names()),
                "kind": junk(st.sampled_from(["venue", "appeal", "VENUE", ""])),
                "proposed_on": junk(borns()),
                "place": junk(names()),
                "city": junk(names()),
                "expected_people": junk(st.sampled_from(["0", "-1", "1e9", "99999999999"])),
                "partner": junk(st.sampled_from(["0", "-1", "abc"])),
                "message": junk(),
                "website": junk(),
            },
        )
    )
    def test_the_host_a_drive_form(self, data: Data) -> None:
        before = counts()
        response = sent(Client(raise_request_exception=False), "POST", "/en/host-a-drive/", data)
        no_5xx(response)
        if (last(data, "website") or "").strip():
            assert counts() == before  # a bot's proposal is never kept
        for row in DriveProposal.objects.all():
            assert clean_person(row), (row.name, row.email, row.phone)

    @fuzz(100)
    @given(
        stage=st.sampled_from(["get", "born", "questions", "question"]),
        data=st.data(),
        htmx=st.booleans(),
    )
    def test_the_eligibility_checker(self, stage: str, data: st.DataObject, htmx: bool) -> None:
        keys = [f"c_{rule.key}" for rule in self.rules.conditions]
        good: Data = {"version": str(self.rules.version), "next": "/en/typing-sites/"}
        if stage == "born":
            good.update(stage="born", born_day="17", born_month="5", born_year="1995")
        else:
            good.update(born="1995-05-17", **dict.fromkeys(keys, "no"))
        if stage == "question":
            good.update(question=self.rules.conditions[0].key, answer="no")
        pool = {key: junk(st.sampled_from(["yes", "no"])) for key in keys}
        pool |= {key: junk(borns()) for key in ("born", "born_day", "born_month", "born_year")}
        pool |= {key: junk() for key in ("stage", "version", "next", "nav", "question", "answer")}
        drawn = data.draw(mutated(good, pool))
        before = counts()
        client = Client(raise_request_exception=False)
        method = "GET" if stage == "get" else "POST"
        response = sent(client, method, "/en/eligibility/", drawn, **_htmx(htmx))
        no_5xx(response)
        assert counts() == before

    @fuzz(80)
    @given(data=st.data(), page=st.sampled_from(["manage", "cancel", "change", "get-change"]))
    def test_the_manage_pages(self, data: st.DataObject, page: str) -> None:
        base = f"/en/booking/{self.manage}/"
        good: Data = {"action": "cancel", "confirm": "yes"}
        if page in ("change", "get-change"):
            good = {"slot": str(self.open_slot.pk), "site": self.site.slug, "day": "2030-01-01"}
            base += "change/"
        if page == "manage":
            good = {}
        if page == "cancel":
            base += "cancel/"
        pool = {key: junk() for key in ("action", "confirm", "site", "day")}
        drawn = data.draw(mutated(good, {**pool, "slot": junk(borns())}))
        client = Client(raise_request_exception=False)
        response = sent(client, "GET" if page == "get-change" else "POST", base, drawn)
        no_5xx(response)
        appointment = Appointment.objects.get(pk=self.booked_id)
        confirmed = last(drawn, "confirm") == "yes"
        if page == "cancel" and not confirmed:
            assert appointment.status != Appointment.Status.CANCELLED
        if page == "change":
            try:
                wanted = int(last(drawn, "slot") or "")
            except ValueError:
                wanted = 0
            if wanted != self.open_slot.pk:
                assert appointment.slot_id == self.other_slot.pk

    @fuzz(50)
    @given(
        token=st.one_of(st.none(), texts()), body=values(), method=st.sampled_from(["GET", "POST"])
    )
    def test_the_offer_page(self, token: str | None, body: Value, method: str) -> None:
        if token is not None and not token.strip("./"):  # "." or ".." is another address
            token = "x" + token
        quoted = self.offer if token is None else _quote(token)
        client = Client(raise_request_exception=False)
        response = sent(client, method, f"/en/waiting-list/offer/{quoted}/", {"junk": body})
        no_5xx(response)
        if token is not None:  # any other token opens nothing (400: one the site cannot read)
            assert response.status_code in (400, 404)

    @fuzz(80)
    @given(
        page=st.sampled_from(
            ["sites", "site", "waitlist", "booked", "cancelled", "drives", "drive"]
        ),
        query=st.dictionaries(
            st.one_of(st.sampled_from(["city", "lat", "lon", "day", "site", "code"]), texts()),
            values(),
            max_size=4,
        ),
        htmx=st.booleans(),
    )
    def test_the_query_strings_of_the_public_pages(
        self, page: str, query: Data, htmx: bool
    ) -> None:
        path = {
            "sites": "/en/typing-sites/",
            "site": f"/en/typing-sites/{self.site.slug}/",
            "waitlist": f"/en/typing-sites/{self.site.slug}/waiting-list/",
            "booked": f"/en/typing-sites/{self.site.slug}/booked/",
            "cancelled": "/en/booking/cancelled/",
            "drives": "/en/drives/",
            "drive": f"/en/drives/{self.drive.code}/",
        }[page]
        response = sent(self.volunteer(), "GET", path, query, **_htmx(htmx))
        no_5xx(response)


def _htmx(on: bool) -> dict[str, str]:
    return {"HX-Request": "true"} if on else {}


# --- bodies and addresses hypothesis' strategies do not make ------------------------------


@pytest.fixture
def bookable(db: None) -> Slot:
    site = factories.typing_site()
    return factories.slot(site, timezone.now() + dt.timedelta(days=3), capacity=5)


FORM = "application/x-www-form-urlencoded"
GOOD = encode(good_details())


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(GOOD.encode("utf-16"), f"{FORM}; charset=utf-16", id="utf-16 body"),
        pytest.param(GOOD.encode(), f"{FORM}; charset=utf-16", id="utf-16 label, utf-8 body"),
        pytest.param(GOOD.encode(), f"{FORM}; charset=no-such-charset", id="unknown charset"),
        pytest.param(GOOD.encode("cp037"), f"{FORM}; charset=cp037", id="EBCDIC"),
        pytest.param(GOOD.encode(), f"{FORM}; charset=latin-1", id="latin-1 label"),
        pytest.param(GOOD.encode() + b"&name=%FF%FE", FORM, id="invalid UTF-8 escaped"),
        pytest.param(GOOD.encode() + b"&name=\xff\xfe", FORM, id="invalid UTF-8 raw bytes"),
        pytest.param(b"name=%ZZ%&email=%", FORM, id="invalid percent-encoding"),
        pytest.param(GOOD.replace("Anna", "%00").encode(), FORM, id="NUL in the name"),
        pytest.param(b"\x00" * 64, FORM, id="NUL body"),
        pytest.param(b"a=1&" * 1500, FORM, id="too many fields"),
        pytest.param(b"name=" + b"x" * 3_000_000, FORM, id="body over the upload limit"),
        pytest.param(b"--x\r\nContent-Disposition", "multipart/form-data; boundary=x", id="cut"),
        pytest.param(b"whatever", "multipart/form-data", id="multipart without boundary"),
        pytest.param(b'{"name": "Anna"}', "application/json", id="json"),
    ],
)
def test_a_body_django_cannot_read_gets_no_5xx_and_books_nothing(
    bookable: Slot, body: bytes, content_type: str
) -> None:
    client = Client(raise_request_exception=False)
    client.cookies[PROOF_COOKIE] = factories.proof_for()
    path = f"/en/typing-sites/{bookable.site.slug}/book/{bookable.pk}/"
    response = counted(client.generic("POST", path, body, content_type=content_type), "raw body")
    no_5xx(response)
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    "query",
    ["day=%00", "day=2030-01-0%00", "city=%00", "lat=%00&lon=%00", "site=%00", "day=%FF%FE"],
)
@pytest.mark.parametrize("page", ["sites", "site", "waitlist", "change"])
def test_a_nul_or_broken_utf8_in_the_query_gets_no_5xx(
    bookable: Slot, page: str, query: str
) -> None:
    appointment = factories.appointment(bookable)
    path = {
        "sites": "/en/typing-sites/",
        "site": f"/en/typing-sites/{bookable.site.slug}/",
        "waitlist": f"/en/typing-sites/{bookable.site.slug}/waiting-list/",
        "change": f"/en/booking/{factories.manage_token(appointment)}/change/",
    }[page]
    response = Client(raise_request_exception=False).get(f"{path}?{query}")
    no_5xx(counted(response, f"query {page} {query}"))
