"""The numbers on an organiser's dashboard: sign-ups against the target day by day (drawn as a
small SVG chart on the server, with the same figures as a table), places, windows, arrivals,
and what the drive brought the registry (appointments booked through it, samples taken).

Pure reads, a fixed handful of queries whatever the drive's size.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from recruitment.models import Appointment, Drive, DriveSignup, DriveWindow, Sample

# Sign-ups that hold (or held, on the day) a place: the line the organiser watches grow.
COUNTED = (
    DriveSignup.Status.SIGNED_UP,
    DriveSignup.Status.CHECKED_IN,
    DriveSignup.Status.NO_SHOW,
)

# The chart's drawing area, in SVG user units; the page scales it to the screen's width.
WIDTH, HEIGHT = 420, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 16, 34


@dataclass(frozen=True)
class ChartDay:
    day: dt.date
    new: int
    total: int


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class DayTick:
    day: dt.date
    x: float


@dataclass(frozen=True)
class Chart:
    days: list[ChartDay]
    line: str  # the polyline's points
    dots: list[tuple[float, float]]
    target: int
    target_y: float | None
    y_ticks: list[Tick]
    x_ticks: list[DayTick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    label_x: int = LEFT - 6
    bottom_y: int = HEIGHT - BOTTOM
    label_y: int = HEIGHT - 12
    right_x: int = WIDTH - RIGHT


@dataclass(frozen=True)
class WindowStats:
    window: DriveWindow
    signed_up: int
    checked_in: int


@dataclass(frozen=True)
class DriveStats:
    counted: int  # people holding a place (signed up, checked in, or who did not come)
    signed_up: int
    checked_in: int
    walk_ins: int
    waiting: int
    cancelled: int
    no_show: int
    not_arrived: int  # still only signed up once the drive is over and not yet finished
    places_left: int
    target: int
    windows: list[WindowStats]
    appointments: int
    sampled: int
    samples: int
    chart: Chart | None


def _nice_top(value: int) -> int:
    """A round number at or above `value` for the top of the scale (10, 20, 50, 100, …)."""
    if value <= 10:
        return 10
    power = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * power)
        if top >= value:
            return top
    return 10 * power


def chart_of(
    per_day: dict[dt.date, int], *, first: dt.date, today: dt.date, last: dt.date, target: int
) -> Chart:
    """Cumulative sign-ups from `first` until `today` (the days with none included), on an axis
    that runs on to `last` (the drive's day, to show the time left), scaled so that the target
    line fits too."""
    last = max(last, today, first)
    span = (last - first).days
    days = []
    total = 0
    for offset in range((min(today, last) - first).days + 1):
        day = first + dt.timedelta(days=offset)
        new = per_day.get(day, 0)
        total += new
        days.append(ChartDay(day=day, new=new, total=total))
    top = _nice_top(max(total, target, 1))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return round(LEFT + (plot_w * i / span if span else plot_w / 2), 1)

    def y(value: int) -> float:
        return round(TOP + plot_h * (1 - value / top), 1)

    dots = [(x(i), y(d.total)) for i, d in enumerate(days)]
    axis = [first + dt.timedelta(days=offset) for offset in range(span + 1)]
    picks = sorted({0, span // 2, span}) if span else [0]
    return Chart(
        days=days,
        line=" ".join(f"{px},{py}" for px, py in dots),
        dots=dots if len(dots) <= 45 else [],
        target=target,
        target_y=y(target) if target else None,
        y_ticks=[Tick(value=v, y=y(v)) for v in (0, top // 2, top)],
        x_ticks=[DayTick(day=axis[i], x=x(i)) for i in picks],
    )


def drive_stats(drive: Drive, now: dt.datetime) -> DriveStats:
    signups = DriveSignup.objects.filter(drive=drive)
    by_status = dict(signups.values_list("status").annotate(n=Count("pk")).order_by())
    walk_ins = signups.filter(walk_in=True).exclude(status=DriveSignup.Status.CANCELLED).count()
    per_day = dict(
        signups.filter(status__in=COUNTED)
        .annotate(day=TruncDate("created_at", tzinfo=drive.zone))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    today = now.astimezone(drive.zone).date()
    chart = None
    if per_day:
        first = min(per_day)
        today = max(today, max(per_day))
        last = drive.day if drive.day is not None else today
        chart = chart_of(per_day, first=first, today=today, last=last, target=drive.target)
    windows = [
        WindowStats(window=w, signed_up=w.signed_up, checked_in=w.arrived)
        for w in DriveWindow.objects.filter(drive=drive).annotate(
            arrived=Count("signups", filter=Q(signups__status=DriveSignup.Status.CHECKED_IN))
        )
    ]
    appointments = Appointment.objects.filter(drive=drive).aggregate(
        booked=Count("pk", filter=~Q(status=Appointment.Status.CANCELLED)),
        sampled=Count("pk", filter=Q(status=Appointment.Status.ATTENDED)),
    )
    signed_up = by_status.get(DriveSignup.Status.SIGNED_UP, 0)
    over = drive.ends_at is not None and now >= drive.ends_at
    return DriveStats(
        counted=sum(by_status.get(status, 0) for status in COUNTED),
        signed_up=signed_up,
        checked_in=by_status.get(DriveSignup.Status.CHECKED_IN, 0),
        walk_ins=walk_ins,
        waiting=by_status.get(DriveSignup.Status.WAITING, 0),
        cancelled=by_status.get(DriveSignup.Status.CANCELLED, 0),
        no_show=by_status.get(DriveSignup.Status.NO_SHOW, 0),
        not_arrived=signed_up if over and drive.status == Drive.Status.PUBLISHED else 0,
        places_left=drive.places_left,
        target=drive.target,
        windows=windows,
        appointments=appointments["booked"],
        sampled=appointments["sampled"],
        samples=Sample.objects.filter(drive=drive).count(),
        chart=chart,
    )
