from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from recruitment.eligibility import Rules, born_is_plausible

YES, NO = "yes", "no"


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


class DetailsForm(forms.Form):
    """The volunteer's details for a booking. `website` is a honeypot: people never see it."""

    name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please enter your name.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("We send the confirmation and reminders here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter an email address like name@example.com."),
        },
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        help_text=_("For example +7 912 345-67-89."),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages={"required": _("Please enter your phone number.")},
    )
    born = BornForm.base_fields["born"]
    language = forms.ChoiceField(
        label=_("Language for messages"),
        choices=[("ru", "Русский"), ("en", "English")],
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data as described above."),
        error_messages={"required": _("Please give your consent so that we can book the test.")},
    )
    request_key = forms.UUIDField(widget=forms.HiddenInput)
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args: Any, born_on: dt.date | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.born_on = born_on  # None when staff book for a caller: nothing to compare with

    def clean_phone(self) -> str:
        import phonenumbers

        raw = self.cleaned_data["phone"]
        try:
            number = phonenumbers.parse(raw, "RU")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(
                _("This does not look like a real phone number. Please check it.")
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

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


class AssistedBookingForm(DetailsForm):
    """A coordinator books for a caller on the phone, with the same rules: the questions are
    read out, and the caller's age is judged on the day of the appointment."""

    slot = forms.IntegerField(widget=forms.HiddenInput)
    eligibility_confirmed = forms.BooleanField(
        label=_("I read every eligibility question to the caller and every answer was “no”."),
        error_messages={"required": _("Please go through the eligibility questions first.")},
    )
