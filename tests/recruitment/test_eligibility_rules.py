"""The eligibility rules as pure functions: every boundary of age, leap days, each outcome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing

from recruitment import eligibility
from recruitment.eligibility import AgeProblem, Outcome, Rule, Rules, Verdict

D = dt.date


def rule(key: str, outcome: Outcome, months: int | None = None) -> Rule:
    texts = {
        lang: {"question": f"{key}?", "help": "", "reason": f"because {key}"}
        for lang in ("ru", "en")
    }
    return Rule(key=key, outcome=outcome, deferral_months=months, texts=texts)


RULES = Rules(
    version=7,
    min_age=18,
    max_age=45,
    conditions=(
        rule("tb", Outcome.EXCLUDE),
        rule("chronic", Outcome.ASK),
        rule("tattoo", Outcome.DEFER, 6),
        rule("surgery", Outcome.DEFER, 12),
        rule("hiv", Outcome.EXCLUDE),
    ),
)


@pytest.mark.parametrize(
    ("born", "day", "eligible"),
    [
        (D(2008, 6, 15), D(2026, 6, 14), False),  # the day before turning 18
        (D(2008, 6, 15), D(2026, 6, 15), True),  # turning 18 that very day
        (D(1981, 6, 15), D(2026, 6, 15), True),  # 45 on the day: not yet 46
        (D(1981, 6, 16), D(2027, 6, 15), True),  # 45, turns 46 tomorrow
        (D(1980, 6, 15), D(2026, 6, 15), False),  # turns 46 that day
        (D(1980, 6, 15), D(2026, 6, 14), True),  # 45 for one more day
        (D(1980, 6, 14), D(2026, 6, 15), False),  # turned 46 before the day
        # 29 February: the birthday counts as 1 March in a year without one.
        (D(2008, 2, 29), D(2026, 2, 28), False),
        (D(2008, 2, 29), D(2026, 3, 1), True),
        (D(2004, 2, 29), D(2022, 2, 28), False),
        (D(2004, 2, 29), D(2022, 3, 1), True),
        (D(1980, 2, 29), D(2026, 2, 28), True),  # still 45
        (D(1980, 2, 29), D(2026, 3, 1), False),  # 46 from 1 March
        (D(1980, 2, 29), D(2024, 2, 29), True),  # 44 on a real 29 February
    ],
)
def test_age_is_judged_on_the_given_day(born: dt.date, day: dt.date, eligible: bool) -> None:
    assert eligibility.judge(RULES, born, {}, day).eligible is eligible


def test_a_leap_day_baby_turns_a_year_older_on_1_march_in_common_years() -> None:
    assert eligibility.birthday(D(2008, 2, 29), 18) == D(2026, 3, 1)
    assert eligibility.birthday(D(2008, 2, 29), 16) == D(2024, 2, 29)
    assert eligibility.age_on(D(2008, 2, 29), D(2026, 2, 28)) == 17


def test_someone_too_young_is_told_the_day_they_can_join() -> None:
    result = eligibility.judge(RULES, D(2010, 3, 9), {}, D(2026, 11, 26))
    assert result.verdict is Verdict.DEFERRED
    assert result.age_problem is AgeProblem.TOO_YOUNG
    assert result.can_join_from == D(2028, 3, 9)


def test_someone_too_old_is_not_eligible_because_of_age() -> None:
    result = eligibility.judge(RULES, D(1970, 1, 1), {"tb": False}, D(2026, 11, 26))
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert result.age_problem is AgeProblem.TOO_OLD
    assert result.causes == ()


def test_the_age_bounds_come_from_the_rules_not_the_code() -> None:
    older = Rules(version=8, min_age=18, max_age=55, conditions=())
    assert eligibility.judge(older, D(1975, 1, 1), {}, D(2026, 11, 26)).eligible
    assert not eligibility.judge(RULES, D(1975, 1, 1), {}, D(2026, 11, 26)).eligible


BORN = D(1995, 5, 17)
TODAY = D(2026, 11, 26)


def test_all_no_is_eligible() -> None:
    answers = {c.key: False for c in RULES.conditions}
    result = eligibility.judge(RULES, BORN, answers, TODAY)
    assert result.verdict is Verdict.ELIGIBLE
    assert result.age == 31


def test_a_yes_to_an_exclusion_names_that_answer() -> None:
    result = eligibility.judge(RULES, BORN, {"tb": True}, TODAY)
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert [c.key for c in result.causes] == ["tb"]


def test_an_exclusion_outweighs_ask_and_deferral_and_every_exclusion_is_named() -> None:
    answers = {"tb": True, "chronic": True, "tattoo": True, "hiv": True}
    result = eligibility.judge(RULES, BORN, answers, TODAY)
    assert result.verdict is Verdict.NOT_ELIGIBLE
    assert [c.key for c in result.causes] == ["tb", "hiv"]


def test_ask_us_outweighs_a_deferral() -> None:
    result = eligibility.judge(RULES, BORN, {"chronic": True, "tattoo": True}, TODAY)
    assert result.verdict is Verdict.ASK
    assert [c.key for c in result.causes] == ["chronic"]


def test_a_deferral_says_from_when_and_the_longest_one_wins() -> None:
    result = eligibility.judge(RULES, BORN, {"tattoo": True}, TODAY)
    assert result.verdict is Verdict.DEFERRED
    assert result.can_join_from == D(2027, 5, 26)
    both = eligibility.judge(RULES, BORN, {"tattoo": True, "surgery": True}, TODAY)
    assert both.can_join_from == D(2027, 11, 26)
    assert [c.key for c in both.causes] == ["tattoo", "surgery"]


def test_a_deferral_from_the_31st_lands_on_the_last_day_of_a_short_month() -> None:
    assert eligibility.add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert eligibility.add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)


def test_a_date_of_birth_120_years_ago_or_more_is_not_plausible() -> None:
    assert eligibility.born_is_plausible(D(1906, 11, 27), TODAY)
    assert not eligibility.born_is_plausible(D(1906, 11, 26), TODAY)
    assert not eligibility.born_is_plausible(D(2026, 11, 27), TODAY)


def test_a_proof_round_trips_and_still_holds_on_the_appointment_day() -> None:
    token = eligibility.proof_issue(version=7, checked_on=TODAY, born_on=BORN)
    proof = eligibility.proof_read(token)
    assert proof is not None
    assert (proof.version, proof.checked_on, proof.born_on) == (7, TODAY, BORN)
    assert eligibility.proof_holds_on(proof, RULES, D(2026, 12, 20))


def test_a_proof_is_judged_again_on_the_appointment_day() -> None:
    born = D(1981, 1, 10)  # 45 at the check, 46 by a January appointment
    token = eligibility.proof_issue(version=7, checked_on=TODAY, born_on=born)
    proof = eligibility.proof_read(token)
    assert proof is not None
    assert eligibility.proof_holds_on(proof, RULES, D(2027, 1, 9))
    assert not eligibility.proof_holds_on(proof, RULES, D(2027, 1, 10))


def test_a_tampered_or_foreign_proof_is_refused() -> None:
    token = eligibility.proof_issue(version=7, checked_on=TODAY, born_on=BORN)
    assert eligibility.proof_read(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert (
        eligibility.proof_read(signing.dumps({"v": 7, "d": "2026-11-26", "b": "1995-05-17"}))
        is None
    )
    assert eligibility.proof_read("not a token") is None


def test_a_proof_expires(time_machine) -> None:
    time_machine.move_to(dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC))
    token = eligibility.proof_issue(version=7, checked_on=D(2026, 11, 1), born_on=BORN)
    time_machine.move_to(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC))
    assert eligibility.proof_read(token) is not None
    time_machine.move_to(dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC))
    assert eligibility.proof_read(token) is None
