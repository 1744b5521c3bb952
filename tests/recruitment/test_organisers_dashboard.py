"""An organiser's dashboard (numbers, the sign-ups chart), editing a draft and its windows,
sending it for approval, inviting a co-organiser, and finishing the drive after the day."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from recruitment.models import Drive, DriveOrganiser, DriveWindow, OutboxEmail, Sample
from recruitment.services.drive_desk import checkin
from recruitment.services.drive_stats import chart_of
from tests.factories import (
    appointment,
    drive,
    drive_signup,
    drive_window,
    organiser,
    slot,
    typing_site,
)

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def figures(html: str) -> list[str]:
    return re.findall(r'<span class="figure"[^>]*>(\d+)</span>\s*([^<]+)', html)


def test_the_chart_adds_up_the_days_and_draws_the_target_line() -> None:
    first = dt.date(2026, 3, 1)
    chart = chart_of(
        {first: 2, first + dt.timedelta(days=2): 3},
        first=first,
        today=first + dt.timedelta(days=3),
        last=first + dt.timedelta(days=9),
        target=20,
    )
    assert [(d.new, d.total) for d in chart.days] == [(2, 2), (0, 2), (3, 5), (0, 5)]
    points = [tuple(map(float, p.split(","))) for p in chart.line.split()]
    assert len(points) == 4  # up to today, not on to the drive's day
    assert points[0][0] == chart.left and points[-1][0] < chart.right_x
    assert points[2][1] < points[1][1]  # higher on the page = more people
    assert chart.target_y is not None and chart.target_y < points[-1][1]  # 20 is above 5
    assert [t.day for t in chart.x_ticks] == [
        first,
        first + dt.timedelta(days=4),
        first + dt.timedelta(days=9),
    ]


def test_the_dashboard_shows_the_drives_numbers(time_machine: Any) -> None:
    time_machine.move_to(timezone.now() - dt.timedelta(days=3))
    lab = drive("DASHBD", capacity=10, target=8)
    desk = organiser(lab)
    drive_signup(lab, 1)
    drive_signup(lab, 2)
    time_machine.move_to(timezone.now() + dt.timedelta(days=2))
    came = drive_signup(lab, 3)
    checkin(drive=lab, signup_id=came.pk, key=uuid.uuid4(), by=desk, now=timezone.now())
    site = typing_site(slug="elsewhere")
    at = slot(site, timezone.now() + dt.timedelta(days=1), capacity=3)
    appointment(at, 1, drive=lab)
    appointment(at, 2, drive=lab, status="attended")
    appointment(at, 3, drive=lab, status="cancelled")

    page = signed_in(desk).get("/en/organisers/drives/DASHBD/")
    assert page.status_code == 200
    numbers = {label.strip(): int(n) for n, label in figures(page.text)}
    assert numbers["signed up, of a target of 8"] == 3
    assert numbers["places left of 10"] == 7
    assert numbers["checked in"] == 1
    assert numbers["blood tests booked at typing sites through this drive's link or code"] == 2
    assert numbers["of them came and gave a sample"] == 1
    svg = re.search(r"<svg.*?</svg>", page.text, re.S)
    assert svg is not None
    assert 'role="img"' in svg.group(0) and "Sign-ups so far: 3; target: 8." in svg.group(0)
    assert 'class="target"' in svg.group(0)
    assert len(re.findall(r'<circle class="dot"', svg.group(0))) == 3  # three days so far
    assert "style=" not in svg.group(0)  # the page's CSP allows no inline styles
    table = re.findall(r"<tr><th scope=\"row\".*?<td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>", page.text)
    assert table == [("2", "2"), ("1", "3")]


def test_a_drive_without_sign_ups_says_so_instead_of_a_chart() -> None:
    lab = drive("EMPTYD")
    page = signed_in(organiser(lab)).get("/en/organisers/drives/EMPTYD/")
    assert "No sign-ups yet" in page.text and "<svg" not in page.text


def test_the_dashboard_numbers_in_russian_keep_dots_in_the_svg(time_machine: Any) -> None:
    lab = drive("RUSSVG", capacity=7, target=3)
    drive_signup(lab, 1)
    page = signed_in(organiser(lab)).get("/ru/organisers/drives/RUSSVG/")
    assert page.status_code == 200
    coordinates = re.findall(r' (?:x|y|x1|y1|cx|cy)="([^"]+)"', page.text)
    assert coordinates and all("," not in value for value in coordinates)


def draft(code: str = "DRAFT1", **fields: Any) -> Drive:
    return drive(code, status="draft", **fields)


def edit_form(lab: Drive, **changes: Any) -> dict[str, Any]:
    values = {
        "action": "save",
        "kind": "venue",
        "visibility": "listed",
        "time_zone": "Asia/Yekaterinburg",
        "day": (timezone.now() + dt.timedelta(days=20)).date().isoformat(),
        "starts": "11:00",
        "ends": "15:30",
        "capacity": "40",
        "target": "60",
        "partner": str(lab.partner_id),
        "title_ru": "День донора",
        "venue_ru": "Корпус 2",
        "city_ru": "Екатеринбург",
        "description_ru": "",
        "title_en": "Donor day",
        "venue_en": "",
        "city_en": "",
        "description_en": "",
    }
    values.update(changes)
    return values


def test_a_draft_is_edited_in_the_drives_own_time() -> None:
    lab = draft()
    client = signed_in(organiser(lab))
    assert "The drive's texts, in Russian" in client.get("/en/organisers/drives/DRAFT1/edit/").text
    response = client.post("/en/organisers/drives/DRAFT1/edit/", edit_form(lab))
    assert response["Location"] == "/en/organisers/drives/DRAFT1/"
    lab.refresh_from_db()
    assert lab.title_ru == "День донора" and lab.title_en == "Donor day"
    assert lab.time_zone == "Asia/Yekaterinburg"
    local = lab.starts_at.astimezone(lab.zone)
    assert (local.hour, local.minute) == (11, 0)
    assert lab.starts_at.astimezone(dt.UTC).hour == 6  # UTC+5
    assert (lab.capacity, lab.target) == (40, 60)


def test_an_edit_with_mistakes_says_what_to_fix_and_changes_nothing() -> None:
    lab = draft()
    client = signed_in(organiser(lab))
    response = client.post(
        "/en/organisers/drives/DRAFT1/edit/", edit_form(lab, starts="16:00", ends="10:00")
    )
    assert response.status_code == 400
    assert "error-summary" in response.text and "must end after it starts" in response.text
    lab.refresh_from_db()
    assert lab.time_zone == "Europe/Moscow"


def test_editing_a_submitted_drive_takes_it_back_to_draft() -> None:
    lab = drive("SUBMTD", status="submitted")
    client = signed_in(organiser(lab))
    client.post("/en/organisers/drives/SUBMTD/edit/", edit_form(lab))
    assert Drive.objects.get(pk=lab.pk).status == "draft"


def test_a_published_drive_is_not_edited_here() -> None:
    lab = drive("PUBLSH")
    client = signed_in(organiser(lab))
    page = client.get("/en/organisers/drives/PUBLSH/edit/")
    assert page.status_code == 200 and "no longer changed here" in page.text
    client.post("/en/organisers/drives/PUBLSH/edit/", edit_form(lab, title_ru="Другое"))
    assert Drive.objects.get(pk=lab.pk).title_ru == "День донора в университете"


def test_windows_are_added_within_the_hours_and_removed() -> None:
    lab = draft()
    client = signed_in(organiser(lab))
    url = "/en/organisers/drives/DRAFT1/edit/"
    outside = client.post(
        url,
        {
            "action": "add-window",
            "window_starts": "08:00",
            "window_ends": "09:00",
            "window_capacity": "5",
        },
    )
    assert outside.status_code == 400 and "within the drive" in outside.text
    client.post(
        url,
        {
            "action": "add-window",
            "window_starts": "10:00",
            "window_ends": "11:00",
            "window_capacity": "5",
        },
    )
    window = DriveWindow.objects.get(drive=lab)
    assert window.starts_at.astimezone(lab.zone).hour == 10 and window.capacity == 5
    assert "10:00–11:00" in client.get(url).text
    client.post(url, {"action": "remove-window", "window": str(window.pk)})
    assert not DriveWindow.objects.filter(drive=lab).exists()


def test_moving_the_day_keeps_the_windows_local_hours() -> None:
    lab = draft()
    drive_window(lab, 12)
    client = signed_in(organiser(lab))
    client.post("/en/organisers/drives/DRAFT1/edit/", edit_form(lab))
    lab.refresh_from_db()
    window = DriveWindow.objects.get(drive=lab)
    local = window.starts_at.astimezone(lab.zone)
    assert local.date() == lab.day and local.hour == 12


def test_a_window_someone_signed_up_in_stays() -> None:
    lab = drive("WINFUL")
    window = drive_window(lab, 11)
    drive_signup(lab, 1, window=window)
    Drive.objects.filter(pk=lab.pk).update(status="draft")
    client = signed_in(organiser(lab))
    response = client.post(
        "/en/organisers/drives/WINFUL/edit/", {"action": "remove-window", "window": str(window.pk)}
    )
    assert response.status_code == 302
    assert DriveWindow.objects.filter(pk=window.pk).exists()
    assert "has people signed up in it" in client.get(response["Location"]).text


def test_submitting_an_unfinished_draft_names_what_is_missing() -> None:
    lab = draft(partner=typing_site(slug="p"), venue_ru="", title_ru="")
    Drive.objects.filter(pk=lab.pk).update(partner=None)
    client = signed_in(organiser(lab))
    response = client.post("/en/organisers/drives/DRAFT1/submit/")
    page = client.get(response["Location"]).text
    assert "please add: a title, the venue and its address, the typing partner." in page
    assert Drive.objects.get(pk=lab.pk).status == "draft"


def test_a_complete_draft_goes_for_approval() -> None:
    lab = draft()
    client = signed_in(organiser(lab))
    assert client.get("/en/organisers/drives/DRAFT1/submit/").status_code == 405
    response = client.post("/en/organisers/drives/DRAFT1/submit/")
    assert "Sent for approval" in client.get(response["Location"]).text
    assert Drive.objects.get(pk=lab.pk).status == "submitted"


def test_a_co_organiser_is_invited_and_emailed() -> None:
    lab = drive("INVITE")
    client = signed_in(organiser(lab))
    bad = client.post("/en/organisers/drives/INVITE/invite/", {"name": "", "email": "x"})
    assert bad.status_code == 400 and "error-summary" in bad.text
    response = client.post(
        "/en/organisers/drives/INVITE/invite/",
        {"name": "Pavel Helper", "email": "Pavel@Example.org", "language": "en"},
    )
    assert response.status_code == 302
    role = DriveOrganiser.objects.get(drive=lab, user__username="pavel@example.org")
    assert role.active and role.invited_by is not None
    email = OutboxEmail.objects.get(kind="organiser-invited")
    assert (email.to, email.language, email.link) == ("pavel@example.org", "en", "password")
    assert "Pavel Helper is invited" in client.get(response["Location"]).text


def test_a_drive_is_finished_only_after_its_end(time_machine: Any) -> None:
    lab = drive("FINISH", days=1)
    desk = organiser(lab)
    came = drive_signup(lab, 1)
    drive_signup(lab, 2)
    client = signed_in(desk)
    assert "Finish the drive" not in client.get("/en/organisers/drives/FINISH/").text
    client.post("/en/organisers/drives/FINISH/finish/")
    assert Drive.objects.get(pk=lab.pk).status == "published"

    time_machine.move_to(lab.starts_at + dt.timedelta(hours=1))
    checkin(drive=lab, signup_id=came.pk, key=uuid.uuid4(), by=desk, now=timezone.now())
    time_machine.move_to(lab.ends_at + dt.timedelta(hours=1))
    page = client.get("/en/organisers/drives/FINISH/").text
    assert "Finish the drive" in page
    over = {label.strip(): int(n) for n, label in figures(page)}
    assert over["signed up but not checked in (the drive is over)"] == 1
    response = client.post("/en/organisers/drives/FINISH/finish/")
    after = client.get(response["Location"]).text
    assert "1 samples are recorded" in after
    assert Sample.objects.filter(drive=lab).count() == 1
    numbers = {label.strip(): int(n) for n, label in figures(after)}
    assert numbers["did not come"] == 1
