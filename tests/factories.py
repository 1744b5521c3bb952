from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

PASSWORD = "a-long-test-password"


def staff_member(*permissions: str, username: str = "staff-member", **fields: Any) -> Any:
    """Staff, not a superuser, enrolled for two-factor sign-in (an authenticator app and ten
    recovery codes), holding only `permissions` ("recruitment.view_slot")."""
    from django.contrib.auth.models import Permission

    from registry.auth import staff_enrol

    User = get_user_model()
    user = User.objects.create(username=username, is_staff=True, **fields)
    user.set_password(PASSWORD)
    user.save()
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    staff_enrol(username=username)
    return user


def coordinator(*permissions: str, username: str = "coordinator", **fields: Any) -> Any:
    """A site coordinator: in the "coordinator" group, which holds only what the day sheet and
    assisted booking need; `permissions` adds more for tests of admin pages beyond those."""
    user = staff_member(*permissions, username=username, **fields)
    user.groups.add(coordinator_group())
    return user


def rules_editor(username: str = "rules-editor", **fields: Any) -> Any:
    """Staff who edit the eligibility rules in the admin, with only the rules' permissions."""
    return staff_member(
        "recruitment.view_condition",
        "recruitment.add_condition",
        "recruitment.change_condition",
        "recruitment.view_agepolicy",
        "recruitment.change_agepolicy",
        "recruitment.view_rulesversion",
        username=username,
        **fields,
    )


def coordinator_group() -> Any:
    """The group the migration makes (made again after a transactional test emptied it)."""
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name="coordinator").first()
    if group is None:
        import importlib

        from django.apps import apps

        migration = importlib.import_module("recruitment.migrations.0008_coordinator_group")
        migration.coordinator_group_create(apps, None)
        drives = importlib.import_module(
            "recruitment.migrations.0013_coordinator_drive_permissions"
        )
        drives.coordinator_drives_allow(apps, None)
        group = Group.objects.get(name="coordinator")
    return group


def totp_code(user: Any) -> str:
    """The code the user's authenticator app shows now."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def recovery_codes(user: Any) -> list[str]:
    """The user's unused recovery codes (as the enrolment printed them)."""
    from django_otp.plugins.otp_static.models import StaticToken

    return list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def login_verified(client: Any, user: Any) -> Any:
    """Sign `user` in on the test client as if they had typed their password and their code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def typing_site(slug: str = "test-lab", time_zone: str = "Europe/Moscow", **fields: Any) -> Any:
    from recruitment.models import TypingSite

    values = {
        "slug": slug,
        "name_ru": "Тестовая лаборатория",
        "name_en": "Test Lab",
        "city_ru": "Москва",
        "city_en": "Moscow",
        "region_ru": "Москва",
        "region_en": "Moscow",
        "address_ru": "ул. Примерная, 1",
        "address_en": "1 Primernaya St",
        "time_zone": time_zone,
        "latitude": "55.75000",
        "longitude": "37.61000",
        "phone": "+7 495 000-00-01",
        "what_to_bring_ru": "Паспорт.",
        "what_to_bring_en": "A passport.",
        **fields,
    }
    return TypingSite.objects.create(**values)


def slot(site: Any, starts_at: Any, capacity: int = 2, minutes: int = 15) -> Any:
    import datetime as dt

    from recruitment.models import Slot

    return Slot.objects.create(
        site=site,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        day=starts_at.astimezone(site.zone).date(),
        capacity=capacity,
    )


def reseed() -> None:
    """Transactional tests empty the database afterwards; put the migrations' data back."""
    import importlib

    from django.apps import apps

    for name, function in (
        ("0002_seed_rules", "seed_rules"),
        ("0003_seed_entries", "seed_entries"),
        ("0005_seed_consent", "seed_consent"),
        ("0008_coordinator_group", "coordinator_group_create"),
        ("0013_coordinator_drive_permissions", "coordinator_drives_allow"),
    ):
        module = importlib.import_module(f"recruitment.migrations.{name}")
        getattr(module, function)(apps, None)


BORN = __import__("datetime").date(1995, 5, 17)


def proof_for(born: Any = BORN, version: int | None = None) -> str:
    """The signed cookie a passed eligibility check leaves (value for PROOF_COOKIE)."""
    from django.utils import timezone

    from recruitment import eligibility
    from recruitment.models import RulesVersion

    number = version if version is not None else RulesVersion.objects.current().number
    return eligibility.proof_issue(version=number, checked_on=timezone.localdate(), born_on=born)


def booked(slot_: Any, **fields: Any) -> Any:
    """Anna Petrova (unless `fields` say otherwise) booked through the service as the booking
    form books: places counted, confirmation and reminders queued."""
    import uuid

    from django.utils import timezone

    from recruitment.services.appointments import appointment_book

    details = person_details(1, **{"name": "Anna Petrova", "email": "anna@example.org", **fields})
    done = appointment_book(
        slot_id=slot_.pk,
        details=details,
        proof=_proof_passed(details.born_on),
        request_key=uuid.uuid4(),
        now=timezone.now(),
    )
    assert done.appointment is not None
    return done.appointment


