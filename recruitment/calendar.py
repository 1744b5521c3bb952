"""Calendar entries for a typing appointment: an .ics file and "add to calendar" links.

Volunteers book weeks ahead and many forget; putting the appointment in their own calendar is
the cheapest reminder we have. This module works on plain values, not models, so the rules that
matter (local wall time at the site, time-zone data, cancellations) can be tested without a
database, and the views and emails only have to build a :class:`CalendarEvent`.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from icalendar import Alarm, Calendar, Component, Event

PRODID = "-//Bone marrow donor registry//Recruitment//EN"

# Long enough that a volunteer can still leave for the site after seeing it, short enough that
# it is not forgotten again.
REMINDER_BEFORE = dt.timedelta(hours=2)

GOOGLE_CALENDAR_URL = "https://calendar.google.com/calendar/render"
OUTLOOK_CALENDAR_URL = "https://outlook.live.com/calendar/0/deeplink/compose"

# Query values keep "/" and ":" readable (both are allowed in a query, RFC 3986 §3.4); anything
# that could end a value early ("&", "=", "#", "+", "%", spaces, non-ASCII) is percent-encoded.
_QUERY_SAFE = "/:"


@dataclass(frozen=True)
class CalendarEvent:
    """One appointment as calendars see it.

    Text is already translated because the volunteer's language is known only to the caller.
    Times are instants (aware datetimes) so that nothing here depends on the server's zone; the
    site's ``time_zone`` decides how they are written, because a volunteer who travels to a site
    must see the time on the clock there.
    """

    uid: str
    title: str
    description: str
    location: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    time_zone: str
    sequence: int = 0
    cancelled: bool = False

    def __post_init__(self) -> None:
        # A naive time or an unknown zone would silently produce an entry at the wrong hour in
        # someone's calendar; refusing here makes the mistake show up in the caller's tests.
        for name in ("starts_at", "ends_at"):
            value: dt.datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{name} must be an aware datetime, got {value!r}.")
        if self.ends_at <= self.starts_at:
            raise ValueError("An appointment must end after it starts.")
        if self.sequence < 0:
            raise ValueError("SEQUENCE cannot be negative (RFC 5545 §3.8.7.4).")
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"{self.time_zone!r} is not an IANA time zone name.") from error

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> dt.datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def utc_start(self) -> dt.datetime:
        return self.starts_at.astimezone(dt.UTC)

    @property
    def utc_end(self) -> dt.datetime:
        return self.ends_at.astimezone(dt.UTC)


def ics_bytes(event: CalendarEvent, *, now: dt.datetime) -> bytes:
    """Return an RFC 5545 calendar file holding the appointment (or its cancellation).

    ``now`` is passed in rather than read from the clock so the output is reproducible; it
    becomes DTSTAMP, which calendars use with SEQUENCE to decide which copy of an event is newer.

    The start and end are written in the site's local wall time with a TZID, not in UTC, and
    the file carries its own VTIMEZONE: clients that do not know the IANA name (or know an older
    rule set) can still place the appointment, and one that falls after a daylight-saving change
    keeps its local hour instead of drifting by the offset in force when the file was made.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime.")

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    # CANCEL lets a client that imported the appointment remove it instead of adding a second,
    # still-valid-looking copy.
    calendar.add("method", "CANCEL" if event.cancelled else "PUBLISH")

    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", now.astimezone(dt.UTC))
    vevent.add("dtstart", event.local_start)
    vevent.add("dtend", event.local_end)
    vevent.add("summary", event.title)
    vevent.add("description", event.description)
    vevent.add("location", event.location)
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")

    if not event.cancelled:
        # A cancelled appointment must not ring; some clients would show the alarm of the
        # cancellation notice before they process the cancellation itself.
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -REMINDER_BEFORE)
        alarm.add("description", event.title)
        vevent.add_component(alarm)

    calendar.add_component(
        _vtimezone(event.time_zone, event.local_start.year - 1, event.local_end.year + 2)
    )
    calendar.add_component(vevent)
    return calendar.to_ical()


@functools.lru_cache(maxsize=256)
def _vtimezone(zone: str, first_year: int, last_year: int) -> Component:
    """The VTIMEZONE for a zone, built once per zone and span: building it walks the tz
    database and costs more than the rest of the file together (it is never mutated after).

    icalendar builds it from the system's tz database. The default span is 1970–2038 with every
    transition listed; a few years around the appointment are enough and keep the file small,
    while still containing a full DST cycle for zones that have one."""
    scratch = Calendar()
    probe = Event()
    probe.add("dtstart", dt.datetime(first_year + 1, 6, 1, 12, tzinfo=zoneinfo.ZoneInfo(zone)))
    scratch.add_component(probe)
    scratch.add_missing_timezones(
        first_date=dt.date(first_year, 1, 1), last_date=dt.date(last_year, 1, 1)
    )
    missing = scratch.get_missing_tzids()
    if missing:
        raise ValueError(f"No time-zone data for {', '.join(sorted(missing))}.")
    [timezone] = scratch.walk("VTIMEZONE")
    return timezone


def google_calendar_url(event: CalendarEvent) -> str:
    """Return a link that opens Google Calendar's "new event" form already filled in.

    Google needs no file download, which matters on phones where opening an .ics is awkward.
    Times go in UTC (with Z) so they mean one instant whatever the account's zone; ``ctz`` only
    makes the form show them in the site's zone.
    """
    dates = f"{_google_time(event.utc_start)}/{_google_time(event.utc_end)}"
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": dates,
        "details": event.description,
        "location": event.location,
        "ctz": event.time_zone,
    }
    return f"{GOOGLE_CALENDAR_URL}?{urlencode(query, quote_via=quote, safe=_QUERY_SAFE)}"


def outlook_calendar_url(event: CalendarEvent) -> str:
    """Return a link that opens Outlook.com's "new event" form already filled in.

    For the volunteers who use Outlook on the web, where downloaded .ics files are imported into
    a separate calendar. The times are ISO 8601 in UTC so the instant does not depend on the
    account's zone setting.
    """
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": _iso_utc(event.utc_start),
        "enddt": _iso_utc(event.utc_end),
        "body": event.description,
        "location": event.location,
    }
    return f"{OUTLOOK_CALENDAR_URL}?{urlencode(query, quote_via=quote, safe=_QUERY_SAFE)}"


def _google_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _iso_utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
