from recruitment.models.base import in_language
from recruitment.models.booking import Appointment, ConsentText, WaitlistEntry
from recruitment.models.content import Entry
from recruitment.models.outbox import OutboxEmail
from recruitment.models.rules import AgePolicy, Condition, RulesVersion
from recruitment.models.sites import Closure, OpeningPattern, Slot, TypingSite

__all__ = [
    "AgePolicy",
    "Appointment",
    "Closure",
    "Condition",
    "ConsentText",
    "Entry",
    "OpeningPattern",
    "OutboxEmail",
    "RulesVersion",
    "Slot",
    "TypingSite",
    "WaitlistEntry",
    "in_language",
]
