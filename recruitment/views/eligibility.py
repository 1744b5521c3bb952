"""The eligibility check."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from recruitment.forms import BornForm, QuestionsForm, answers_from, field_name
from recruitment.models import RulesVersion
from recruitment.services.eligibility import (
    PROOF_COOKIE,
    CheckerPlan,
    CheckerStep,
    checker_answer,
    checker_open,
    checker_plan,
    proof_from_cookies,
)
from recruitment.views.base import HtmxHttpRequest, language
from registry.http_cache import kept


def _browser(group: str, request: HttpRequest) -> str:
    """The browser, by the CSRF cookie every checker POST already carries: no cookie of our
    own, and the cookie's secret is hashed before it becomes a cache key."""
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    return hashlib.sha256(secret.encode()).hexdigest()


def _checks_done(request: HttpRequest, *, increment: bool) -> list[dict[str, Any]]:
    """How many checks this browser and this address have completed in their current periods.

    A hall of students behind one network takes a few hundred checks an hour, each of a dozen
    answers, so answers are not what is limited: completed checks are, per browser, with a
    generous ceiling per address for a script that drops its cookies. Fails open (nothing is
    counted while Redis is away)."""
    limits: list[tuple[str, str | Callable[[str, HttpRequest], str], str]] = [
        ("checker-done-address", "ip", settings.RATELIMIT_CHECKER_ADDRESS)
    ]
    if request.COOKIES.get(settings.CSRF_COOKIE_NAME):
        limits.append(("checker-done-browser", _browser, settings.RATELIMIT_CHECKER_BROWSER))
    usages = [
        get_usage(request, group=group, key=key, rate=rate, increment=increment)
        for group, key, rate in limits
    ]
    return [usage for usage in usages if usage is not None]


def _checker_wait(request: HttpRequest) -> int:
    """Seconds this POST must wait (0 when it may go on): every answer counts against a high
    ceiling per address, so a script cannot spin forever, and a browser or address that has
    completed its checks for the period is told when it may start another."""
    waits = []
    posts = get_usage(
        request, group="checker-posts", key="ip", rate=settings.RATELIMIT_CHECKER, increment=True
    )
    if posts is not None and posts["should_limit"]:
        waits.append(posts["time_left"])
    waits += [
        u["time_left"] for u in _checks_done(request, increment=False) if u["count"] >= u["limit"]
    ]
    return max((max(1, wait) for wait in waits), default=0)


def _checker_shows(request: HttpRequest) -> tuple[str, ...] | None:
    """The first page of the check is the same for everyone without a proof (its token filled
    in per visitor), until the rules change; someone with a proof may be asked fewer questions."""
    return None if PROOF_COOKIE in request.COOKIES else ("rules",)


@require_http_methods(["GET", "POST"])
@kept(_checker_shows, seconds=lambda: settings.RENDER_CACHE_SECONDS, form=True)
@never_cache
def checker(request: HtmxHttpRequest) -> TemplateResponse:
    """The eligibility check. Answers live only in this request: never stored, never logged.

    With htmx the questions come one at a time (answers so far travel back as hidden fields);
    without JavaScript the date of birth is followed by one page with every question. Someone
    whose proof is from an older version of the rules answers only the questions changed since.
    """
    rules = RulesVersion.objects.current().rules()
    plan = checker_plan(rules=rules, proof=proof_from_cookies(request.COOKIES))
    today = timezone.localdate()
    context: dict[str, Any] = {
        "rules": plan.asked,
        "total": len(plan.asked.conditions),
        "next": _safe_next(request),
        "update_of": plan.update_of,
    }

    if request.method == "GET":
        step = checker_open(plan=plan, today=today, htmx=bool(request.htmx))
        return _render(request, context, plan, step, today)
    wait = _checker_wait(request)
    if wait:
        context["wait_minutes"] = -(-wait // 60)
        response = _render_checker(request, context, stage="limited", status=429)
        response["Retry-After"] = str(wait)
        return response

    if plan.update_of is not None:
        born = plan.update_of.born_on
    else:
        born_form = BornForm(request.POST, today=today)
        if not born_form.is_valid():
            return _render_checker(request, context, stage="born", form=born_form)
        born = born_form.cleaned_data["born"]
    step = checker_answer(
        plan=plan,
        born=born,
        posted=request.POST,
        answers=answers_from(request.POST, plan.asked),
        today=today,
        htmx=bool(request.htmx),
    )
    if step.stage == "result":
        _checks_done(request, increment=True)
    return _render(request, context, plan, step, today)


def _safe_next(request: HttpRequest) -> str:
    """Where to continue after a passed check (the booking that sent the volunteer here)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _render(
    request: HtmxHttpRequest,
    context: dict[str, Any],
    plan: CheckerPlan,
    step: CheckerStep,
    today: dt.date,
) -> TemplateResponse:
    context.update(born=step.born, rules_changed=step.rules_changed)
    if step.stage == "born":
        initial = {"born": step.born} if step.born else None
        born_form = BornForm(initial=initial, today=today)
        return _render_checker(request, context, stage="born", form=born_form)
    if step.stage == "questions":
        questions = QuestionsForm(request.POST if step.bound else None, rules=plan.asked)
        return _render_checker(request, context, stage="questions", form=questions)
    if step.stage == "question":
        assert step.rule is not None
        context.update(
            rule=step.rule,
            field=field_name(step.rule.key),
            number=step.number,
            hidden=[(field_name(key), "yes" if yes else "no") for key, yes in step.answered],
        )
        return _render_checker(request, context, stage="question")
    return _render_result(request, context, step)


def _render_checker(
    request: HtmxHttpRequest,
    context: dict[str, Any],
    *,
    stage: str,
    status: int = 200,
    **extra: Any,
) -> TemplateResponse:
    context.update(stage=stage, **extra)
    template = "recruitment/eligibility/checker.html"
    if request.htmx:
        template += "#checker"
    return TemplateResponse(request, template, context, status=status)


def _render_result(
    request: HtmxHttpRequest, context: dict[str, Any], step: CheckerStep
) -> TemplateResponse:
    assert step.result is not None
    language_code = language()
    context["result"] = step.result
    context["proof_days"] = settings.ELIGIBILITY_PROOF_MAX_AGE_DAYS
    context["causes"] = [
        {
            "question": rule.text(language_code, "question"),
            "reason": rule.text(language_code, "reason"),
        }
        for rule in step.result.causes
    ]
    response = _render_checker(request, context, stage="result")
    if step.proof:
        response.set_cookie(
            PROOF_COOKIE,
            step.proof,
            max_age=settings.ELIGIBILITY_PROOF_MAX_AGE_DAYS * 24 * 3600,
            secure=settings.HTTPS,
            httponly=True,
            samesite="Lax",
        )
    return response
