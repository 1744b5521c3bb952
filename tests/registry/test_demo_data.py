from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from recruitment.models import (
    Appointment,
    Drive,
    DriveProposal,
    DriveSignup,
    DriveWindow,
    OutboxEmail,
    Slot,
    TypingSite,
)
from registry.demo import DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_demo_has_sites_across_time_zones_a_full_day_and_can_be_loaded_twice(
    settings,
) -> None:
    settings.DEBUG = True  # the demo refuses to run otherwise (tests/registry/test_staff_auth.py)
    call_command("demo_data")
    sites = TypingSite.objects.count()
    slots = Slot.objects.count()
    booked = Appointment.objects.count()
    assert sites >= 7
    assert TypingSite.objects.values("time_zone").distinct().count() >= 5
    assert TypingSite.objects.values("city_en").distinct().count() >= 5
    assert slots > 1000
    full_day = Slot.objects.filter(site__slug="kazan-pushkina", booked__gt=0).values("day")
    day = full_day.first()["day"]
    assert all(
        s.booked == s.capacity for s in Slot.objects.filter(site__slug="kazan-pushkina", day=day)
    )
    call_command("demo_data")
    assert (TypingSite.objects.count(), Slot.objects.count(), Appointment.objects.count()) == (
        sites,
        slots,
        booked,
    )


def test_the_demo_has_drives_with_people_signed_up_and_prints_the_organiser_login(
    settings,
) -> None:
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    printed = out.getvalue()
    listed = Drive.objects.listed(timezone.now())
    assert listed.values("city_en").distinct().count() >= 3
    assert {"Moscow", "Kazan", "Novosibirsk"} <= set(listed.values_list("city_en", flat=True))
    unlisted = Drive.objects.get(status="published", visibility="unlisted")
    assert f"opens by its code: {unlisted.code}" in printed
    appeal = Drive.objects.get(kind="appeal", status="published")
    assert "Misha" in appeal.description_en and "Миш" in appeal.description_ru
    windows = DriveWindow.objects.filter(drive__code="KAQC69")
    assert windows.count() >= 4
    assert all(w.ends_at - w.starts_at == dt.timedelta(minutes=30) for w in windows)
    nearly_full = Drive.objects.get(code="NVAK73")
    assert nearly_full.places_left == 1
    for drive in Drive.objects.all():  # counted by the service, as for anyone
        active = drive.signups.filter(status__in=["signed_up", "checked_in"]).count()
        assert drive.signed_up == active, drive.code
    assert DriveSignup.objects.filter(drive__status="published").count() >= 20
    assert DriveProposal.objects.filter(status="pending").exists()
    assert Drive.objects.filter(status="submitted").exists()
    login = f"Demo organiser login: {DEMO_ORGANISER_EMAIL} / {DEMO_ORGANISER_PASSWORD}"
    assert login in printed
    signing_in = Client()
    signing_in.post(
        "/ru/organisers/sign-in/",
        {"username": DEMO_ORGANISER_EMAIL, "password": DEMO_ORGANISER_PASSWORD},
    )
    organiser = get_user_model().objects.get(username=DEMO_ORGANISER_EMAIL)
    assert signing_in.session.get("_auth_user_id") == str(organiser.pk)
    assert Drive.objects.of_organiser(organiser).count() >= 3
    assert not OutboxEmail.objects.filter(
        to__endswith="@volunteers.example", status="queued"
    ).exists()  # the fictional people get no email
    counts = (Drive.objects.count(), DriveSignup.objects.count(), DriveProposal.objects.count())
    again = io.StringIO()
    call_command("demo_data", stdout=again)
    assert login in again.getvalue()
    assert (
        Drive.objects.count(),
        DriveSignup.objects.count(),
        DriveProposal.objects.count(),
    ) == counts
