"""The "host a drive" form: someone offers to organise a drive, staff decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from recruitment.forms import (
    DetailsForm,
    EmailAddressField,
    PlainTextField,
    phone_e164,
)
from recruitment.models import Drive, TypingSite

# A drive needs a few weeks to prepare; further ahead than this, plans are only a wish.
FURTHEST_AHEAD = dt.timedelta(days=366)
MOST_PEOPLE = 5000


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.city} · {obj.name}"


class ProposalForm(forms.Form):
    """Who proposes, what kind of drive, when and where, and how many people. `website` is a
    honeypot: people never see it."""

    name = DetailsForm.base_fields["name"]
    organisation = PlainTextField(
        label=_("Organisation (optional)"),
        help_text=_("A university, a student union, a company, a club, or leave it empty."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"max_length": _("Please shorten this to 200 characters.")},
    )
    email = EmailAddressField(
        label=_("Email"),
        help_text=_("We reply here, and your organiser's account will use this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=DetailsForm.base_fields["email"].error_messages,
    )
    phone = DetailsForm.base_fields["phone"]
    kind = forms.ChoiceField(
        label=_("What kind of drive?"),
        choices=[
            (Drive.Kind.VENUE, _("A drive at a place: people come and give a blood sample")),
            (
                Drive.Kind.APPEAL,
                _(
                    "An online appeal for a patient or from a company: people sign up and go "
                    "to a typing site near them"
                ),
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose the kind of drive."),
            "invalid_choice": _("Please choose the kind of drive."),
        },
    )
    proposed_on = forms.DateField(
        label=_("Proposed date"),
        help_text=_("For a drive at a place. Choose a date at least a few weeks away if you can."),
        required=False,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Please enter a real date: the day, the month and the year.")},
    )
    place = PlainTextField(
        label=_("Place and address"),
        help_text=_("For example: main building of the university, hall on the ground floor."),
        max_length=300,
        required=False,
        error_messages={"max_length": _("Please shorten this to 300 characters.")},
    )
    city = PlainTextField(
        label=_("City"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        error_messages={"max_length": _("Please shorten the city's name to 100 characters.")},
    )
    expected_people = forms.IntegerField(
        label=_("How many people do you expect to sign up?"),
        help_text=_("A rough guess is fine; the partner lab plans its staff by it."),
        min_value=1,
        max_value=MOST_PEOPLE,
        # A text box that asks phones for digits: a number box changes its value on a scroll.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": "6"}),
        error_messages={
            "required": _("Please tell us roughly how many people you expect."),
            "invalid": _("Please enter a whole number, for example 40."),
            "min_value": _("Please enter at least 1."),
            "max_value": _("For more than %(limit_value)s people, please write to us first."),
        },
    )
    partner = PartnerChoiceField(
        label=_("Which typing partner will take the samples?"),
        help_text=_("The lab that sends staff to a drive at a place. Choose one near you."),
        queryset=TypingSite.objects.none(),
        required=False,
        empty_label=_("Not sure yet: please suggest one"),
        error_messages={"invalid_choice": _("Please choose a typing partner from the list.")},
    )
    message = PlainTextField(
        label=_("Tell us about the drive (optional)"),
        help_text=_("Who you are, who will come, whom the appeal is for: whatever helps us plan."),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Please shorten this to 2,000 characters.")},
    )
    language = DetailsForm.base_fields["language"]
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data as described above."),
        error_messages={
            "required": _("Please give your consent so that we can reply to your proposal.")
        },
    )
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = TypingSite.objects.filter(active=True).order_by("city_ru", "name_ru")

    def clean_phone(self) -> str:
        return phone_e164(self.cleaned_data["phone"])

    def clean_proposed_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data["proposed_on"]
        if day is None:
            return None
        if day <= self.today:
            raise forms.ValidationError(
                _("The date has to be in the future. Please choose a later day.")
            )
        if day > self.today + FURTHEST_AHEAD:
            raise forms.ValidationError(
                _("Please choose a date within the next year; later plans can wait until then.")
            )
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") != Drive.Kind.VENUE:
            return cleaned
        # A drive at a place needs a day and a place; an appeal has neither.
        needed = {
            "proposed_on": _("Please choose a date for the drive."),
            "place": _("Please tell us where the drive would be."),
            "city": _("Please enter the city."),
        }
        for name, message in needed.items():
            if name not in self.errors and not cleaned.get(name):
                self.add_error(name, message)
        return cleaned
