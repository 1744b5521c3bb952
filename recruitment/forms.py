from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections.abc import Mapping
from typing import Any

import phonenumbers
from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from recruitment.eligibility import Rules, born_is_plausible
from recruitment.models import SMS_CONSENT, Drive
from recruitment.models.drives import drive_code_clean

YES, NO = "yes", "no"

# Invisible characters that reorder the text around them: a name holding one reads differently
# in an email, on the day sheet and in the admin from what was stored.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

CHARACTERS_MESSAGE = _(
    "This has characters that cannot be used here (perhaps copied along with the text). "
    "Please type it again."
)


def _unusable(char: str) -> bool:
    """A character no keyboard makes: a control character (NUL included), a line or paragraph
    separator, a lone surrogate, a noncharacter (U+FFFE, U+FFFF, U+FDD0–U+FDEF and their
    like in every plane), a bidi control, or U+FFFD, which is what Django makes of bytes that
    are not UTF-8."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")
        or char in BIDI_CONTROLS
        or char == "\ufffd"
        or 0xFDD0 <= code <= 0xFDEF
        or (code & 0xFFFE) == 0xFFFE
    )


def _blank(char: str) -> bool:
    """Spaces and invisible format characters (zero-width space, joiners, byte-order mark)."""
    return char.isspace() or unicodedata.category(char) == "Cf"


def plain_text(value: str, *, invisible_inside: bool = True) -> str:
    """Text as a person typed it, for any free-text field of a public form: NFC, with spaces
    and invisible format characters trimmed from both ends, so that text made only of them is
    empty (and a required field says so). Raises ValidationError (code "characters") for
    characters no keyboard makes. Invisible characters inside the text stay when
    `invisible_inside` (some scripts need the zero-width joiners); an email address has none."""
    if any(_unusable(char) for char in value):
        raise forms.ValidationError(CHARACTERS_MESSAGE, code="characters")
    text = unicodedata.normalize("NFC", value)
    start, end = 0, len(text)
    while start < end and _blank(text[start]):
        start += 1
    while end > start and _blank(text[end - 1]):
        end -= 1
    text = text[start:end]
    if not invisible_inside and any(unicodedata.category(char) == "Cf" for char in text):
        raise forms.ValidationError(CHARACTERS_MESSAGE, code="characters")
    return text


class PlainTextField(forms.CharField):
    """A CharField for what people type: see `plain_text`. Length limits count the
    normalised text, which is what is stored."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not isinstance(text, str):
            return text
        return plain_text(text) or self.empty_value


def validate_has_letter(value: str) -> None:
    if not any(char.isalpha() for char in value):
        raise forms.ValidationError(_("Please write your name in letters."), code="letters")


