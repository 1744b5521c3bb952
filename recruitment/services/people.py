"""The person behind a booking or a waiting-list place, as the services receive them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from recruitment.models import SMS_CONSENT, ConsentText, ConsentVia, normalize_email


@dataclass(frozen=True)
class Details:
    name: str
    email: str
    phone: str  # E.164
    born_on: dt.date
    language: str
    consent: ConsentText
    consent_via: str = ConsentVia.WEB
    # SMS reminders: asked for with these words (as shown, in the page's language), or "".
    sms_consent_text: str = ""
    # When it was given, if before this booking (a waiting-list place taken up later).
    sms_consent_at: dt.datetime | None = None

    @classmethod
    def from_form(
        cls, data: dict[str, Any], consent: ConsentText, *, via: str = ConsentVia.WEB
    ) -> Details:
        return cls(
            name=data["name"].strip(),
            email=data["email"],
            phone=data["phone"],
            born_on=data["born"],
            language=data["language"],
            consent=consent,
            consent_via=via,
            sms_consent_text=str(SMS_CONSENT) if data.get("sms_reminders") else "",
        )

    @classmethod
    def of(cls, person: Any) -> Details:
        """The details kept on an Appointment or a WaitlistEntry."""
        return cls(
            name=person.name,
            email=person.email,
            phone=person.phone,
            born_on=person.born_on,
            language=person.language,
            consent=person.consent,
            consent_via=person.consent_via,
            sms_consent_text=person.sms_consent_text if person.sms_reminders else "",
            sms_consent_at=person.sms_consent_at if person.sms_reminders else None,
        )

    def same_person(self) -> Q:
        """Rows of this person: "one active booking per person" is judged by email and phone."""
        return Q(email_normalized=normalize_email(self.email)) | Q(phone=self.phone)

    def person_fields(
        self, *, rules_version: int, checked_on: dt.date, now: dt.datetime
    ) -> dict[str, Any]:
        """The fields of an Appointment or a WaitlistEntry that say who the person is."""
        return {
            "name": self.name,
            "email": self.email,
            "email_normalized": normalize_email(self.email),
            "phone": self.phone,
            "born_on": self.born_on,
            "language": self.language,
            "consent": self.consent,
            "consented_at": now,
            "consent_via": self.consent_via,
            "sms_reminders": bool(self.sms_consent_text),
            "sms_consent_at": (self.sms_consent_at or now) if self.sms_consent_text else None,
            "sms_consent_via": self.consent_via if self.sms_consent_text else "",
            "sms_consent_text": self.sms_consent_text,
            "rules_version": rules_version,
            "rules_checked_on": checked_on,
            "created_at": now,
        }
