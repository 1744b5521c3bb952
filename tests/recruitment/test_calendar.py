from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from recruitment.calendar import (
    PRODID,
    CalendarEvent,
    google_calendar_url,
    ics_bytes,
    outlook_calendar_url,
)

VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
NOW = dt.datetime(2027, 1, 10, 12, 0, tzinfo=dt.UTC)


def make_event(**overrides: Any) -> CalendarEvent:
    values: dict[str, Any] = {
        "uid": "appointment-42@registry",
        "title": "Blood test for the bone marrow donor registry",
        "description": "Bring your passport.\nDetails: https://example.org/a/42?lang=en&x=1",
        "location": "Vladivostok lab, 1 Svetlanskaya St",
        "starts_at": dt.datetime(2027, 3, 1, 9, 0, tzinfo=VLADIVOSTOK),
        "ends_at": dt.datetime(2027, 3, 1, 9, 15, tzinfo=VLADIVOSTOK),
        "time_zone": "Asia/Vladivostok",
    }
    values.update(overrides)
    return CalendarEvent(**values)


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def only_event(calendar: Calendar) -> Any:
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def as_read_from_vtimezone(calendar: Calendar, wall_time: dt.datetime) -> dt.datetime:
    """Interpret a local wall time with the file's own VTIMEZONE only, as a calendar that does
    not know the IANA name would, and return the instant it means."""
    (vtimezone,) = calendar.walk("VTIMEZONE")
    tz = vtimezone.to_tz(lookup_tzid=False)
    return wall_time.replace(tzinfo=tz).astimezone(dt.UTC)


# --- local wall time and VTIMEZONE ------------------------------------------------------------


def test_a_vladivostok_appointment_is_written_in_vladivostok_time() -> None:
    data = ics_bytes(make_event(), now=NOW)

    assert b"\r\nDTSTART;TZID=Asia/Vladivostok:20270301T090000\r\n" in data
    assert b"\r\nDTEND;TZID=Asia/Vladivostok:20270301T091500\r\n" in data
    assert b"DTSTART:20270228T230000Z" not in data


def test_a_vladivostok_appointment_carries_a_vladivostok_vtimezone() -> None:
    calendar = parse(ics_bytes(make_event(), now=NOW))

    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Asia/Vladivostok"
    offsets = {sub["TZOFFSETTO"].td for sub in vtimezone.subcomponents}
    assert offsets == {dt.timedelta(hours=10)}


def test_a_vladivostok_appointment_read_back_is_the_same_instant() -> None:
    event = make_event()
    calendar = parse(ics_bytes(event, now=NOW))

    start = only_event(calendar)["DTSTART"].dt
    end = only_event(calendar)["DTEND"].dt
    assert start.tzinfo is not None
    assert start == event.starts_at == dt.datetime(2027, 2, 28, 23, 0, tzinfo=dt.UTC)
    assert end == event.ends_at
    assert as_read_from_vtimezone(calendar, start.replace(tzinfo=None)) == event.starts_at


def test_an_appointment_given_in_utc_is_still_written_in_the_site_time() -> None:
    event = make_event(
        starts_at=dt.datetime(2027, 2, 28, 23, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 2, 28, 23, 15, tzinfo=dt.UTC),
    )

    data = ics_bytes(event, now=NOW)

    assert b"DTSTART;TZID=Asia/Vladivostok:20270301T090000" in data


DST_ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney"]


@pytest.mark.parametrize("zone", DST_ZONES)
@pytest.mark.parametrize(
    "starts_at",
    [
        pytest.param(dt.datetime(2027, 1, 18, 8, 30, tzinfo=dt.UTC), id="january"),
        pytest.param(dt.datetime(2027, 7, 19, 8, 30, tzinfo=dt.UTC), id="july"),
    ],
)
def test_an_appointment_in_a_daylight_saving_zone_keeps_its_instant_in_winter_and_summer(
    zone: str, starts_at: dt.datetime
) -> None:
    event = make_event(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=15), time_zone=zone
    )
    calendar = parse(ics_bytes(event, now=NOW))

    start = only_event(calendar)["DTSTART"].dt
    local = starts_at.astimezone(ZoneInfo(zone))
    assert start.replace(tzinfo=None) == local.replace(tzinfo=None)
    assert only_event(calendar)["DTSTART"].params["TZID"] == zone
    assert start == starts_at
    # The point: a calendar that goes only by the VTIMEZONE places it at the same instant.
    assert as_read_from_vtimezone(calendar, local.replace(tzinfo=None)) == starts_at


