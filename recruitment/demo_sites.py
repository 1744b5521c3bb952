"""Demo typing sites for `make run`: fictional labs in real cities across Russia's time zones."""

from collections.abc import Iterable

WEEKDAYS = range(5)  # Monday (0) to Friday (4)
SATURDAY = 5

_WHAT_TO_BRING_RU = (
    "Паспорт или другой документ с фотографией и письмо с подтверждением записи — "
    "на экране телефона или распечатанное."
)
_WHAT_TO_BRING_EN = (
    "Your passport or another photo ID, and the confirmation email, on your phone or printed."
)

_NEW_YEAR = ("Новогодние каникулы", "New Year holidays")
_HOLIDAYS: dict[str, tuple[str, str]] = {
    "2027-01-01": _NEW_YEAR,
    "2027-01-02": _NEW_YEAR,
    "2027-01-04": _NEW_YEAR,
    "2027-01-05": _NEW_YEAR,
    "2027-01-06": _NEW_YEAR,
    "2027-01-07": ("Рождество Христово", "Orthodox Christmas"),
    "2027-01-08": _NEW_YEAR,
    "2027-02-23": ("День защитника Отечества", "Defender of the Fatherland Day"),
    "2027-03-08": ("Международный женский день", "International Women's Day"),
    "2027-05-01": ("Праздник Весны и Труда", "Spring and Labour Day"),
    "2027-06-12": ("День России", "Russia Day"),
}
# Weekday closures over the 2027 New Year holidays (2 January is a Saturday).
_NEW_YEAR_WEEKDAYS = (
    "2027-01-01",
    "2027-01-04",
    "2027-01-05",
    "2027-01-06",
    "2027-01-07",
    "2027-01-08",
)


def _open(
    weekdays: Iterable[int], opens: str, closes: str, slot_minutes: int, places: int
) -> list[dict[str, object]]:
    return [
        {
            "weekday": weekday,
            "opens": opens,
            "closes": closes,
            "slot_minutes": slot_minutes,
            "places": places,
        }
        for weekday in weekdays
    ]


def _closed(*days: str) -> list[dict[str, object]]:
    return [
        {"day": day, "reason_ru": _HOLIDAYS[day][0], "reason_en": _HOLIDAYS[day][1]} for day in days
    ]


SITES: list[dict[str, object]] = [
    {
        "slug": "kaliningrad-leninsky",
        "name_ru": "Демо-лаборатория «Янтарная»",
        "name_en": "Amber Demo Lab",
        "city_ru": "Калининград",
        "city_en": "Kaliningrad",
        "region_ru": "Калининградская область",
        "region_en": "Kaliningrad Oblast",
        "address_ru": "Ленинский проспект, 30",
        "address_en": "30 Leninsky Prospekt",
        "time_zone": "Europe/Kaliningrad",
        "latitude": "54.71470",
        "longitude": "20.51210",
        "phone": "+7 4012 00-31-07",
        "directions_ru": (
            "Автобус или троллейбус до остановки «Ленинский проспект». "
            "Вход со двора, через зелёную дверь с табличкой лаборатории."
        ),
        "directions_en": (
            "Take a bus or trolleybus to the Leninsky Prospekt stop. "
            "The entrance is from the courtyard, through the green door with the lab's sign."
        ),
        "accessibility_ru": (
            "Вход без ступенек, пункт забора крови на первом этаже. "
            "Есть туалет для людей на креслах-колясках."
        ),
        "accessibility_en": (
            "Step-free entrance; the sampling room is on the ground floor. "
            "There is a wheelchair-accessible toilet."
        ),
        "what_to_bring_ru": _WHAT_TO_BRING_RU,
        "what_to_bring_en": _WHAT_TO_BRING_EN,
        "patterns": [
            *_open(WEEKDAYS, "08:00", "11:00", 20, 2),
            *_open([SATURDAY], "09:00", "11:00", 20, 1),
        ],
        "closures": _closed(
            *_NEW_YEAR_WEEKDAYS, "2027-01-02", "2027-02-23", "2027-03-08", "2027-05-01"
        ),
    },
    {
        "slug": "moscow-polyanka",
        "name_ru": "Демо-лаборатория «Полянка»",
        "name_en": "Polyanka Demo Lab",
        "city_ru": "Москва",
        "city_en": "Moscow",
        "region_ru": "Москва",
        "region_en": "Moscow",
        "address_ru": "ул. Большая Полянка, 28, стр. 1",
        "address_en": "28 Bolshaya Polyanka Street, building 1",
        "time_zone": "Europe/Moscow",
        "latitude": "55.73580",
        "longitude": "37.61870",
        "phone": "+7 495 000-12-34",
        "directions_ru": (
            "Метро «Полянка», выход к улице Большая Полянка, затем три минуты пешком. "
            "Вход с улицы, рядом с аптекой."
        ),
        "directions_en": (
            "Polyanka metro station, take the exit to Bolshaya Polyanka Street and walk "
            "for three minutes. The entrance is on the street, next to a pharmacy."
        ),
        "accessibility_ru": (
            "У входа две ступеньки, пандуса нет — позвоните по телефону пункта, "
            "и сотрудники помогут. Внутри всё на одном этаже."
        ),
        "accessibility_en": (
            "There are two steps at the entrance and no ramp: call the site's phone number "
            "and staff will help. Inside, everything is on one floor."
        ),
        "what_to_bring_ru": _WHAT_TO_BRING_RU,
        "what_to_bring_en": _WHAT_TO_BRING_EN,
        "patterns": [
            *_open(WEEKDAYS, "08:00", "12:00", 15, 3),
            *_open([3], "17:00", "20:00", 20, 2),  # Thursday evening, for people who work
            *_open([SATURDAY], "09:00", "13:00", 15, 2),
        ],
        "closures": _closed(
            *_NEW_YEAR_WEEKDAYS,
            "2027-01-02",
            "2027-02-23",
            "2027-03-08",
            "2027-05-01",
            "2027-06-12",
        ),
    },
    {
        "slug": "moscow-cheryomushki",
        "name_ru": "Демо-лаборатория «Черёмушки»",
        "name_en": "Cheryomushki Demo Lab",
        "city_ru": "Москва",
        "city_en": "Moscow",
        "region_ru": "Москва",
        "region_en": "Moscow",
        "address_ru": "Профсоюзная ул., 56",
        "address_en": "56 Profsoyuznaya Street",
        "time_zone": "Europe/Moscow",
        "latitude": "55.67110",
        "longitude": "37.55320",
        "phone": "+7 499 000-56-78",
        "directions_ru": (
            "Метро «Новые Черёмушки», выход к Профсоюзной улице. "
            "Вход в торце здания, звонок «Лаборатория»."
        ),
        "directions_en": (
            "Novye Cheryomushki metro station, take the exit to Profsoyuznaya Street. "
            "The entrance is at the end of the building; ring the bell marked «Лаборатория»."
        ),
        "accessibility_ru": ("Вход по пандусу, до пункта забора крови на втором этаже идёт лифт."),
        "accessibility_en": (
            "There is a ramp at the entrance, and a lift up to the sampling room one floor up."
        ),
        "what_to_bring_ru": _WHAT_TO_BRING_RU,
        "what_to_bring_en": _WHAT_TO_BRING_EN,
        "patterns": _open(WEEKDAYS, "07:30", "11:30", 15, 4),
        "closures": _closed(*_NEW_YEAR_WEEKDAYS, "2027-02-23", "2027-03-08"),
    },
    {
        "slug": "saint-petersburg-petrogradskaya",
        "name_ru": "Демо-лаборатория «Петроградская»",
        "name_en": "Petrogradskaya Demo Lab",
        "city_ru": "Санкт-Петербург",
        "city_en": "Saint Petersburg",
        "region_ru": "Санкт-Петербург",
        "region_en": "Saint Petersburg",
        "address_ru": "Большой проспект П. С., 77",
        "address_en": "77 Bolshoy Prospekt, Petrogradsky District",
        "time_zone": "Europe/Moscow",
        "latitude": "59.96390",
        "longitude": "30.30930",
        "phone": "+7 812 000-77-21",
        "directions_ru": (
            "Метро «Петроградская», затем пять минут пешком по Большому проспекту. "
            "Вход через арку, вторая дверь справа."
        ),
        "directions_en": (
            "Petrogradskaya metro station, then a five-minute walk along Bolshoy Prospekt. "
            "Go through the archway; the entrance is the second door on the right."
        ),
        "accessibility_ru": (
            "Пункт на втором этаже старого дома, лифта нет — 22 ступеньки. Если подняться "
            "трудно, позвоните заранее: медсестра возьмёт образец в комнате на первом этаже."
        ),
        "accessibility_en": (
            "The site is one floor up in an old building with no lift: 22 steps. If stairs "
            "are hard for you, call ahead and a nurse will take the sample in a ground-floor room."
        ),
        "what_to_bring_ru": _WHAT_TO_BRING_RU,
        "what_to_bring_en": _WHAT_TO_BRING_EN,
        "patterns": [
            *_open(WEEKDAYS, "08:00", "12:00", 15, 2),
            *_open([SATURDAY], "10:00", "13:00", 30, 2),
        ],
        "closures": _closed(*_NEW_YEAR_WEEKDAYS, "2027-01-02", "2027-03-08", "2027-06-12"),
    },
    {
        "slug": "kazan-pushkina",
        "name_ru": "Демо-лаборатория «Казанка»",
        "name_en": "Kazanka Demo Lab",
        "city_ru": "Казань",
        "city_en": "Kazan",
        "region_ru": "Республика Татарстан",
        "region_en": "Republic of Tatarstan",
        "address_ru": "ул. Пушкина, 10",
        "address_en": "10 Pushkin Street",
        "time_zone": "Europe/Moscow",
        "latitude": "55.79010",
        "longitude": "49.12610",
        "phone": "+7 843 000-10-45",
        "directions_ru": (
            "Метро «Площадь Тукая», выход на улицу Пушкина, затем пять минут пешком. "
            "Вход с улицы, под синей вывеской."
        ),
        "directions_en": (
            "Ploshchad Tukaya metro station, take the exit to Pushkin Street and walk "
            "for five minutes. The entrance is on the street, under a blue sign."
        ),
        "accessibility_ru": "Вход без ступенек, всё на первом этаже.",
        "accessibility_en": "Step-free entrance; everything is on the ground floor.",
        "what_to_bring_ru": _WHAT_TO_BRING_RU,
        "what_to_bring_en": _WHAT_TO_BRING_EN,
        "patterns": _open([0, 2, 4], "08:00", "11:00", 20, 2),  # Monday, Wednesday, Friday
        "closures": _closed("2027-01-01", "2027-01-04", "2027-01-06", "2027-01-08", "2027-03-08"),
    },
    {
        "slug": "yekaterinburg-malysheva",
        "name_ru": "Демо-лаборатория «Исеть»",
        "name_en": "Iset Demo Lab",
        "city_ru": "Екатеринбург",
        "city_en": "Yekaterinburg",
        "region_ru": "Свердловская область",
        "region_en": "Sverdlovsk Oblast",
        "address_ru": "ул. Малышева, 36",
        "address_en": "36 Malysheva Street",
        "time_zone": "Asia/Yekaterinburg",
        "latitude": "56.83530",
        "longitude": "60.60410",
        "phone": "+7 343 000-36-90",
        "directions_ru": (
            "Метро «Площадь 1905 года» или трамвай до остановки «Площадь 1905 года», "
            "затем три минуты пешком. Вход с улицы Малышева."
        ),
        "directions_en": (
            "Ploshchad 1905 Goda metro station, or a tram to the stop of the same name, "
            "then a three-minute walk. The entrance is on Malysheva Street."
        ),
        "accessibility_ru": (
            "На входе пандус, но дверь тяжёлая — нажмите кнопку вызова, и вам откроют. "
            "Пункт забора крови на первом этаже."
        ),
        "accessibility_en": (
            "There is a ramp, but the door is heavy: press the call button and someone will "
            "open it for you. The sampling room is on the ground floor."
        ),
        "what_to_bring_ru": _WHAT_TO_BRING_RU,
        "what_to_bring_en": _WHAT_TO_BRING_EN,
        "patterns": [
            *_open(WEEKDAYS, "08:00", "12:00", 20, 2),
            *_open([SATURDAY], "09:00", "12:00", 30, 1),
        ],
        "closures": _closed(
            *_NEW_YEAR_WEEKDAYS, "2027-01-02", "2027-02-23", "2027-05-01", "2027-06-12"
        ),
    },
    {
        "slug": "novosibirsk-krasny",
        "name_ru": "Демо-лаборатория «Обь»",
        "name_en": "Ob Demo Lab",
        "city_ru": "Новосибирск",
        "city_en": "Novosibirsk",
        "region_ru": "Новосибирская область",
        "region_en": "Novosibirsk Oblast",
        "address_ru": "Красный проспект, 56",
        "address_en": "56 Krasny Prospekt",
        "time_zone": "Asia/Novosibirsk",
        "latitude": "55.04210",
        "longitude": "82.91630",
        "phone": "+7 383 000-56-12",
        "directions_ru": (
            "Метро «Красный проспект», выход к Красному проспекту, затем две минуты пешком. "
            "Вход со двора, по указателям «Лаборатория»."
        ),
        "directions_en": (
            "Krasny Prospekt metro station, take the exit to Krasny Prospekt and walk for "
            "two minutes. The entrance is from the courtyard; follow the signs to the lab."
        ),
        "accessibility_ru": (
            "Вход без ступенек, лифт до лаборатории на третьем этаже. Есть где посидеть в ожидании."
        ),
        "accessibility_en": (
            "Step-free entrance and a lift up to the lab, two floors up. There is seating while "
            "you wait."
        ),
        "what_to_bring_ru": _WHAT_TO_BRING_RU,
        "what_to_bring_en": _WHAT_TO_BRING_EN,
        "patterns": [
            *_open([1, 2, 3, 4], "08:00", "12:00", 15, 2),  # Tuesday to Friday
            *_open([SATURDAY], "09:00", "12:00", 20, 2),
        ],
        # Closed on Mondays anyway, so only the holidays from Tuesday to Saturday are listed.
        "closures": _closed(
            "2027-01-01",
            "2027-01-02",
            "2027-01-05",
            "2027-01-06",
            "2027-01-07",
            "2027-01-08",
            "2027-02-23",
            "2027-05-01",
        ),
    },
    {
        "slug": "vladivostok-svetlanskaya",
        "name_ru": "Демо-лаборатория «Золотой Рог»",
        "name_en": "Golden Horn Demo Lab",
        "city_ru": "Владивосток",
        "city_en": "Vladivostok",
        "region_ru": "Приморский край",
        "region_en": "Primorsky Krai",
        "address_ru": "Светланская ул., 33",
        "address_en": "33 Svetlanskaya Street",
        "time_zone": "Asia/Vladivostok",
        "latitude": "43.11570",
        "longitude": "131.88960",
        "phone": "+7 423 000-33-80",
        "directions_ru": (
            "Автобус до остановки «Центр», затем пять минут пешком по Светланской улице. "
            "Вход с улицы, дверь между кафе и книжным магазином."
        ),
        "directions_en": (
            "Take a bus to the Tsentr stop, then walk for five minutes along Svetlanskaya "
            "Street. The entrance is on the street, between a café and a bookshop."
        ),
        "accessibility_ru": (
            "У входа три ступеньки и откидной пандус — скажите администратору, и его разложат. "
            "Внутри всё на одном этаже."
        ),
        "accessibility_en": (
            "There are three steps at the entrance and a fold-out ramp: tell the receptionist "
            "and they will put it down. Inside, everything is on one floor."
        ),
        "what_to_bring_ru": _WHAT_TO_BRING_RU,
        "what_to_bring_en": _WHAT_TO_BRING_EN,
        "patterns": _open(WEEKDAYS, "08:30", "11:30", 30, 2),
        "closures": _closed(*_NEW_YEAR_WEEKDAYS, "2027-02-23", "2027-03-08"),
    },
    {
        # For trying reminders in the demo: with REMINDER_HOURS set in minutes (say 10m,5m),
        # book a time here that starts soon and watch the reminders arrive in the terminal.
        "slug": "moscow-round-the-clock",
        "name_ru": "Круглосуточная демо-лаборатория (для проверки напоминаний)",
        "name_en": "Round-the-Clock Demo Lab (for trying reminders)",
        "city_ru": "Москва",
        "city_en": "Moscow",
        "region_ru": "Москва",
        "region_en": "Moscow",
        "address_ru": "Тверская ул., 7",
        "address_en": "7 Tverskaya Street",
        "time_zone": "Europe/Moscow",
        "latitude": "55.75780",
        "longitude": "37.61290",
        "phone": "+7 495 000-24-07",
        "directions_ru": "Метро «Охотный Ряд», затем две минуты пешком по Тверской улице.",
        "directions_en": "Okhotny Ryad metro station, then a two-minute walk up Tverskaya Street.",
        "accessibility_ru": "Вход с улицы без ступенек, всё на первом этаже.",
        "accessibility_en": "A step-free entrance from the street; all on the ground floor.",
        "what_to_bring_ru": _WHAT_TO_BRING_RU,
        "what_to_bring_en": _WHAT_TO_BRING_EN,
        "patterns": _open(range(7), "00:00", "23:45", 15, 3),
        "closures": [],
    },
]
