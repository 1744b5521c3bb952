"""Demo drives for `make run`: fictional events in real cities, with fictional people signed up.

Each drive has a fixed code, so the demo can be loaded again without making a second one, and
a tester can type the unlisted drive's code on the site. Days are counted from the day the
demo is loaded, so the drives are always ahead.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction

from recruitment import eligibility
from recruitment.models import (
    ConsentText,
    Drive,
    DriveOrganiser,
    DriveProposal,
    DriveWindow,
    OutboxEmail,
    RulesVersion,
    TypingSite,
)
from recruitment.services.drives import signup_create
from recruitment.services.organisers import organiser_account
from recruitment.services.people import Details
from registry.demo import DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_NAME, DEMO_ORGANISER_PASSWORD

VOLUNTEERS = "@volunteers.example"  # the demo's fictional people; their emails are never sent

# (name, language) of the people signed up, in turn; fictional.
PEOPLE = [
    ("Анна Смирнова", "ru"),
    ("Дмитрий Ковалёв", "ru"),
    ("Alina Sadykova", "en"),
    ("Игорь Белов", "ru"),
    ("Мария Орлова", "ru"),
    ("Тимур Галиев", "ru"),
    ("Ekaterina Volkova", "en"),
    ("Павел Никитин", "ru"),
    ("Ольга Зайцева", "ru"),
    ("Руслан Хабибуллин", "ru"),
    ("Ксения Лебедева", "ru"),
    ("Артём Соколов", "ru"),
]

DRIVES: list[dict[str, Any]] = [
    {
        "code": "MKTU34",
        "partner": "moscow-polyanka",
        "days": 12,
        "hours": ("11:00", "17:00"),
        "capacity": 60,
        "target": 80,
        "signups": 6,
        "organiser": True,
        "title_ru": "День донора в Политехе",
        "title_en": "Donor day at the Polytechnic",
        "description_ru": (
            "Студенческий совет приглашает всех, кому от 18 до 45: приходите между парами, "
            "сдайте одну небольшую пробирку крови и вступите в регистр доноров костного мозга. "
            "Это занимает минут пятнадцать вместе с анкетой. Лаборатория-партнёр берёт кровь "
            "бесплатно; волонтёры расскажут, что будет дальше."
        ),
        "description_en": (
            "The student council invites everyone aged 18 to 45: drop in between lectures, give "
            "one small tube of blood and join the bone marrow donor registry. It takes about "
            "fifteen minutes, form included. Our partner lab takes the samples free of charge; "
            "volunteers will tell you what happens next."
        ),
        "venue_ru": "Главный корпус, холл первого этажа, Политехническая ул., 29",
        "venue_en": "Main building, ground-floor hall, 29 Politekhnicheskaya St",
        "city_ru": "Москва",
        "city_en": "Moscow",
    },
    {
        "code": "KAQC69",
        "partner": "kazan-pushkina",
        "days": 19,
        "hours": ("10:00", "14:00"),
        "window_minutes": 30,
        "window_places": 6,
        "target": 40,
        "signups": 5,
        "organiser": True,
        "title_ru": "Вступай в регистр в нашем офисе",
        "title_en": "Join the registry at our office",
        "description_ru": (
            "Мы — IT-компания из Казани, и мы зовём коллег, соседей по бизнес-центру и всех "
            "желающих. Чтобы не было очереди, выберите получасовое окно. Возьмите паспорт."
        ),
        "description_en": (
            "We are an IT company in Kazan, and we invite our colleagues, our neighbours in the "
            "business centre and anyone who wants to come. Choose a half-hour window so nobody "
            "has to queue. Bring your passport."
        ),
        "venue_ru": "Бизнес-центр «Суконная слобода», 5 этаж, переговорная «Волга»",
        "venue_en": "Sukonnaya Sloboda business centre, 5th floor, meeting room Volga",
        "city_ru": "Казань",
        "city_en": "Kazan",
    },
    {
        "code": "NVAK73",
        "partner": "novosibirsk-krasny",
        "days": 9,
        "hours": ("12:00", "16:00"),
        "capacity": 12,
        "target": 12,
        "signups": 11,
        "title_ru": "Регистр доноров на научном фестивале",
        "title_en": "The donor registry at the science festival",
        "description_ru": (
            "В Академгородке — фестиваль науки, и у нас там стол. Мест немного: лаборатория "
            "привозит одну бригаду. Если места кончились, запишитесь в лист ожидания."
        ),
        "description_en": (
            "Akademgorodok holds its science festival, and we have a table there. Places are "
            "few: the lab brings one team. If they are gone, join the waiting list."
        ),
        "venue_ru": "Дом учёных, фойе, Морской проспект, 23",
        "venue_en": "House of Scientists, foyer, 23 Morskoy Prospekt",
        "city_ru": "Новосибирск",
        "city_en": "Novosibirsk",
    },
    {
        "code": "PTRC46",
        "partner": "saint-petersburg-petrogradskaya",
        "days": 15,
        "hours": ("10:00", "15:00"),
        "capacity": 30,
        "target": 25,
        "signups": 3,
        "visibility": Drive.Visibility.UNLISTED,
        "title_ru": "Донорский день для сотрудников завода",
        "title_en": "Donor day for the factory's staff",
        "description_ru": (
            "Только для сотрудников: ссылку и код разослал отдел кадров. Приходите в свой "
            "перерыв, сдать кровь можно в медпункте."
        ),
        "description_en": (
            "For staff only: HR has sent the link and the code. Come during your break; the "
            "samples are taken in the first-aid room."
        ),
        "venue_ru": "Медпункт, корпус 2, Кантемировская ул., 7",
        "venue_en": "First-aid room, building 2, 7 Kantemirovskaya St",
        "city_ru": "Санкт-Петербург",
        "city_en": "Saint Petersburg",
    },
    {
        "code": "HEAR74",
        "kind": Drive.Kind.APPEAL,
        "partner": "yekaterinburg-malysheva",
        "target": 500,
        "organiser": True,
        "title_ru": "Найдём донора для Миши",
        "title_en": "Let's find a donor for Misha",
        "description_ru": (
            "Мише девять лет, он любит футбол и собирает модели самолётов. Прошлой весной у "
            "него нашли лейкоз. Брата или сестры, которые подошли бы как доноры, у Миши нет, "
            "а в регистре совпадения пока не нашлось.\n\n"
            "Совпадение — редкость: примерно один человек на десятки тысяч. Поэтому нам нужно "
            "много новых доноров. Если вам от 18 до 45 и вы здоровы, запишитесь в ближайшую "
            "лабораторию и сдайте одну пробирку крови. Может быть, вы подойдёте не Мише, а "
            "кому-то другому — и это тоже спасённая жизнь."
        ),
        "description_en": (
            "Misha is nine; he loves football and builds model aeroplanes. Last spring he was "
            "diagnosed with leukaemia. He has no brother or sister who could be his donor, and "
            "no match has been found in the registry yet.\n\n"
            "A match is rare: about one person in tens of thousands. That is why we need many "
            "new donors. If you are 18 to 45 and healthy, book a blood test at a typing site "
            "near you and give one small tube of blood. You may not match Misha but someone "
            "else — and that is a life saved too."
        ),
        "city_ru": "Екатеринбург",
        "city_en": "Yekaterinburg",
    },
    {
        "code": "VDKR66",
        "status": Drive.Status.SUBMITTED,
        "partner": "vladivostok-svetlanskaya",
        "days": 30,
        "hours": ("10:00", "15:00"),
        "capacity": 40,
        "target": 40,
        "organiser": True,
        "title_ru": "Донорская суббота на набережной",
        "title_en": "Donor Saturday on the embankment",
        "description_ru": (
            "Волонтёрский клуб ставит палатку на Спортивной набережной. Ждёт одобрения "
            "сотрудников регистра."
        ),
        "description_en": (
            "A volunteers' club puts up a tent on the Sports Embankment. Waiting for the "
            "registry staff's approval."
        ),
        "venue_ru": "Спортивная набережная, палатка у фонтана",
        "venue_en": "Sports Embankment, the tent by the fountain",
        "city_ru": "Владивосток",
        "city_en": "Vladivostok",
    },
]

PROPOSAL: dict[str, Any] = {
    "kind": Drive.Kind.VENUE,
    "name": "Сергей Морозов",
    "organisation": "Профком Уральского горного университета",
    "email": "profkom@volunteers.example",
    "phone": "+79120000999",
    "language": "ru",
    "days": 40,
    "place": "Учебный корпус 3, актовый зал",
    "city": "Екатеринбург",
    "expected_people": 70,
    "partner": "yekaterinburg-malysheva",
    "message": (
        "Хотим провести день донора для студентов и преподавателей. Зал на 80 человек, "
        "волонтёры из студсовета будут."
    ),
}


def load_demo_drives(now: dt.datetime, *, published_by: Any) -> dict[str, Any]:
    """The demo drives, their sign-ups, the demo organiser and one proposal waiting for a
    decision. Makes only what is missing; returns what to print."""
    organiser, _created = organiser_account(DEMO_ORGANISER_EMAIL, DEMO_ORGANISER_NAME)
    if not organiser.check_password(DEMO_ORGANISER_PASSWORD):
        organiser.set_password(DEMO_ORGANISER_PASSWORD)
        organiser.save(update_fields=["password"])
    sites = {site.slug: site for site in TypingSite.objects.all()}
    made = 0
    for row in DRIVES:
        if Drive.objects.filter(code=row["code"]).exists() or row["partner"] not in sites:
            continue
        drive = _drive(row, sites[row["partner"]], now, published_by)
        made += 1
        if row.get("organiser"):
            DriveOrganiser.objects.get_or_create(drive=drive, user=organiser)
        _sign_up(drive, row.get("signups", 0), now)
    _proposal(now, sites)
    # Fictional people: their confirmations are not sent anywhere.
    OutboxEmail.objects.filter(to__endswith=VOLUNTEERS).exclude(
        status=OutboxEmail.Status.SENT
    ).update(status=OutboxEmail.Status.CANCELLED)
    unlisted = next(r["code"] for r in DRIVES if r.get("visibility") == Drive.Visibility.UNLISTED)
    return {"made": made, "unlisted": unlisted}


def _drive(row: dict[str, Any], partner: TypingSite, now: dt.datetime, by: Any) -> Drive:
    status = row.get("status", Drive.Status.PUBLISHED)
    texts = {
        key: value
        for key, value in row.items()
        if key.rsplit("_", 1)[0] in ("title", "description", "venue", "city")
    }
    drive = Drive(
        code=row["code"],
        kind=row.get("kind", Drive.Kind.VENUE),
        status=status,
        visibility=row.get("visibility", Drive.Visibility.LISTED),
        language="ru",
        partner=partner,
        time_zone=partner.time_zone,
        capacity=row.get("capacity", 0),
        target=row["target"],
        published_at=now if status == Drive.Status.PUBLISHED else None,
        published_by=by if status == Drive.Status.PUBLISHED else None,
        **texts,
    )
    minutes: int = row.get("window_minutes", 0)
    windows = 0
    if "days" in row:
        day = now.astimezone(partner.zone).date() + dt.timedelta(days=row["days"])
        opens, closes = (dt.time.fromisoformat(hour) for hour in row["hours"])
        starts_at = dt.datetime.combine(day, opens, tzinfo=partner.zone)
        ends_at = dt.datetime.combine(day, closes, tzinfo=partner.zone)
        drive.starts_at, drive.ends_at = starts_at, ends_at
        if minutes:
            windows = int((ends_at - starts_at).total_seconds() // 60 // minutes)
            drive.capacity = windows * row["window_places"]
    with transaction.atomic():
        drive.save()
        if windows:
            for number in range(windows):
                starts = starts_at + dt.timedelta(minutes=minutes * number)
                DriveWindow.objects.create(
                    drive=drive,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(minutes=minutes),
                    capacity=row["window_places"],
                )
    return drive


def _sign_up(drive: Drive, count: int, now: dt.datetime) -> None:
    """Sign fictional people up through the service, so places are counted as for anyone."""
    rules = RulesVersion.objects.current()
    consent = ConsentText.objects.current()
    windows = list(DriveWindow.objects.filter(drive=drive).order_by("starts_at"))
    for number in range(count):
        name, language = PEOPLE[number % len(PEOPLE)]
        born = dt.date(1988 + number % 10, number % 12 + 1, number % 27 + 1)
        details = Details(
            name=name,
            email=f"drive{drive.pk}-{number}{VOLUNTEERS}",
            phone=f"+7913{drive.pk % 1000:03d}{number:04d}",
            born_on=born,
            language=language,
            consent=consent,
        )
        proof = eligibility.Proof(version=rules.number, checked_on=now.date(), born_on=born)
        signup_create(
            drive_id=drive.pk,
            details=details,
            proof=proof,
            request_key=uuid.uuid4(),
            now=now,
            window_id=windows[number % len(windows)].pk if windows else None,
        )


def _proposal(now: dt.datetime, sites: dict[str, TypingSite]) -> None:
    """One proposal waiting for staff, to try approving or declining it."""
    if DriveProposal.objects.filter(email=PROPOSAL["email"]).exists():
        return
    fields = {k: v for k, v in PROPOSAL.items() if k not in ("days", "partner")}
    DriveProposal.objects.create(
        **fields,
        proposed_on=now.date() + dt.timedelta(days=PROPOSAL["days"]),
        partner=sites.get(PROPOSAL["partner"]),
    )
