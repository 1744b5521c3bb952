"""Forms of the organisers' pages: signing in, a forgotten password, a drive's draft and its time
windows, a co-organiser, a message to sign-ups, and a walk-in registered at the desk."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from recruitment.eligibility import born_is_plausible
from recruitment.forms import DetailsForm, EmailAddressField, PlainTextField, plain_text
from recruitment.models import Drive, DriveOrganiser, TypingSite, normalize_email
from recruitment.services.drive_desk import MESSAGE_MAX_LENGTH
from recruitment.services.organisers import ORGANISERS_GROUP
from recruitment.templatetags.recruitment import ZONE_NAMES, zone_label


def is_organiser(user: Any) -> bool:
    """Someone who may use the organisers' pages: in the organisers' group, or organising a
    drive (a member of staff who also runs one)."""
    return bool(
        user.is_active
        and (
            user.groups.filter(name=ORGANISERS_GROUP).exists()
            or DriveOrganiser.objects.filter(user=user, active=True).exists()
        )
    )


class MultilineTextField(PlainTextField):
    """Text of several lines (a story, a message): each line as `plain_text` takes it, the
    line breaks kept."""

    def to_python(self, value: Any) -> Any:
        text = forms.CharField.to_python(self, value)
        if not isinstance(text, str):
            return text
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(plain_text(line) for line in lines).strip() or self.empty_value


class SignInForm(AuthenticationForm):
    """Django's sign-in form (so django-axes counts its failures), by email address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email and password do not match an organiser's account. Check them and try again."
        ),
        "inactive": _(
            "This account is switched off. Ask the registry if you think it should not be."
        ),
        "not_organiser": _("This account is not an organiser's account."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "type": "email", "autocapitalize": "none"}
        )
        self.fields["password"].label = _("Password")

    def clean_username(self) -> str:
        # Accounts are named by the normalised address: "Olga@Example.org " finds them too.
        return normalize_email(self.cleaned_data.get("username") or "")

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not is_organiser(user):
            raise forms.ValidationError(self.error_messages["not_organiser"], code="not_organiser")


class PasswordResetForm(forms.Form):
    email = EmailAddressField(
        label=_("Your email"),
        help_text=_("The address your organiser's account was made for."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter an email address like name@example.com."),
        },
    )


def zone_choices(current: str, at: dt.datetime | None) -> list[tuple[str, str]]:
    zones = list(ZONE_NAMES)
    if current and current not in zones:
        zones.insert(0, current)
    return [(zone, zone_label(zone, at)) for zone in zones]


TEXT_FIELDS = ("title", "venue", "city", "description")