class EmailAddressField(forms.EmailField):
    """An address that fits the database column (254 characters, the most SMTP carries) and
    that can be sent to: no invisible characters, and a domain that converts to ASCII."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not isinstance(text, str):
            return text
        return plain_text(text, invisible_inside=False) or self.empty_value

    def run_validators(self, value: Any) -> None:
        super().run_validators(value)
        if value in self.empty_values:
            return
        try:
            # What Django's mail does to the domain when it sends: an address it cannot turn
            # into ASCII would fail in the outbox, long after the person left the page.
            value.rpartition("@")[2].encode("idna")
        except UnicodeError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class DatePartsWidget(forms.MultiWidget):
    """Day, month and year as three small number boxes: easier to type on a phone than a
    calendar picker for a date decades ago, and the same in every browser and language.
    A date already chosen travels on as a single hidden `born=YYYY-MM-DD`."""

    template_name = "recruitment/widgets/date_parts.html"

    def __init__(self) -> None:
        def box(autocomplete: str, size: int) -> forms.TextInput:
            return forms.TextInput(
                attrs={
                    "inputmode": "numeric",
                    "autocomplete": autocomplete,
                    "maxlength": str(size),
                    "size": str(size),
                }
            )

        super().__init__(
            {"day": box("bday-day", 2), "month": box("bday-month", 2), "year": box("bday-year", 4)}
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count(".") == 2:
            return value.split(".")  # what was typed, kept as typed when it was not a date
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if data.get(name):
            return data.get(name)
        day, month, year = (
            str(data.get(f"{name}_{part}", "")).strip() for part in ("day", "month", "year")
        )
        if not (day or month or year):
            return ""
        return f"{day}.{month}.{year}"


class BornForm(forms.Form):
    born = forms.DateField(
        label=_("Your date of birth"),
        help_text=_("For example: 17 5 1995"),
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": _("Please enter your date of birth."),
            "invalid": _("Please enter a real date: the day, the month and the year in full."),
        },
        widget=DatePartsWidget(),
    )

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_born(self) -> dt.date:
        born: dt.date = self.cleaned_data["born"]
        if born > self.today:
            raise forms.ValidationError(
                _("That date is in the future. Please check your date of birth.")
            )
        if not born_is_plausible(born, self.today):
            raise forms.ValidationError(_("Please check the year of your date of birth."))
        return born


class QuestionsForm(forms.Form):
    """Every health question at once: the page people get without JavaScript."""

    def __init__(self, *args: Any, rules: Rules, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language() or "ru"
        for rule in rules.conditions:
            self.fields[field_name(rule.key)] = forms.ChoiceField(
                label=rule.text(language, "question"),
                help_text=rule.text(language, "help"),
                choices=[(YES, _("Yes")), (NO, _("No"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("Please answer this question.")},
            )

    def answers(self) -> dict[str, bool]:
        return {name.removeprefix("c_"): value == YES for name, value in self.cleaned_data.items()}


def field_name(key: str) -> str:
    return f"c_{key}"


def answers_from(data: Mapping[str, Any], rules: Rules) -> dict[str, bool]:
    """The answers carried so far in a step-by-step check (anything else posted is ignored)."""
    answers = {}
    for rule in rules.conditions:
        value = data.get(field_name(rule.key))
        if value in (YES, NO):
            answers[rule.key] = value == YES
    return answers


def phone_e164(raw: str) -> str:
    """A phone number as typed ("8 912 345-67-89", "+7 (912)…"), in the international form the
    rows keep (+79123456789); a kind error when it cannot be a real number."""
    try:
        number = phonenumbers.parse(raw, "RU")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            _("This does not look like a real phone number. Please check it.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class DetailsForm(forms.Form):
    """The volunteer's details for a booking. `website` is a honeypot: people never see it."""

    name = PlainTextField(
        label=_("Your full name"),
        max_length=200,
        validators=[validate_has_letter],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _("Please shorten your name to 200 characters."),
        },
    )
    email = EmailAddressField(
        label=_("Email"),
        help_text=_("We send the confirmation and reminders here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter an email address like name@example.com."),
            "max_length": _(
                "An email address can be at most 254 characters long. Please check it."
            ),
        },
    )
    phone = PlainTextField(
        label=_("Mobile phone"),
        help_text=_("For example +7 912 345-67-89."),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages={
            "required": _("Please enter your phone number."),
            "max_length": _("This does not look like a real phone number. Please check it."),
        },
    )
    born = BornForm.base_fields["born"]
    language = forms.ChoiceField(
        label=_("Language for messages"),
        choices=[("ru", "Русский"), ("en", "English")],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose the language of our messages."),
            "invalid_choice": _("Please choose the language of our messages."),
        },
    )
    # Opt-in, never ticked in advance: the law on mailings asks for consent the sender can
    # prove, so this very sentence is stored with the booking when it is ticked.
    sms_reminders = forms.BooleanField(
        label=SMS_CONSENT,
        required=False,
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data as described above."),
        error_messages={"required": _("Please give your consent so that we can book the test.")},
    )
    # The drive or appeal that sent the volunteer, so its organisers learn what their work
    # brought. Cleaned to the Drive itself (or None); anything but letters and digits is
    # dropped on the way, invisible characters included.
    drive_code = forms.CharField(
        label=_("Drive code (if you have one)"),
        help_text=_(
            "If a drive or an appeal brought you here, type the code from its poster or message."
        ),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={
            "max_length": _("A drive code is six letters and digits. Please check it."),
        },
    )
    request_key = forms.UUIDField(widget=forms.HiddenInput)
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args: Any, born_on: dt.date | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.born_on = born_on  # None when staff book for a caller: nothing to compare with
        if not settings.SMS_ENABLED:
            del self.fields["sms_reminders"]

    def clean_drive_code(self) -> Drive | None:
        """The drive whose code was typed. Any code that opens no drive page gets the same
        answer, so the field tells nothing about drives beyond a correct code."""
        code = drive_code_clean(self.cleaned_data.get("drive_code") or "")
        if not code:
            return None
        drive = Drive.objects.public().filter(code=code).first()
        if drive is None:
            raise forms.ValidationError(
                _(
                    "We could not find a drive with this code. Please check it against the "
                    "poster or the message, or leave this field empty."
                ),
                code="unknown_drive",
            )
        return drive

    def clean_phone(self) -> str:
        return phone_e164(self.cleaned_data["phone"])

    def clean_born(self) -> dt.date:
        born: dt.date = self.cleaned_data["born"]
        if self.born_on is not None and born != self.born_on:
            raise forms.ValidationError(
                _(
                    "This is not the date of birth you gave in the eligibility check. "
                    "Please check it, or take the check again."
                )
            )
        return born

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "request_key" in self.errors:
            # The key is what turns a second click into the same booking, and it travels in a
            # hidden field, so its own error would be invisible. Say so at the top, and put a
            # fresh key into the form shown again so that the next send works.
            del self.errors["request_key"]
            self.add_error(
                None, _("This form has expired. Please check your details and send it again.")
            )
            data = QueryDict(mutable=True)
            data.update(self.data)
            data["request_key"] = str(uuid.uuid4())
            self.data = data
        return cleaned


