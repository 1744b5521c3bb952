"""How many parts (and so what it costs) an SMS is sent in: GSM-7 against UCS-2, at the exact
boundaries where a text starts costing one part more."""

from __future__ import annotations

import pytest

from recruitment.sms import Segments, segments
from recruitment.sms.segments import GSM_BASIC


def test_an_empty_text_is_no_parts() -> None:
    assert segments("") == Segments("GSM-7", 0, 0, 160)


def test_160_gsm_characters_fit_one_part_and_161_take_two() -> None:
    assert segments("a" * 160) == Segments("GSM-7", 1, 160, 160)
    assert segments("a" * 161) == Segments("GSM-7", 2, 161, 153)


def test_split_gsm_parts_hold_153_characters_each() -> None:
    assert segments("a" * 306).count == 2
    assert segments("a" * 307).count == 3


def test_70_cyrillic_letters_fit_one_part_and_71_take_two() -> None:
    assert segments("д" * 70) == Segments("UCS-2", 1, 70, 70)
    assert segments("д" * 71) == Segments("UCS-2", 2, 71, 67)
    assert segments("д" * 134).count == 2
    assert segments("д" * 135).count == 3


def test_one_cyrillic_letter_turns_a_100_character_latin_text_into_two_parts() -> None:
    assert segments("a" * 100).count == 1
    assert segments("a" * 99 + "я") == Segments("UCS-2", 2, 100, 67)


def test_the_euro_sign_costs_two_units() -> None:
    assert segments("€") == Segments("GSM-7", 1, 2, 160)
    assert segments("a" * 158 + "€").count == 1
    assert segments("a" * 159 + "€") == Segments("GSM-7", 2, 161, 153)


def test_an_extension_character_is_never_split_between_parts() -> None:
    # 306 units would be two parts of 153, but the "€" cannot straddle the first boundary.
    text = "a" * 152 + "€" + "a" * 152
    assert segments(text) == Segments("GSM-7", 3, 306, 153)


@pytest.mark.parametrize("char", list("^{}\\[~]|€\f"))
def test_every_extension_character_costs_two_units(char: str) -> None:
    assert segments(char) == Segments("GSM-7", 1, 2, 160)


def test_an_emoji_costs_two_units_and_is_never_split_between_parts() -> None:
    assert segments("😀") == Segments("UCS-2", 1, 2, 70)
    assert segments("д" * 68 + "😀").count == 1
    # 134 units would be two parts of 67, but the emoji cannot straddle the first boundary.
    assert segments("д" * 66 + "😀" + "д" * 66) == Segments("UCS-2", 3, 134, 67)


def test_the_whole_gsm_default_alphabet_is_sent_as_gsm7() -> None:
    text = "".join(sorted(GSM_BASIC))
    assert len(text) == 127  # 128 positions less the escape to the extension table
    assert segments(text) == Segments("GSM-7", 1, 127, 160)
    assert segments("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ ÄÖÑÜ§¿äöñüà\n\r").encoding == "GSM-7"


@pytest.mark.parametrize("char", ["’", "ç", "á", "—", "№", "«", "ё"])
def test_a_character_outside_the_alphabet_sends_the_whole_text_in_ucs2(char: str) -> None:
    assert segments("Hello " + char).encoding == "UCS-2"


def test_a_russian_reminder_line_fits_two_parts() -> None:
    line = "Донорская акция 12.05 10:30 MSK, Казань, ул. Баумана, 58. https://donors.example/s/ABCDEFGHJKL"
    assert segments(line) == Segments("UCS-2", 2, 94, 67)


def test_a_russian_reminder_with_its_cancel_line_takes_three_parts() -> None:
    reminder = (
        "Анализ крови HLA 12.05 10:30 MSK, Москва, ул. Ленина, 1. "
        "https://donors.example/s/ABCDEFGHJKL\n"
        "Не сможете прийти? Отмените: ваше место получит тот, кто ждёт."
    )
    assert segments(reminder) == Segments("UCS-2", 3, 156, 67)


def test_a_russian_confirmation_fits_one_part() -> None:
    assert segments("Спасибо! Ждём вас 12.05 10:30 MSK.").count == 1
    assert segments("Отменено: 12.05 10:30 MSK. Спасибо, что освободили место.").count == 1