def appointment(slot_: Any, i: int = 1, **fields: Any) -> Any:
    """An active appointment on `slot_` made directly (its place counted), for tests that need
    one to exist rather than to test booking itself."""
    import datetime as dt
    import uuid

    from django.utils import timezone

    from recruitment.models import Appointment, ConsentText, Slot

    Slot.objects.filter(pk=slot_.pk).booked_add(1)
    slot_.booked += 1
    values = {
        "slot": slot_,
        "name": f"Booked {i}",
        "email": f"b{i}@example.org",
        "email_normalized": f"b{i}@example.org",
        "phone": f"+7912666{i:04d}",
        "born_on": dt.date(1990, 1, 1),
        "language": "en",
        "consent": ConsentText.objects.current(),
        "rules_version": 1,
        "rules_checked_on": timezone.localdate(),
        "request_key": uuid.uuid4(),
        **fields,
    }
    return Appointment.objects.create(**values)


def waiting(site: Any, day: Any, i: int = 1) -> Any:
    """Someone who joined the waiting list for a day at a site, through the service (so a free
    place that day is offered to them at once)."""
    import datetime as dt

    from django.utils import timezone

    from recruitment.models import ConsentText
    from recruitment.services.people import Details
    from recruitment.services.waitlist import waitlist_join

    details = Details(
        name=f"Waiting {i}",
        email=f"w{i}@example.org",
        phone=f"+7912555{i:04d}",
        born_on=dt.date(1990, 1, 1),
        language="en",
        consent=ConsentText.objects.current(),
    )
    entry = waitlist_join(
        site=site,
        day=day,
        details=details,
        rules_version=1,
        checked_on=timezone.localdate(),
        now=timezone.now(),
    )
    assert entry is not None
    return entry


def manage_token(appointment_: Any) -> str:
    """A working manage link's token for the appointment, as a sent email would carry."""
    from django.utils import timezone

    from recruitment.models import LinkToken

    return LinkToken.mint(now=timezone.now(), appointment=appointment_)


def offer_token(entry: Any) -> str:
    """A working offer link's token for an offered waiting-list entry."""
    from django.utils import timezone

    from recruitment.models import LinkToken

    return LinkToken.mint(now=timezone.now(), waitlist_entry=entry)


def send_outbox() -> int:
    """Send every due email now (what the beat sweep does), to the test SMTP server."""
    from django.utils import timezone

    from recruitment.services.outbox import outbox_sweep

    return outbox_sweep(now=timezone.now())


def link_in(message: Any, path: str) -> str:
    """The token of the first `/<lang>/<path>/<token>/` link in an email's plain text."""
    import re

    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(rf"/(?:ru|en)/{path}/([\w-]+)/", body)
    assert found, f"no {path} link in: {body}"
    return found.group(1)


def person_details(i: int = 1, **fields: Any) -> Any:
    """What a volunteer types into a booking or waiting-list form, as the services take it."""
    import datetime as dt

    from recruitment.models import ConsentText
    from recruitment.services.people import Details

    values = {
        "name": f"Waiting {i}",
        "email": f"w{i}@example.org",
        "phone": f"+7912555{i:04d}",
        "born_on": dt.date(1990, 1, 1),
        "language": "en",
        "consent": ConsentText.objects.current(),
        **fields,
    }
    return Details(**values)


def booking_form(**changes: Any) -> dict[str, Any]:
    """What a volunteer born on BORN types into the booking (or waiting-list) form."""
    import uuid

    return {
        "name": "Anna Petrova",
        "email": "anna@example.org",
        "phone": "+7 912 345-67-89",
        "born_day": str(BORN.day),
        "born_month": str(BORN.month),
        "born_year": str(BORN.year),
        "language": "en",
        "consent": "on",
        "request_key": str(uuid.uuid4()),
        **changes,
    }


def drive(
    code: str = "TEST42",
    *,
    days: int = 10,
    capacity: int = 50,
    partner: Any = None,
    status: str = "published",
    **fields: Any,
) -> Any:
    """A published drive `days` from now, 10:00–16:00 Moscow time, at a university."""
    import datetime as dt
    import zoneinfo

    from django.utils import timezone

    from recruitment.models import Drive

    zone = zoneinfo.ZoneInfo(fields.get("time_zone", "Europe/Moscow"))
    day = timezone.now().astimezone(zone).date() + dt.timedelta(days=days)
    values = {
        "code": code,
        "status": status,
        "language": "ru",
        "title_ru": "День донора в университете",
        "title_en": "Donor day at the university",
        "description_ru": "Приходите сдать пробирку крови.",
        "description_en": "Come and give a small blood sample.",
        "venue_ru": "Главный корпус, ул. Университетская, 1",
        "venue_en": "Main building, 1 Universitetskaya St",
        "city_ru": "Москва",
        "city_en": "Moscow",
        "starts_at": dt.datetime.combine(day, dt.time(10), tzinfo=zone),
        "ends_at": dt.datetime.combine(day, dt.time(16), tzinfo=zone),
        "capacity": capacity,
        "target": capacity,
        "partner": partner if partner is not None else typing_site(slug=f"partner-{code.lower()}"),
        **fields,
    }
    return Drive.objects.create(**values)


