"""The public forms of drives: finding one by its code, and signing up for one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from recruitment.forms import DetailsForm
from recruitment.models import DriveWindow
from recruitment.models.drives import drive_code_clean


class DriveCodeForm(forms.Form):
    """A code read off a poster or a message: any case, spaces and dashes as people type."""

    code = forms.CharField(
        label=_("Drive code"),
        help_text=_("Six letters and digits, for example AC4 KM7."),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={
            "required": _("Please type the drive code."),
            "max_length": _("A drive code is six letters and digits. Please check it."),
        },
    )

    def clean_code(self) -> str:
        code = drive_code_clean(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Please type the drive code."), code="required")
        return code


def window_label(window: DriveWindow) -> str:
    """ "10:00–11:00 · 4 places left", in the drive's own time."""
    zone = window.drive.zone
    hours = f"{window.starts_at.astimezone(zone):%H:%M}–{window.ends_at.astimezone(zone):%H:%M}"
    left = window.places_left
    if left == 0:
        return gettext("%(hours)s · full, waiting list only") % {"hours": hours}
    return ngettext(
        "%(hours)s · %(count)s place left", "%(hours)s · %(count)s places left", left
    ) % {"hours": hours, "count": left}


class DriveSignupForm(DetailsForm):
    """The booking form's details (same fields, same checks) with the drive's time windows.
    `waiting_list` comes from the button the person pressed on a full drive."""

    window = forms.TypedChoiceField(
        label=_("When will you come?"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    waiting_list = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, windows: Sequence[DriveWindow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["drive_code"]  # the drive is the one being signed up for
        self.windows = list(windows)
        window = self.fields["window"]
        assert isinstance(window, forms.TypedChoiceField)
        window.choices = [(w.pk, window_label(w)) for w in self.windows]
        window.required = bool(self.windows)
        message = _("Please choose when you will come.")
        window.error_messages.update(required=message, invalid_choice=message)
        self.fields["consent"].error_messages["required"] = _(
            "Please give your consent so that we can sign you up."
        )