@pytest.mark.parametrize("zone", DST_ZONES)
def test_a_daylight_saving_zone_has_both_standard_and_daylight_rules(zone: str) -> None:
    event = make_event(
        starts_at=dt.datetime(2027, 1, 18, 8, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 1, 18, 8, 45, tzinfo=dt.UTC),
        time_zone=zone,
    )
    calendar = parse(ics_bytes(event, now=NOW))

    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == zone
    kinds = {sub.name for sub in vtimezone.subcomponents}
    assert kinds == {"STANDARD", "DAYLIGHT"}


def test_the_local_hour_stays_put_across_the_daylight_saving_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    before = make_event(
        starts_at=dt.datetime(2027, 3, 26, 10, 0, tzinfo=berlin),
        ends_at=dt.datetime(2027, 3, 26, 10, 15, tzinfo=berlin),
        time_zone="Europe/Berlin",
    )
    after = replace(
        before,
        starts_at=dt.datetime(2027, 3, 29, 10, 0, tzinfo=berlin),
        ends_at=dt.datetime(2027, 3, 29, 10, 15, tzinfo=berlin),
    )

    before_data = ics_bytes(before, now=NOW)
    after_data = ics_bytes(after, now=NOW)

    assert b"DTSTART;TZID=Europe/Berlin:20270326T100000" in before_data
    assert b"DTSTART;TZID=Europe/Berlin:20270329T100000" in after_data
    after_calendar = parse(after_data)
    wall = dt.datetime(2027, 3, 29, 10, 0)
    assert as_read_from_vtimezone(after_calendar, wall) == dt.datetime(
        2027, 3, 29, 8, 0, tzinfo=dt.UTC
    )


# --- the calendar and the event ---------------------------------------------------------------


def test_the_calendar_names_the_registry_and_publishes_the_event() -> None:
    calendar = parse(ics_bytes(make_event(), now=NOW))

    assert calendar["PRODID"] == PRODID == "-//Bone marrow donor registry//Recruitment//EN"
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    event = only_event(calendar)
    assert event["UID"] == "appointment-42@registry"
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    assert event["SUMMARY"] == "Blood test for the bone marrow donor registry"


def test_the_stamp_is_the_given_moment_in_utc() -> None:
    moscow_noon = dt.datetime(2027, 1, 10, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))

    data = ics_bytes(make_event(), now=moscow_noon)

    assert b"\r\nDTSTAMP:20270110T090000Z\r\n" in data
    assert only_event(parse(data))["DTSTAMP"].dt == moscow_noon


def test_the_vtimezone_comes_before_the_event_that_uses_it() -> None:
    data = ics_bytes(make_event(), now=NOW)

    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")


def test_a_rescheduled_appointment_carries_the_sequence_it_is_given() -> None:
    calendar = parse(ics_bytes(make_event(sequence=3), now=NOW))

    assert only_event(calendar)["SEQUENCE"] == 3


def test_the_volunteer_is_reminded_two_hours_before() -> None:
    event = make_event()
    data = ics_bytes(event, now=NOW)

    (alarm,) = only_event(parse(data)).walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm["TRIGGER"].dt == -dt.timedelta(hours=2)
    assert alarm["DESCRIPTION"] == event.title
    assert b"\r\nTRIGGER:-PT2H\r\n" in data


# --- cancellation ------------------------------------------------------------------------------


def test_a_cancelled_appointment_is_sent_as_a_cancellation_of_the_same_event() -> None:
    booked = make_event(sequence=1)
    cancelled = replace(booked, sequence=2, cancelled=True)

    data = ics_bytes(cancelled, now=NOW)
    calendar = parse(data)

    assert calendar["METHOD"] == "CANCEL"
    event = only_event(calendar)
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == booked.uid
    assert event["SEQUENCE"] == 2
    assert b"\r\nMETHOD:CANCEL\r\n" in data
    assert b"\r\nSTATUS:CANCELLED\r\n" in data


def test_a_cancelled_appointment_does_not_ring() -> None:
    calendar = parse(ics_bytes(make_event(cancelled=True), now=NOW))

    assert only_event(calendar).walk("VALARM") == []


# --- text ----------------------------------------------------------------------------------------

RUSSIAN_TITLE = "Анализ крови для регистра доноров костного мозга; запись №42, подтверждена"
RUSSIAN_LOCATION = "Лаборатория «Гемотест», Владивосток, ул. Светланская, 1; кабинет 5"
RUSSIAN_DESCRIPTION = (
    "Возьмите паспорт; поешьте заранее, не натощак.\n"
    "Подробности: https://example.org/ru/a/42?x=1&y=2\n"
    "Обратная косая черта: \\ тоже должна выжить."
)