def drive_window(drive_: Any, hour: int, capacity: int = 10, minutes: int = 60) -> Any:
    """A window of the drive's day from `hour`:00 local time."""
    import datetime as dt

    from recruitment.models import DriveWindow

    starts = dt.datetime.combine(drive_.day, dt.time(hour), tzinfo=drive_.zone)
    return DriveWindow.objects.create(
        drive=drive_,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=minutes),
        capacity=capacity,
    )


def organiser(drive_: Any = None, username: str = "organiser@example.org", **fields: Any) -> Any:
    """An organiser account with a password ("organiser-pass-2026"), of `drive_` when given."""
    from recruitment.models import DriveOrganiser
    from recruitment.services.organisers import organiser_account

    user, _created = organiser_account(username, fields.pop("name", "Olga Organiser"))
    user.set_password("organiser-pass-2026")
    user.save()
    if drive_ is not None:
        DriveOrganiser.objects.get_or_create(drive=drive_, user=user)
    return user


def drive_signup(drive_: Any, i: int = 1, *, window: Any = None, **fields: Any) -> Any:
    """Someone signed up for the drive through the service (places counted, email queued)."""
    import uuid

    from django.utils import timezone

    from recruitment.services.drives import signup_create

    details = person_details(
        i, name=f"Signed Up {i}", email=f"s{i}@example.org", phone=f"+7912444{i:04d}", **fields
    )
    done = signup_create(
        drive_id=drive_.pk,
        details=details,
        proof=_proof_passed(details.born_on),
        request_key=uuid.uuid4(),
        now=timezone.now(),
        window_id=window.pk if window is not None else None,
    )
    assert done.signup is not None
    return done.signup


def _proof_passed(born: Any) -> Any:
    from django.utils import timezone

    from recruitment import eligibility
    from recruitment.models import RulesVersion

    return eligibility.Proof(
        version=RulesVersion.objects.current().number,
        checked_on=timezone.localdate(),
        born_on=born,
    )


FIRST_NAMES = [
    "Anna",
    "Boris",
    "Daria",
    "Egor",
    "Irina",
    "Kirill",
    "Maria",
    "Oleg",
    "Polina",
    "Yuri",
]
LAST_NAMES = [
    "Ivanova",
    "Petrov",
    "Smirnova",
    "Kuznetsov",
    "Popova",
    "Sokolov",
    "Lebedeva",
    "Kozlov",
]


def drive_crowd(drive_: Any, people: int, *, checked_in_every: int = 0) -> None:
    """`people` sign-ups written at once (for benchmarks: no emails, counters not kept);
    every `checked_in_every`-th one already checked in."""
    import datetime as dt
    import uuid

    from django.utils import timezone

    from recruitment.models import ConsentText, DriveSignup

    consent = ConsentText.objects.current()
    now = timezone.now()
    first, last = FIRST_NAMES, LAST_NAMES
    DriveSignup.objects.bulk_create(
        DriveSignup(
            drive=drive_,
            name=f"{first[i % len(first)]} {last[(i // len(first)) % len(last)]} {i}",
            email=f"person{i}@example.org",
            email_normalized=f"person{i}@example.org",
            phone=f"+7912{i:07d}",
            born_on=dt.date(1990, 1, 1),
            language="ru",
            consent=consent,
            consented_at=now,
            rules_version=1,
            rules_checked_on=now.date(),
            request_key=uuid.uuid4(),
            status="checked_in" if checked_in_every and i % checked_in_every == 0 else "signed_up",
        )
        for i in range(people)
    )


def emails_now() -> Any:
    """The outbox rows that go out at once: reminders wait for their time and are left out."""
    from recruitment.models import OutboxEmail

    return OutboxEmail.objects.exclude(kind__endswith="-reminder")


def race(call: Any, threads: int, refused: type[BaseException], refusal: str) -> list[object]:
    """Run `call(i)` in `threads` threads released at once; what each caller got, in order: its
    return value, `refusal` where it raised `refused`, or any other exception it raised."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(threads)
    outcomes: list[object] = [None] * threads

    def run(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = call(i)
        except refused:
            outcomes[i] = refusal
        except BaseException as error:
            outcomes[i] = error
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes
