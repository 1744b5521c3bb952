"""The privacy page says what the site does now: booking is online, the waiting list and the
emails are explained, and nothing is promised that does not exist."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

FALSE_PROMISES = {
    # Organisers may download their own drive's list (the page says so); a volunteer cannot
    # download a copy of their data from the site.
    "ru": ["скоро появится", "скачать копию", "скачать свои данные", "в течение 12 месяцев"],
    "en": ["coming soon", "download a copy", "download your data", "within 12 months"],
}
TRUE_NOW = {
    "ru": [
        "Лист ожидания",
        "день и пункт типирования, на который вы ждёте место",
        "но не ваши ответы",
        "без ссылки",
        "прислать копию ваших данных",
        "удалить ваши данные",
        "по телефону",
    ],
    "en": [
        "The waiting list",
        "the day and the typing site you are waiting for",
        "but never your answers",
        "with its link taken out",
        "send you a copy of your data",
        "delete your details",
        "over the phone",
    ],
}


def _text(html: str) -> str:
    main = html[html.index('<main id="main"') : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_privacy_page_promises_nothing_the_site_does_not_do(client: Client, lang: str) -> None:
    text = _text(client.get(f"/{lang}/privacy/").content.decode()).lower()
    for promise in FALSE_PROMISES[lang]:
        assert promise.lower() not in text, promise


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_privacy_page_says_what_booking_and_the_waiting_list_keep_and_whom_to_ask(
    client: Client, lang: str
) -> None:
    html = client.get(f"/{lang}/privacy/").content.decode()
    text = _text(html)
    for fact in TRUE_NOW[lang]:
        assert fact in text, fact
    main = html[html.index('<main id="main"') : html.index("</main>")]
    assert f'href="mailto:{settings.REGISTRY_CONTACT_EMAIL}"' in main