class AssistedBookingForm(DetailsForm):
    """A coordinator books for a caller on the phone, with the same rules: the questions are
    read out, and the caller's age is judged on the day of the appointment."""

    slot = forms.IntegerField(widget=forms.HiddenInput)
    eligibility_confirmed = forms.BooleanField(
        label=_("I read every eligibility question to the caller and every answer was “no”."),
        error_messages={"required": _("Please go through the eligibility questions first.")},
    )

    # The member of staff types what the caller says, so the form speaks to them about the
    # caller; the consent is the caller's, given by phone after it was read out to them.
    STAFF_WORDING = {
        "name": (_("Caller's full name"), None, _("Please enter the caller's name.")),
        "email": (
            _("Caller's email"),
            _("The confirmation and reminders go here: spell it back to the caller."),
            _("Please enter the caller's email address."),
        ),
        "phone": (_("Caller's mobile phone"), None, _("Please enter the caller's phone number.")),
        "born": (_("Caller's date of birth"), None, _("Please enter the caller's date of birth.")),
        "language": (
            _("Language of the caller's messages"),
            None,
            _("Please choose the language of the caller's messages."),
        ),
        "consent": (
            _("The caller agreed, by phone, to the processing of their personal data as read out."),
            None,
            _("Please read the consent to the caller and tick this once they agree."),
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, help_text, required) in self.STAFF_WORDING.items():
            field = self.fields[name]  # a copy for this form: the public form keeps its words
            field.label = label
            if help_text is not None:
                field.help_text = help_text
            field.error_messages["required"] = required
        if "sms_reminders" in self.fields:
            self.fields["sms_reminders"].label = format_lazy(
                _("Read this out; tick it only if the caller says yes: “{}”"), SMS_CONSENT
            )
