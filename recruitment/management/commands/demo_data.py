"""Load the demo's data. Safe to run again: it creates only what is missing."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from recruitment import eligibility
from recruitment.demo_drives import load_demo_drives
from recruitment.demo_sites import SITES
from recruitment.models import (
    Appointment,
    Closure,
    ConsentText,
    OpeningPattern,
    OutboxEmail,
    RulesVersion,
    Slot,
    TypingSite,
)
from recruitment.services.appointments import appointment_book
from recruitment.services.people import Details
from recruitment.services.sites import slots_generate
from registry.auth import AlreadyEnrolled, Enrolment, staff_enrol, totp_key
from registry.demo import (
    DEMO_ORGANISER_EMAIL,
    DEMO_ORGANISER_PASSWORD,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DEMO_USERNAME,
)


class Command(BaseCommand):
    help = (
        "Create the demo staff and organiser logins, the demo typing sites with eight weeks of "
        "slots, and demo drives with people signed up (the rules, questions and consent text "
        "come with the migrations)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "demo_data makes a staff login whose password and two-factor secret are "
                "published in the README, so it runs only with DEBUG=1, never on a real site."
            )
        enrolment = demo_staff()
        sites = load_demo_sites()
        now = timezone.now()
        slots = slots_generate(now=now)
        self.stdout.write(f"Demo typing sites: {sites} new; {slots} new slots.")
        full = fill_a_day(now)
        if full:
            self.stdout.write(f"Demo: {full} is fully booked, to try the waiting list.")
        drives = load_demo_drives(now, published_by=demo_staff_user())
        self.stdout.write(
            f"Demo drives: {drives['made']} new. The unlisted one opens by its code: "
            f"{drives['unlisted']}."
        )
        self.stdout.write(
            f"Demo staff login: {DEMO_USERNAME} / {DEMO_PASSWORD}, "
            f"authenticator app secret {DEMO_TOTP_SECRET}"
        )
        if enrolment is not None:
            codes = " ".join(enrolment.recovery_codes)
            self.stdout.write(f"Demo staff recovery codes (each works once): {codes}")
        self.stdout.write(
            f"Demo organiser login: {DEMO_ORGANISER_EMAIL} / {DEMO_ORGANISER_PASSWORD}"
        )


def demo_staff() -> Enrolment | None:
    """The demo's staff login: a coordinator, and a superuser too so a tester can look round
    the whole admin, enrolled with the published two-factor secret. Returns the enrolment
    when it is new (its recovery codes are shown only then)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={"is_staff": True, "is_superuser": True, "email": "staff@registry.example"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    user.groups.add(Group.objects.get(name="coordinator"))
    try:
        return staff_enrol(username=DEMO_USERNAME, key=totp_key(DEMO_TOTP_SECRET))
    except AlreadyEnrolled:
        return None


def demo_staff_user() -> Any:
    return get_user_model().objects.get(username=DEMO_USERNAME)


def load_demo_sites() -> int:
    created = 0
    for row in SITES:
        fields = {k: v for k, v in row.items() if k not in ("patterns", "closures")}
        site, new = TypingSite.objects.get_or_create(slug=fields.pop("slug"), defaults=fields)
        if not new:
            continue
        created += 1
        for pattern in row["patterns"]:  # type: ignore[attr-defined]
            OpeningPattern.objects.create(site=site, **pattern)
        for closure in row["closures"]:  # type: ignore[attr-defined]
            Closure.objects.create(site=site, **closure)
    return created


def fill_a_day(now: dt.datetime) -> str:
    """Book every place of one day at the Kazan demo site with fictional volunteers, so the
    waiting list can be tried (cancel one of them in the admin to see the offer go out)."""
    site = TypingSite.objects.filter(slug="kazan-pushkina").first()
    if site is None:
        return ""
    done = (
        Appointment.objects.filter(email__endswith="@volunteers.example", slot__starts_at__gt=now)
        .select_related("slot")
        .first()
    )
    if done is not None:
        return f"{site.name_en}, {done.slot.day:%Y-%m-%d}"
    day = (
        Slot.objects.bookable(now + dt.timedelta(days=2))
        .at(site)
        .order_by("day")
        .values_list("day", flat=True)
        .first()
    )
    if day is None:
        return ""
    rules = RulesVersion.objects.current()
    consent = ConsentText.objects.current()
    number = 0
    for slot in Slot.objects.filter(site=site, day=day).order_by("starts_at"):
        for _place in range(slot.capacity - slot.booked):
            number += 1
            proof = eligibility.Proof(
                version=rules.number,
                checked_on=now.date(),
                born_on=dt.date(1990, 1, number % 28 + 1),
            )
            details = Details(
                name=f"Demo Volunteer {number}",
                email=f"demo{number}@volunteers.example",
                phone=f"+7912000{number:04d}",
                born_on=proof.born_on,
                language="ru",
                consent=consent,
            )
            appointment_book(
                slot_id=slot.pk, details=details, proof=proof, request_key=uuid.uuid4(), now=now
            )
    OutboxEmail.objects.filter(to__endswith="@volunteers.example").update(
        status=OutboxEmail.Status.CANCELLED
    )
    return f"{site.name_en}, {day:%Y-%m-%d}"
