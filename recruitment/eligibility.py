"""Judging who may join: pure functions over a published version of the rules.

Nothing here touches the database or stores an answer. The rules come in as a snapshot (the
JSON kept on `RulesVersion`), answers as a mapping of condition key to yes/no, and "today" as a
parameter, so every boundary can be tested with plain values.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing

OLDEST_PLAUSIBLE_AGE = 120


class Outcome(enum.StrEnum):
    EXCLUDE = "exclude"
    DEFER = "defer"
    ASK = "ask"


class Verdict(enum.StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    DEFERRED = "deferred"
    ASK = "ask"


class AgeProblem(enum.StrEnum):
    TOO_YOUNG = "too_young"
    TOO_OLD = "too_old"


@dataclass(frozen=True)
class Rule:
    key: str
    outcome: Outcome
    deferral_months: int | None
    texts: Mapping[str, Mapping[str, str]]  # language -> {"question", "help", "reason"}

    def text(self, language: str, name: str) -> str:
        for lang in (language, settings.LANGUAGE_CODE, "en"):
            value = self.texts.get(lang, {}).get(name, "")
            if value:
                return value
        return ""


@dataclass(frozen=True)
class Rules:
    version: int
    min_age: int
    max_age: int
    conditions: tuple[Rule, ...]

    @classmethod
    def from_snapshot(cls, version: int, snapshot: Mapping[str, Any]) -> Rules:
        return cls(
            version=version,
            min_age=int(snapshot["min_age"]),
            max_age=int(snapshot["max_age"]),
            conditions=tuple(
                Rule(
                    key=item["key"],
                    outcome=Outcome(item["outcome"]),
                    deferral_months=item.get("deferral_months"),
                    texts=item["texts"],
                )
                for item in snapshot["conditions"]
            ),
        )

    def condition(self, key: str) -> Rule | None:
        return next((rule for rule in self.conditions if rule.key == key), None)


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    causes: tuple[Rule, ...] = ()
    age_problem: AgeProblem | None = None
    can_join_from: dt.date | None = None
    age: int | None = None
    # Eligible, but too young for a blood test before this day (the minimum age's birthday).
    can_book_from: dt.date | None = None

    @property
    def eligible(self) -> bool:
        return self.verdict is Verdict.ELIGIBLE


@dataclass(frozen=True)
class Proof:
    """What travels with a booking: passed version V of the rules on day D, born on B."""

    version: int
    checked_on: dt.date
    born_on: dt.date
    extra: Mapping[str, Any] = field(default_factory=dict)


def birthday(born: dt.date, years: int) -> dt.date:
    """The day someone born on `born` turns `years` old.

    A 29 February birthday falls on 1 March in a year without one: the person has not completed
    the year until 28 February is over.
    """
    year = born.year + years
    if born.month == 2 and born.day == 29 and not calendar.isleap(year):
        return dt.date(year, 3, 1)
    return born.replace(year=year)


def age_on(born: dt.date, day: dt.date) -> int:
    years = day.year - born.year
    if birthday(born, years) > day:
        years -= 1
    return years


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def born_is_plausible(born: dt.date, today: dt.date) -> bool:
    return born <= today and age_on(born, today) < OLDEST_PLAUSIBLE_AGE


@dataclass(frozen=True)
class ComingOfAge:
    """When someone too young today reaches the minimum age: from `day` they are `age`."""

    day: dt.date
    age: int


def coming_of_age(rules: Rules, born: dt.date, on_day: dt.date) -> ComingOfAge | None:
    """The birthday on which someone too young on `on_day` reaches the minimum age; None when
    they are old enough already."""
    if age_on(born, on_day) >= rules.min_age:
        return None
    return ComingOfAge(day=birthday(born, rules.min_age), age=rules.min_age)


def judge_age(
    rules: Rules, born: dt.date, on_day: dt.date, *, book_until: dt.date | None = None
) -> Result | None:
    """A result when age alone decides, None when the health questions should follow.

    Age counts on the day of the blood test, not the day of the check. With `book_until`, the
    last day a time can be booked, someone too young on `on_day` who is old enough by then goes
    on to the questions; booking judges the age again on the appointment's day.
    """
    age = age_on(born, on_day)
    if age < rules.min_age:
        can_join_from = birthday(born, rules.min_age)
        if book_until is not None and can_join_from <= book_until:
            return None
        return Result(
            Verdict.DEFERRED,
            age_problem=AgeProblem.TOO_YOUNG,
            can_join_from=can_join_from,
            age=age,
        )
    if age > rules.max_age:
        return Result(Verdict.NOT_ELIGIBLE, age_problem=AgeProblem.TOO_OLD, age=age)
    return None


def judge(
    rules: Rules,
    born: dt.date,
    answers: Mapping[str, bool],
    on_day: dt.date,
    *,
    book_until: dt.date | None = None,
) -> Result:
    """The whole verdict: age first, then every condition answered "yes".

    The most serious outcome wins (exclusion, then "ask us", then deferral) and the result
    names every answer that led to it. A question left unanswered counts as "no". Someone who
    comes of age by `book_until` (see judge_age) passes with the day they may book from, and a
    deferral never ends before that day.
    """
    by_age = judge_age(rules, born, on_day, book_until=book_until)
    if by_age is not None:
        return by_age
    of_age = coming_of_age(rules, born, on_day)
    yes = [rule for rule in rules.conditions if answers.get(rule.key)]
    for outcome, verdict in (
        (Outcome.EXCLUDE, Verdict.NOT_ELIGIBLE),
        (Outcome.ASK, Verdict.ASK),
    ):
        causes = tuple(rule for rule in yes if rule.outcome is outcome)
        if causes:
            return Result(verdict, causes=causes)
    deferrals = tuple(rule for rule in yes if rule.outcome is Outcome.DEFER)
    if deferrals:
        until = max(add_months(on_day, rule.deferral_months or 0) for rule in deferrals)
        if of_age is not None:
            until = max(until, of_age.day)
        return Result(Verdict.DEFERRED, causes=deferrals, can_join_from=until)
    return Result(
        Verdict.ELIGIBLE,
        age=age_on(born, on_day),
        can_book_from=of_age.day if of_age is not None else None,
    )


def snapshot_of(policy: Any, conditions: Any) -> dict[str, Any]:
    """The JSON kept on a RulesVersion. Takes plain objects so migrations can call it too."""
    return {
        "min_age": policy.min_age,
        "max_age": policy.max_age,
        "conditions": [
            {
                "key": c.key,
                "outcome": c.outcome,
                "deferral_months": c.deferral_months,
                "texts": {
                    lang: {
                        "question": getattr(c, f"question_{lang}"),
                        "help": getattr(c, f"help_{lang}"),
                        "reason": getattr(c, f"reason_{lang}"),
                    }
                    for lang in ("ru", "en")
                },
            }
            for c in conditions
        ],
    }


_PROOF_SALT = "recruitment.eligibility.proof"


def proof_issue(*, version: int, checked_on: dt.date, born_on: dt.date) -> str:
    payload = {"v": version, "d": checked_on.isoformat(), "b": born_on.isoformat()}
    return signing.dumps(payload, salt=_PROOF_SALT, compress=True)


def proof_read(token: str, *, max_age: dt.timedelta | None = None) -> Proof | None:
    """The proof a token carries, or None when it is forged, malformed or too old."""
    if max_age is None:
        max_age = dt.timedelta(days=settings.ELIGIBILITY_PROOF_MAX_AGE_DAYS)
    try:
        payload = signing.loads(token, salt=_PROOF_SALT, max_age=max_age)
        return Proof(
            version=int(payload["v"]),
            checked_on=dt.date.fromisoformat(payload["d"]),
            born_on=dt.date.fromisoformat(payload["b"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def questions_changed(old: Rules, new: Rules) -> tuple[Rule, ...]:
    """The questions of `new` that someone who passed `old` has not answered as they stand now:
    added ones, and ones whose question or outcome changed. Removed questions need nothing."""
    before = {rule.key: rule for rule in old.conditions}
    changed = []
    for rule in new.conditions:
        was = before.get(rule.key)
        if (
            was is None
            or was.outcome is not rule.outcome
            or was.deferral_months != rule.deferral_months
            or any(
                was.text(lang, "question") != rule.text(lang, "question") for lang in ("ru", "en")
            )
        ):
            changed.append(rule)
    return tuple(changed)


def proof_holds_on(proof: Proof, rules: Rules, on_day: dt.date) -> bool:
    """Whether a proof still admits its holder on `on_day`: the age is judged again with the
    current rules, on that day (the day of the appointment or drive)."""
    return judge_age(rules, proof.born_on, on_day) is None
