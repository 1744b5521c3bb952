"""The eligibility rules as staff publish them, and the proof a passed check leaves behind."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import time
from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from recruitment import eligibility
from recruitment.eligibility import Outcome, Proof, Result, Rule, Rules, snapshot_of
from recruitment.models import AgePolicy, Condition, RulesVersion
from recruitment.services.sites import WINDOW_DAYS
from registry.http_cache import versions_read
from registry.locks import lock_rows

PROOF_COOKIE = "eligibility_proof"


def rules_publish(*, actor: AbstractBaseUser | AnonymousUser | None = None) -> RulesVersion:
    """Freeze the rules as they are now into a new version, unless nothing changed.

    Versions are numbered one after another; the row lock on the newest version keeps two
    staff members saving at once from taking the same number.
    """
    with transaction.atomic():
        newest = RulesVersion.objects.order_by("-number").values_list("pk", flat=True).first()
        locked = lock_rows(RulesVersion.objects.all(), [newest]) if newest else []
        latest = locked[0] if locked else None
        snapshot = snapshot_of(
            AgePolicy.get(), Condition.objects.filter(active=True).order_by("order", "pk")
        )
        if latest is not None and latest.snapshot == snapshot:
            return latest
        return RulesVersion.objects.create(
            number=(latest.number + 1) if latest else 1,
            snapshot=snapshot,
            created_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
        )


def proof_from_cookies(cookies: Mapping[str, str]) -> eligibility.Proof | None:
    """The signed proof of a passed check that the browser carries, if it is genuine."""
    token = cookies.get(PROOF_COOKIE)
    return eligibility.proof_read(token) if token else None


def questions_to_answer(
    proof: eligibility.Proof, rules: eligibility.Rules
) -> tuple[eligibility.Rule, ...]:
    """The questions added or changed since the version of the rules the proof was passed
    under; empty when the proof is current."""
    if proof.version == rules.version:
        return ()
    old = RulesVersion.objects.filter(number=proof.version).first()
    if old is None:
        return rules.conditions  # a version we never had: every question
    return eligibility.questions_changed(old.rules(), rules)


def proof_current(proof: eligibility.Proof, rules: eligibility.Rules) -> bool:
    """Whether a proof answers every question the rules ask now. A new or changed question
    since it was issued means the person answers that question before booking."""
    return not questions_to_answer(proof, rules)


# The current rules as pages read them to tell who comes of age, kept in this process: read
# again when the rules' version changes (registry.http_cache) and at least this often.
_RULES_KEPT_SECONDS = 30.0
_rules_kept: tuple[str | None, float, eligibility.Rules] | None = None


def _rules_for_pages() -> eligibility.Rules:
    global _rules_kept
    (version,) = versions_read("rules")
    now = time.monotonic()
    kept = _rules_kept
    if kept is None or version is None or kept[0] != version or now - kept[1] > _RULES_KEPT_SECONDS:
        kept = _rules_kept = (version, now, RulesVersion.objects.current().rules())
    return kept[2]


def proof_coming_of_age(*, proof: Proof | None, today: dt.date) -> eligibility.ComingOfAge | None:
    """When the holder of a proof, too young for a blood test `today`, reaches the minimum age
    of the current rules (the checker lets through those who do within the booking window);
    None without a proof or when they are old enough. For pages only: booking judges the age
    again with the rules read afresh."""
    if proof is None:
        return None
    return eligibility.coming_of_age(_rules_for_pages(), proof.born_on, today)


def _book_until(today: dt.date) -> dt.date:
    """The last day a time can be booked: age counts on that day, not at the check."""
    return today + dt.timedelta(days=WINDOW_DAYS)


# The checker's steps. Answers live only in the request that carries them: these functions take
# what was posted and return what to show, and nothing here stores or logs an answer.


@dataclasses.dataclass(frozen=True)
class CheckerPlan:
    """The questions a check asks: every one, or, for someone whose proof is from an older
    version of the rules, only those added or changed since (the date of birth then comes from
    the proof). Decided from the signed proof and the current rules, never from anything posted,
    so a forged form cannot leave a question out."""

    asked: Rules
    update_of: Proof | None = None


@dataclasses.dataclass(frozen=True)
class CheckerStep:
    """What the checker shows next.

    `stage` is "born" (the date of birth), "question" (one question, with htmx), "questions"
    (every question asked on one page, without JavaScript) or "result".
    """

    stage: str
    born: dt.date | None = None
    rule: Rule | None = None  # "question": the one to ask now
    number: int = 0  # "question": its place among the questions asked
    answered: tuple[tuple[str, bool], ...] = ()  # "question": answers so far, carried in the page
    bound: bool = False  # "questions": show the posted answers back, with what is missing
    rules_changed: bool = False  # the rules changed while this person was answering
    result: Result | None = None
    proof: str | None = None  # an eligible "result": the signed proof for the browser to keep


def checker_plan(*, rules: Rules, proof: Proof | None) -> CheckerPlan:
    """Every question, unless the browser carries a genuine proof from an older version of the
    rules and some questions were added or changed since: then only those."""
    if proof is not None:
        changed = questions_to_answer(proof, rules)
        if changed:
            return CheckerPlan(
                asked=dataclasses.replace(rules, conditions=changed), update_of=proof
            )
    return CheckerPlan(asked=rules)


def checker_open(*, plan: CheckerPlan, today: dt.date, htmx: bool) -> CheckerStep:
    """What opening the checker shows: the date of birth, or, for a proof from an older version,
    the new questions straight away (the first alone with htmx, all on one page without)."""
    if plan.update_of is None:
        return CheckerStep("born")
    born = plan.update_of.born_on
    by_age = eligibility.judge_age(plan.asked, born, today, book_until=_book_until(today))
    if by_age is not None:
        return _checker_result(plan.asked, born, by_age, today)
    if htmx:
        return _checker_next(plan.asked, born, {}, today)
    return CheckerStep("questions", born=born)


def checker_answer(
    *,
    plan: CheckerPlan,
    born: dt.date,
    posted: Mapping[str, str],
    answers: Mapping[str, bool],
    today: dt.date,
    htmx: bool,
) -> CheckerStep:
    """What the checker shows after a POST.

    `posted` is the form as sent (stage, version, and with htmx the question just answered or
    "back"); `answers` are the yes/no answers it carries, read for the questions `plan` asks.
    With htmx the questions come one at a time; without, the date of birth is followed by one
    page with every question asked.
    """
    rules = plan.asked
    starting = posted.get("stage") == "born"
    # The rules changed while this person was answering: their answers may not cover the
    # questions now asked, so the questions start again.
    rules_changed = not starting and posted.get("version") != str(rules.version)
    starting = starting or rules_changed

    by_age = eligibility.judge_age(rules, born, today, book_until=_book_until(today))
    if by_age is not None:
        return _checker_result(rules, born, by_age, today, rules_changed=rules_changed)

    if htmx:
        back = posted.get("nav") == "back"
        if back and not answers and plan.update_of is None:
            return CheckerStep("born", born=born, rules_changed=rules_changed)
        so_far = {} if starting else _checker_step_answers(rules, posted, answers, back=back)
        return _checker_next(rules, born, so_far, today, rules_changed=rules_changed)

    if starting or any(rule.key not in answers for rule in rules.conditions):
        return CheckerStep("questions", born=born, bound=not starting, rules_changed=rules_changed)
    result = eligibility.judge(rules, born, answers, today, book_until=_book_until(today))
    return _checker_result(rules, born, result, today)


def _checker_step_answers(
    rules: Rules, posted: Mapping[str, str], answers: Mapping[str, bool], *, back: bool
) -> dict[str, bool]:
    """Answers so far, plus the one just given, minus the last one when going back."""
    keys = [rule.key for rule in rules.conditions]
    # Only an unbroken run from the first question counts; anything after a gap is dropped.
    so_far = {key: answers[key] for key in itertools.takewhile(answers.__contains__, keys)}
    if back:
        if so_far:
            so_far.pop(next(reversed(so_far)))
        return so_far
    question = posted.get("question", "")
    answer = posted.get("answer")
    pending = [key for key in keys if key not in so_far]
    if pending and question == pending[0] and answer in ("yes", "no"):
        so_far[question] = answer == "yes"
    return so_far


def _checker_next(
    rules: Rules,
    born: dt.date,
    answers: Mapping[str, bool],
    today: dt.date,
    *,
    rules_changed: bool = False,
) -> CheckerStep:
    """The next unanswered question, or the result once an exclusion or the last answer
    decides it."""
    decided = any(answers.get(r.key) and r.outcome is Outcome.EXCLUDE for r in rules.conditions)
    pending = [rule for rule in rules.conditions if rule.key not in answers]
    if decided or not pending:
        result = eligibility.judge(rules, born, answers, today, book_until=_book_until(today))
        return _checker_result(rules, born, result, today, rules_changed=rules_changed)
    answered = tuple((r.key, answers[r.key]) for r in rules.conditions if r.key in answers)
    return CheckerStep(
        "question",
        born=born,
        rule=pending[0],
        number=len(answered) + 1,
        answered=answered,
        rules_changed=rules_changed,
    )


def _checker_result(
    rules: Rules, born: dt.date, result: Result, today: dt.date, *, rules_changed: bool = False
) -> CheckerStep:
    """The result; a pass comes with a proof of the current version, checked today."""
    proof = None
    if result.eligible:
        proof = eligibility.proof_issue(version=rules.version, checked_on=today, born_on=born)
    return CheckerStep("result", born=born, result=result, proof=proof, rules_changed=rules_changed)
