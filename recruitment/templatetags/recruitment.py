from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy

from recruitment.eligibility import Rule
from recruitment.models.base import current_language

register = template.Library()


FIRST_DAYS = dt.timedelta(days=14)


@register.simple_tag
def days_in_view(days: list[dict[str, Any]], chosen: dt.date | None, more: str) -> dict[str, Any]:
    """The days a site's page lists: about two weeks from the first one (so that on a phone the
    times are not forty buttons down), all of them when asked (`more`) or when the chosen day
    lies further on. `rest` is the last day left out, if any."""
    open_days = [d["day"] for d in days if not d.get("closure")]
    if more or not open_days:
        return {"shown": days, "rest": None, "all": bool(more)}
    until = open_days[0] + FIRST_DAYS
    if chosen is not None and chosen >= until:
        return {"shown": days, "rest": None, "all": True}
    shown = [d for d in days if d["day"] < until]
    rest = days[-1]["day"] if len(shown) < len(days) else None
    return {"shown": shown, "rest": rest, "all": False}


@register.filter
def rule_text(rule: Rule, name: str) -> str:
    """One of a rule's texts (question, help, reason) in the active language."""
    return rule.text(current_language(), name)


# How people name the time of the zones our sites use ("московское время" is what a Russian
# timetable says); any other zone falls back to the city in its IANA name.
ZONE_NAMES = {
    "Europe/Kaliningrad": gettext_lazy("Kaliningrad time"),
    "Europe/Moscow": gettext_lazy("Moscow time"),
    "Europe/Samara": gettext_lazy("Samara time"),
    "Asia/Yekaterinburg": gettext_lazy("Yekaterinburg time"),
    "Asia/Omsk": gettext_lazy("Omsk time"),
    "Asia/Novosibirsk": gettext_lazy("Novosibirsk time"),
    "Asia/Krasnoyarsk": gettext_lazy("Krasnoyarsk time"),
    "Asia/Irkutsk": gettext_lazy("Irkutsk time"),
    "Asia/Yakutsk": gettext_lazy("Yakutsk time"),
    "Asia/Vladivostok": gettext_lazy("Vladivostok time"),
    "Asia/Magadan": gettext_lazy("Magadan time"),
    "Asia/Kamchatka": gettext_lazy("Kamchatka time"),
}
_OTHER_ZONE = gettext_lazy("%(city)s time")


def _utc_offset(offset: dt.timedelta) -> str:
    minutes = round(offset.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "\u2212"  # a real minus sign, not a hyphen
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


@register.filter
def zone_label(zone: str, at: dt.datetime | dt.date | None = None) -> str:
    """A site's time zone as a person reads it, "Moscow time (UTC+3)", with the offset in force
    at `at` (a moment, or a day's local noon; now when not given), so a zone with summer time
    reads right on either side of the change."""
    try:
        info = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zone
    if isinstance(at, dt.datetime):
        moment = at.astimezone(info) if timezone.is_aware(at) else at.replace(tzinfo=info)
    elif isinstance(at, dt.date):
        moment = dt.datetime.combine(at, dt.time(12), tzinfo=info)
    else:
        moment = timezone.now().astimezone(info)
    offset = moment.utcoffset() or dt.timedelta(0)
    known = ZONE_NAMES.get(zone)
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    name = str(known) if known is not None else _OTHER_ZONE % {"city": city}
    return f"{name} ({_utc_offset(offset)})"