class DriveForm(forms.Form):
    """A drive's draft. Texts in the organiser's language (required to submit, not to save) and
    an optional translation; the day and hours as they read on the poster, in the drive's own
    time zone."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Drive.Kind.choices, widget=forms.RadioSelect)
    visibility = forms.ChoiceField(
        label=_("Who can find it"), choices=Drive.Visibility.choices, widget=forms.RadioSelect
    )
    time_zone = forms.ChoiceField(label=_("Time zone"))
    day = forms.DateField(
        label=_("Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Please enter a real date.")},
    )
    starts = forms.TimeField(
        label=_("Starts at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Please enter a time like 10:00.")},
    )
    ends = forms.TimeField(
        label=_("Ends at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Please enter a time like 16:00.")},
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=0,
        max_value=100000,
        help_text=_("How many people the lab can take samples from that day."),
    )
    target = forms.IntegerField(
        label=_("Target number of sign-ups"), min_value=0, max_value=1000000
    )
    partner = forms.ModelChoiceField(
        label=_("Typing partner (the lab that takes the samples)"),
        queryset=TypingSite.objects.filter(active=True),
        required=False,
        empty_label=_("Not chosen yet"),
    )

    LIMITS = {"title": 150, "venue": 300, "city": 100, "description": 5000}
    LABELS = {
        "title": _("Title"),
        "venue": _("Venue and address"),
        "city": _("City"),
        "description": _("Description or story"),
    }

    def __init__(self, *args: Any, drive: Drive, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.drive = drive
        self.own = drive.language
        self.other = "en" if drive.language == "ru" else "ru"
        for name in TEXT_FIELDS:
            for lang in (self.own, self.other):
                label = self.LABELS[name]
                kind = MultilineTextField if name == "description" else PlainTextField
                self.fields[f"{name}_{lang}"] = kind(
                    label=label,
                    required=False,
                    max_length=self.LIMITS[name],
                    widget=forms.Textarea(attrs={"rows": 6})
                    if name == "description"
                    else forms.TextInput(),
                    error_messages={
                        "max_length": _("Please shorten this to %(limit_value)d characters.")
                    },
                )
                if lang == self.other:
                    self.fields[f"{name}_{lang}"].widget.attrs["lang"] = lang
        zone_field = self.fields["time_zone"]
        assert isinstance(zone_field, forms.ChoiceField)
        zone_field.choices = zone_choices(drive.time_zone, drive.starts_at)

    def own_fields(self) -> list[forms.BoundField]:
        return [self[f"{name}_{self.own}"] for name in TEXT_FIELDS]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[f"{name}_{self.other}"] for name in TEXT_FIELDS]

    @classmethod
    def initial_of(cls, drive: Drive) -> dict[str, Any]:
        zone = drive.zone
        initial: dict[str, Any] = {
            "kind": drive.kind,
            "visibility": drive.visibility,
            "time_zone": drive.time_zone,
            "capacity": drive.capacity,
            "target": drive.target,
            "partner": drive.partner_id,
        }
        for name in TEXT_FIELDS:
            for lang in ("ru", "en"):
                initial[f"{name}_{lang}"] = getattr(drive, f"{name}_{lang}")
        if drive.starts_at is not None:
            initial["day"] = drive.starts_at.astimezone(zone).date()
            initial["starts"] = drive.starts_at.astimezone(zone).time()
        if drive.ends_at is not None:
            initial["ends"] = drive.ends_at.astimezone(zone).time()
        return initial

    def clean_capacity(self) -> int:
        capacity: int = self.cleaned_data["capacity"]
        if capacity < self.drive.signed_up:
            raise forms.ValidationError(
                _("%(count)d people have places already: the drive needs at least that many."),
                params={"count": self.drive.signed_up},
            )
        return capacity

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, starts, ends = cleaned.get("day"), cleaned.get("starts"), cleaned.get("ends")
        given = [value is not None for value in (day, starts, ends)]
        if any(given) and not all(given) and not self.errors:
            for name, value in (("day", day), ("starts", starts), ("ends", ends)):
                if value is None:
                    self.add_error(name, _("Please fill in the day, the start and the end."))
        elif all(given) and starts >= ends:  # type: ignore[operator]
            self.add_error("ends", _("The drive must end after it starts (on the same day)."))
        zone_name = cleaned.get("time_zone")
        cleaned["starts_at"] = cleaned["ends_at"] = None
        if all(given) and zone_name and not self.errors:
            zone = zoneinfo.ZoneInfo(zone_name)
            cleaned["starts_at"] = dt.datetime.combine(day, starts, tzinfo=zone)  # type: ignore[arg-type]
            cleaned["ends_at"] = dt.datetime.combine(day, ends, tzinfo=zone)  # type: ignore[arg-type]
            if cleaned["ends_at"] <= timezone.now():
                self.add_error("day", _("That day is over. Please choose a day to come."))
        return cleaned

    def values(self) -> dict[str, Any]:
        """What the drive_edit service takes."""
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in ("kind", "visibility", "time_zone", "capacity", "target", "partner")
        }
        values.update(starts_at=data["starts_at"], ends_at=data["ends_at"])
        for name in TEXT_FIELDS:
            for lang in ("ru", "en"):
                values[f"{name}_{lang}"] = data.get(f"{name}_{lang}") or ""
        if values["kind"] == Drive.Kind.APPEAL:
            values["capacity"] = max(values["capacity"], self.drive.signed_up)
        return values


class WindowForm(forms.Form):
    """A time window of the drive's day, in its local time."""

    window_starts = forms.TimeField(
        label=_("From"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Please enter when the window starts."),
            "invalid": _("Please enter a time like 10:00."),
        },
    )
    window_ends = forms.TimeField(
        label=_("To"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Please enter when the window ends."),
            "invalid": _("Please enter a time like 11:00."),
        },
    )
    window_capacity = forms.IntegerField(
        label=_("Places in this window"),
        min_value=1,
        max_value=100000,
        error_messages={"required": _("Please enter how many places the window has.")},
    )

    def __init__(self, *args: Any, drive: Drive, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.drive = drive

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        drive = self.drive
        if drive.day is None or drive.starts_at is None or drive.ends_at is None:
            raise forms.ValidationError(_("Set the drive's day and hours first, then its windows."))
        starts, ends = cleaned.get("window_starts"), cleaned.get("window_ends")
        if starts is None or ends is None:
            return cleaned
        cleaned["starts_at"] = dt.datetime.combine(drive.day, starts, tzinfo=drive.zone)
        cleaned["ends_at"] = dt.datetime.combine(drive.day, ends, tzinfo=drive.zone)
        if cleaned["ends_at"] <= cleaned["starts_at"]:
            self.add_error("window_ends", _("The window must end after it starts."))
        elif cleaned["starts_at"] < drive.starts_at or cleaned["ends_at"] > drive.ends_at:
            self.add_error("window_starts", _("The window must lie within the drive's hours."))
        return cleaned


class InviteForm(forms.Form):
    name = PlainTextField(
        label=_("Their name"),
        max_length=200,
        error_messages={"required": _("Please enter their name.")},
    )
    email = EmailAddressField(
        label=_("Their email"),
        help_text=_("They get an email with a link to set a password and see this drive."),
        error_messages={
            "required": _("Please enter their email address."),
            "invalid": _("Please enter an email address like name@example.com."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=[("ru", "Русский"), ("en", "English")],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose the language of the invitation.")},
    )


class MessageForm(forms.Form):
    text = MultilineTextField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": str(MESSAGE_MAX_LENGTH)}),
        help_text=_(
            "Up to 600 characters, for example: “The room has changed to 204, second floor.” "
            "It is sent as you write it, inside a short note from the registry."
        ),
        error_messages={
            "required": _("Please write the message."),
            "max_length": _("Please shorten the message to %(limit_value)d characters."),
        },
    )


class WalkInForm(DetailsForm):
    """Someone who came without signing up, registered at the desk on the organiser's phone:
    the person reads the consent and ticks it themselves, or the organiser reads it out."""

    window = forms.TypedChoiceField(
        label=_("Time window"), coerce=int, required=False, widget=forms.RadioSelect
    )

    WORDING = {
        "name": (_("Full name"), _("Please enter the person's name.")),
        "email": (_("Email"), _("Please enter the person's email address.")),
        "phone": (_("Mobile phone"), _("Please enter the person's phone number.")),
        "born": (_("Date of birth"), _("Please enter the person's date of birth.")),
        "language": (
            _("Language of our messages"),
            _("Please choose the language of the person's messages."),
        ),
        "consent": (
            _("The person read the consent above (or had it read out) and agrees to it."),
            _("Please let the person read the consent, and tick this once they agree."),
        ),
    }

    def __init__(self, *args: Any, windows: list[Any], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, born_on=None, **kwargs)
        self.today = today
        self.fields.pop("drive_code", None)  # they are at this drive
        self.fields.pop("sms_reminders", None)  # and need no reminder of it
        for name, (label, required) in self.WORDING.items():
            field = self.fields[name]
            field.label = label
            field.error_messages["required"] = required
        self.fields["email"].help_text = _("Their confirmation and later messages go here.")
        window = self.fields["window"]
        if windows and isinstance(window, forms.ChoiceField):
            window.required = True
            window.choices = [(w.pk, str(w)) for w in windows]
            window.error_messages["required"] = _("Please choose a time window.")
        else:
            del self.fields["window"]

    def clean_born(self) -> dt.date:
        born = super().clean_born()
        if born > self.today or not born_is_plausible(born, self.today):
            raise forms.ValidationError(_("Please check the year of the date of birth."))
        return born
