from recruitment.models.appointments import Appointment
from recruitment.models.base import in_language
from recruitment.models.content import Entry
from recruitment.models.drives import (
    CheckinAction,
    Drive,
    DriveExport,
    DriveMessage,
    DriveOrganiser,
    DriveProposal,
    DriveSignup,
    DriveWindow,
    Sample,
)
from recruitment.models.eligibility import AgePolicy, Condition, RulesVersion
from recruitment.models.outbox import OutboxEmail
from recruitment.models.people import SMS_CONSENT, ConsentText, ConsentVia, normalize_email
from recruitment.models.sites import Closure, OpeningPattern, Slot, TypingSite
from recruitment.models.sms import SmsOptOut, SmsReply
from recruitment.models.tokens import LinkToken
from recruitment.models.waitlist import WaitlistEntry

__all__ = [
    "SMS_CONSENT",
    "AgePolicy",
    "Appointment",
    "CheckinAction",
    "Closure",
    "Condition",
    "ConsentText",
    "ConsentVia",
    "Drive",
    "DriveExport",
    "DriveMessage",
    "DriveOrganiser",
    "DriveProposal",
    "DriveSignup",
    "DriveWindow",
    "Entry",
    "LinkToken",
    "OpeningPattern",
    "OutboxEmail",
    "RulesVersion",
    "Sample",
    "Slot",
    "SmsOptOut",
    "SmsReply",
    "TypingSite",
    "WaitlistEntry",
    "in_language",
    "normalize_email",
]