def test_russian_text_with_commas_and_semicolons_survives_a_round_trip() -> None:
    event = make_event(
        title=RUSSIAN_TITLE, location=RUSSIAN_LOCATION, description=RUSSIAN_DESCRIPTION
    )

    data = ics_bytes(event, now=NOW)
    parsed = only_event(parse(data))

    assert parsed["SUMMARY"] == RUSSIAN_TITLE
    assert parsed["LOCATION"] == RUSSIAN_LOCATION
    assert parsed["DESCRIPTION"] == RUSSIAN_DESCRIPTION
    (alarm,) = parsed.walk("VALARM")
    assert alarm["DESCRIPTION"] == RUSSIAN_TITLE


def test_commas_semicolons_backslashes_and_newlines_are_escaped_in_the_file() -> None:
    event = make_event(title="a, b; c", description="line 1\nline 2 \\ end", location="x; y, z")

    data = ics_bytes(event, now=NOW)

    assert b"SUMMARY:a\\, b\\; c\r\n" in data
    assert b"DESCRIPTION:line 1\\nline 2 \\\\ end\r\n" in data
    assert b"LOCATION:x\\; y\\, z\r\n" in data


def test_lines_are_folded_at_75_octets_and_end_with_crlf() -> None:
    event = make_event(
        title=RUSSIAN_TITLE * 3, location=RUSSIAN_LOCATION, description=RUSSIAN_DESCRIPTION * 4
    )

    data = ics_bytes(event, now=NOW)

    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    # Long Russian text really was folded, and no character was cut in half.
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        line.decode("utf-8")


# --- links -----------------------------------------------------------------------------------


LINK_TEXT = {
    "title": "Анализ крови & регистр + доноры #1; 100% бесплатно",
    "description": "Возьмите паспорт.\nhttps://example.org/a/42?lang=ru&x=1",
    "location": "Владивосток, ул. Светланская, 1; кабинет 5",
}


def query_of(url: str) -> dict[str, str]:
    values = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(value) == 1 for value in values.values())
    return {key: value[0] for key, value in values.items()}


def test_the_google_link_opens_a_filled_in_event_at_the_utc_instants() -> None:
    event = make_event(**LINK_TEXT)

    url = google_calendar_url(event)

    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "calendar.google.com",
        "/calendar/render",
    )
    query = query_of(url)
    assert query["action"] == "TEMPLATE"
    assert query["dates"] == "20270228T230000Z/20270228T231500Z"
    assert query["text"] == LINK_TEXT["title"]
    assert query["details"] == LINK_TEXT["description"]
    assert query["location"] == LINK_TEXT["location"]
    assert query["ctz"] == "Asia/Vladivostok"


def test_the_google_link_is_plain_ascii() -> None:
    url = google_calendar_url(make_event(**LINK_TEXT))

    assert url.isascii()
    assert " " not in url
    assert "\n" not in url


def test_the_outlook_link_opens_a_filled_in_event_at_the_utc_instants() -> None:
    event = make_event(**LINK_TEXT)

    url = outlook_calendar_url(event)

    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "outlook.live.com",
        "/calendar/0/deeplink/compose",
    )
    query = query_of(url)
    assert query["path"] == "/calendar/action/compose"
    assert query["rru"] == "addevent"
    assert query["startdt"] == "2027-02-28T23:00:00Z"
    assert query["enddt"] == "2027-02-28T23:15:00Z"
    assert query["subject"] == LINK_TEXT["title"]
    assert query["body"] == LINK_TEXT["description"]
    assert query["location"] == LINK_TEXT["location"]
    assert url.isascii()
    assert " " not in url


def test_the_links_use_utc_whatever_zone_the_times_were_given_in() -> None:
    event = make_event(
        starts_at=dt.datetime(2027, 7, 19, 10, 30, tzinfo=ZoneInfo("Europe/Berlin")),
        ends_at=dt.datetime(2027, 7, 19, 10, 45, tzinfo=ZoneInfo("Europe/Berlin")),
        time_zone="Europe/Berlin",
    )

    assert query_of(google_calendar_url(event))["dates"] == "20270719T083000Z/20270719T084500Z"
    assert query_of(google_calendar_url(event))["ctz"] == "Europe/Berlin"
    assert query_of(outlook_calendar_url(event))["startdt"] == "2027-07-19T08:30:00Z"


# --- refusing mistakes ----------------------------------------------------------------------


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        make_event(starts_at=dt.datetime(2027, 3, 1, 9, 0))


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="IANA"):
        make_event(time_zone="Asia/Atlantis")


def test_an_appointment_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="end after"):
        make_event(ends_at=dt.datetime(2027, 3, 1, 8, 0, tzinfo=VLADIVOSTOK))


def test_a_naive_stamp_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        ics_bytes(make_event(), now=dt.datetime(2027, 1, 10, 12, 0))
