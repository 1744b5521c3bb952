"""How many parts an SMS text is sent in, and so what it costs.

Gateways bill per part, and a phone joins the parts again only if each fits whole. The rules
are those of 3GPP TS 23.038 (the GSM 7-bit default alphabet) and TS 23.040 (concatenated SMS):

- a text made only of the GSM default alphabet is sent in GSM-7: 160 units in a single part,
  153 per part once split (the other 7 octets carry the header that joins the parts);
  characters of the extension table (``^{}\\[~]|€`` and form feed) are an escape plus a
  character, 2 units, and are never split between two parts;
- any other character (one Cyrillic letter is enough) sends the whole text in UCS-2 (UTF-16):
  70 code units in a single part, 67 per part once split; a character outside the Basic
  Multilingual Plane (most emoji) is a surrogate pair, 2 units, never split between parts.

Gateways that split differently at the edges (a few split GSM-7 at 152 to keep room for a
national language shift) can only cost more parts than this says, never fewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

# The default alphabet, in table order (TS 23.038 §6.2.1); 0x1B (the escape to the
# extension table) is left out: it is not a character a text can contain.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM_SINGLE, GSM_SPLIT = 160, 153
UCS2_SINGLE, UCS2_SPLIT = 70, 67


@dataclass(frozen=True)
class Segments:
    """An SMS text as the network counts it: ``length`` in units of its encoding (septets for
    GSM-7, UTF-16 code units for UCS-2), sent in ``count`` parts of at most ``per_part`` units.
    An empty text is no parts at all."""

    encoding: Encoding
    count: int
    length: int
    per_part: int


def segments(text: str) -> Segments:
    if all(char in GSM_BASIC or char in GSM_EXTENSION for char in text):
        units = [2 if char in GSM_EXTENSION else 1 for char in text]
        return _split("GSM-7", units, GSM_SINGLE, GSM_SPLIT)
    units = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return _split("UCS-2", units, UCS2_SINGLE, UCS2_SPLIT)


def _split(encoding: Encoding, units: list[int], single: int, split: int) -> Segments:
    """Parts of a text whose characters weigh ``units``; a character that would straddle two
    parts starts the next one, which is why the count is not simply length // split."""
    length = sum(units)
    if length <= single:
        return Segments(encoding, 1 if units else 0, length, single)
    count, used = 1, 0
    for weight in units:
        if used + weight > split:
            count, used = count + 1, 0
        used += weight
    return Segments(encoding, count, length, split)
